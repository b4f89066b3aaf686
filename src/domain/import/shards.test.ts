import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemState, shardOf, summarizeJob, summarizeShard, type ImportItemState } from './shards.js';

const tally = (states: ImportItemState[]) => {
  const counts: Partial<Record<ImportItemState, number>> = {};
  for (const state of states) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
};

describe('import shards', () => {
  it('fills shards of at most the size in item order', () => {
    const sizes = new Map<number, number>();
    for (let seq = 0; seq < 5000; seq += 1) sizes.set(shardOf(seq), (sizes.get(shardOf(seq)) ?? 0) + 1);
    assert.deepEqual([...sizes], [[0, 2048], [1, 2048], [2, 904]]);
    assert.equal(shardOf(9, 10), 0);
    assert.equal(shardOf(10, 10), 1);
    assert.throws(() => shardOf(3, 0), /at least 1, not 0/);
  });

  it('follows a stored file through its segmentation', () => {
    assert.equal(itemState('discovered', null, true), 'discovered');
    assert.equal(itemState('stored', null, true), 'stored');
    assert.equal(itemState('stored', 'PENDING', true), 'segmenting');
    assert.equal(itemState('stored', 'STARTED', true), 'segmenting');
    assert.equal(itemState('stored', 'SUCCESS', true), 'segmented');
    assert.equal(itemState('stored', 'FAILURE', true), 'failed');
    assert.equal(itemState('stored', 'CANCELLED', true), 'failed');
    assert.equal(itemState('stored', 'FAILURE', false), 'stored', 'a job that does not segment ignores analyses');
    assert.equal(itemState('failed', 'SUCCESS', true), 'failed');
    assert.equal(itemState('stored', null, true, true), 'posted', 'a file a hook sent elsewhere is finished');
    assert.deepEqual(summarizeShard(tally(['posted', 'segmented']), true), { item_count: 2, status: 'complete', done: 2, failed: 0 });
  });

  it('gives a shard its status from its files', () => {
    assert.deepEqual(summarizeShard(tally(['stored', 'discovered']), true), { item_count: 2, status: 'missing', done: 0, failed: 0 });
    assert.equal(summarizeShard(tally(['stored', 'stored']), true).status, 'stored');
    assert.equal(summarizeShard(tally(['segmented', 'stored']), true).status, 'processing');
    assert.equal(summarizeShard(tally(['segmenting', 'failed']), true).status, 'processing');
    assert.deepEqual(summarizeShard(tally(['segmented', 'segmented']), true), { item_count: 2, status: 'complete', done: 2, failed: 0 });
    assert.deepEqual(summarizeShard(tally(['segmented', 'failed']), true), { item_count: 2, status: 'failed', done: 1, failed: 1 });
    assert.deepEqual(summarizeShard(tally(['stored', 'stored']), false), { item_count: 2, status: 'complete', done: 2, failed: 0 }, 'without segmentation, stored is done');
  });

  it('gives a job its status from its shards', () => {
    const shard = (status: 'missing' | 'stored' | 'processing' | 'complete' | 'failed') => ({ item_count: 1, status, done: 0, failed: 0 });
    assert.equal(summarizeJob([shard('complete'), shard('missing')]), 'shards_missing');
    assert.equal(summarizeJob([shard('complete'), shard('stored')]), 'processing');
    assert.equal(summarizeJob([shard('complete'), shard('complete')]), 'complete');
    assert.equal(summarizeJob([shard('complete'), shard('failed')]), 'complete_with_failures');
  });
});
