import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatByteSize, parseByteSize } from './byte-size.js';
import { formatDurationMs, parseDurationMs } from './duration.js';

describe('sizes and durations', () => {
  it('parses byte sizes with SI and binary units', () => {
    assert.equal(parseByteSize('1000'), 1000);
    assert.equal(parseByteSize('5GB'), 5e9);
    assert.equal(parseByteSize('10 GiB'), 10 * 2 ** 30);
    assert.equal(parseByteSize('1.5kib'), 1536);
    assert.equal(parseByteSize('five'), null);
    assert.equal(parseByteSize('3 parsecs'), null);
    assert.equal(parseByteSize(-1), null);
  });
  it('formats sizes for people', () => {
    assert.equal(formatByteSize(512), '512 B');
    assert.equal(formatByteSize(1536), '1.5 KiB');
  });
  it('parses durations', () => {
    assert.equal(parseDurationMs('1500'), 1500);
    assert.equal(parseDurationMs('30s'), 30_000);
    assert.equal(parseDurationMs('5m'), 300_000);
    assert.equal(parseDurationMs('6h'), 21_600_000);
    assert.equal(parseDurationMs('soon'), null);
  });
  it('formats durations the way people say them', () => {
    assert.equal(formatDurationMs(250), '250 ms');
    assert.equal(formatDurationMs(1500), '1.5 s');
    assert.equal(formatDurationMs(30_000), '30 s');
    assert.equal(formatDurationMs(90_000), '1.5 min');
    assert.equal(formatDurationMs(5_400_000), '1.5 h');
  });
});
