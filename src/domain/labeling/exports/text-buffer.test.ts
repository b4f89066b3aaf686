import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalised, pixels, TextBuffer } from './text-buffer.js';

describe('export number formatting', () => {
  it('writes pixels with at most two decimals and no trailing zeros', () => {
    assert.deepEqual([192, 192.5, 89.6, 0.004, 0.005, 1.999, -0.001, -3.25, 1234567.891].map(pixels), ['192', '192.5', '89.6', '0', '0.01', '2', '0', '-3.25', '1234567.89']);
  });

  it('writes normalised coordinates with at most six decimals', () => {
    assert.deepEqual([0.4, 0.1 + 0.2, 0.0000004, 0.0000005, 1, 0.000123].map(normalised), ['0.4', '0.3', '0', '0.000001', '1', '0.000123']);
  });

  it('hands out text in chunks once they reach the chunk size', () => {
    const buffer = new TextBuffer(4);
    assert.equal(buffer.add('ab'), false);
    assert.equal(buffer.add('cd'), true);
    assert.equal(buffer.take(), 'abcd');
    assert.equal(buffer.size, 0);
  });
});
