import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRangeHeader } from './byte-range.js';

describe('Range header', () => {
  it('reads first-last, open-ended and suffix ranges', () => {
    assert.deepEqual(parseRangeHeader('bytes=0-99', 1000), { start: 0, end: 99 });
    assert.deepEqual(parseRangeHeader('bytes=900-', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRangeHeader('bytes=-100', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRangeHeader('bytes=-5000', 1000), { start: 0, end: 999 });
  });
  it('clamps an end past the file', () => {
    assert.deepEqual(parseRangeHeader('bytes=990-2000', 1000), { start: 990, end: 999 });
  });
  it('is unsatisfiable when the start lies past the end', () => {
    assert.equal(parseRangeHeader('bytes=1000-', 1000), 'unsatisfiable');
    assert.equal(parseRangeHeader('bytes=-0', 1000), 'unsatisfiable');
  });
  it('ignores absent, malformed, multi-range and non-byte headers (whole file)', () => {
    assert.equal(parseRangeHeader(undefined, 1000), null);
    assert.equal(parseRangeHeader('bytes=5-1', 1000), null);
    assert.equal(parseRangeHeader('bytes=0-1,5-6', 1000), null);
    assert.equal(parseRangeHeader('items=0-1', 1000), null);
    assert.equal(parseRangeHeader('bytes=-', 1000), null);
  });
});
