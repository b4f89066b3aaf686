import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapConcurrent } from './map-concurrent.js';

describe('mapConcurrent', () => {
  it('keeps the items\' order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrent([30, 5, 20, 1, 10, 2], 2, async (ms, i) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
      return `${i}:${ms}`;
    });
    assert.deepEqual(results, ['0:30', '1:5', '2:20', '3:1', '4:10', '5:2']);
    assert.equal(most, 2);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapConcurrent([0, 1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('item 2 failed');
        return n;
      }),
      /item 2 failed/,
    );
    assert.deepEqual(started, [0, 1, 2]);
  });
});
