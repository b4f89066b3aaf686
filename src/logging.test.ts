import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logFormatFor } from './logging.js';

describe('log format', () => {
  it('is readable lines on a terminal and JSON anywhere else', () => {
    assert.equal(logFormatFor({ isTTY: true }), 'pretty');
    assert.equal(logFormatFor({ isTTY: false }), 'json');
    assert.equal(logFormatFor({}), 'json', 'a pipe or a file has no isTTY');
  });
});
