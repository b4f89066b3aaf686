// The imports pages read a job's shards in number order and its progress from its counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finishedShare, isRunning, shardRows } from '../../web/src/imports/import-job.js';

describe('an import job as the imports pages read it', () => {
  it('lists the shards by number, not as their keys sort as text', () => {
    const summary = (done: number) => ({ item_count: 10, status: 'complete' as const, done, failed: 0 });
    const rows = shardRows({ '10': summary(1), '2': summary(2), '0': summary(3) });
    assert.deepEqual(rows.map((r) => [r.shard, r.done]), [[0, 3], [2, 2], [10, 1]]);
  });

  it('counts failed files as finished, and a job of no files as finished', () => {
    assert.equal(finishedShare({ item_count: 4, done: 1, failed: 1 }), 0.5);
    assert.equal(finishedShare({ item_count: 0, done: 0, failed: 0 }), 1);
  });

  it('follows a job while files are being stored or segmented', () => {
    assert.deepEqual((['shards_missing', 'processing', 'complete', 'complete_with_failures'] as const).map(isRunning), [true, true, false, false]);
  });
});
