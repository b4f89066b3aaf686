import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelayMs } from './backoff.js';

describe('retry backoff', () => {
  const policy = { baseMs: 100, maxMs: 1000 };
  it('doubles per attempt without jitter', () => {
    assert.deepEqual([1, 2, 3, 4].map((a) => retryDelayMs(a, policy, () => 0)), [100, 200, 400, 800]);
  });
  it('caps at maxMs and adds at most 20 % jitter', () => {
    assert.equal(retryDelayMs(10, policy, () => 0), 1000);
    assert.equal(retryDelayMs(10, policy, () => 1), 1200);
  });
});
