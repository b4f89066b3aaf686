import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobRetention } from './job-retention.js';

const clock = { now: () => 10_000_000, nowMicros: () => 10_000_000_000, sleep: () => Promise.resolve() };

describe('job retention', () => {
  it('prunes what finished before now minus the time kept, batch after batch until a batch is short', async () => {
    const calls: [number, number][] = [];
    const left = [1000, 1000, 7];
    const retention = new JobRetention({ prune: async (before, limit) => (calls.push([before, limit]), left.shift() ?? 0) }, clock, 60_000);
    assert.equal(await retention.sweep(), 2007);
    assert.deepEqual(calls, [[9_940_000, 1000], [9_940_000, 1000], [9_940_000, 1000]]);
  });

});
