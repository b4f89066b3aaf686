import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitIntoShards, summarizeJob, summarizeShard } from './shards.js';

describe('import shards', () => {
  it('splits items in order into shards of at most the size', () => {
    const items = Array.from({ length: 5000 }, (_, k) => k);
    const shards = splitIntoShards(items);
    assert.deepEqual(shards.map((s) => s.length), [2048, 2048, 904]);
    assert.deepEqual(shards.flat(), items);
    assert.deepEqual(splitIntoShards([], 10), []);
    assert.throws(() => splitIntoShards(items, 0), /at least 1, not 0/);
  });

  it('gives a shard its status from its files', () => {
    assert.deepEqual(summarizeShard(['stored', 'discovered'], true), { item_count: 2, status: 'missing', done: 0, failed: 0 });
    assert.equal(summarizeShard(['stored', 'stored'], true).status, 'stored');
    assert.equal(summarizeShard(['segmented', 'stored'], true).status, 'processing');
    assert.equal(summarizeShard(['segmenting', 'failed'], true).status, 'processing');
    assert.deepEqual(summarizeShard(['segmented', 'segmented'], true), { item_count: 2, status: 'complete', done: 2, failed: 0 });
    assert.deepEqual(summarizeShard(['segmented', 'failed'], true), { item_count: 2, status: 'failed', done: 1, failed: 1 });
    assert.deepEqual(summarizeShard(['stored', 'stored'], false), { item_count: 2, status: 'complete', done: 2, failed: 0 }, 'without segmentation, stored is done');
  });

  it('gives a job its status from its shards', () => {
    const shard = (status: 'missing' | 'stored' | 'processing' | 'complete' | 'failed') => ({ item_count: 1, status, done: 0, failed: 0 });
    assert.equal(summarizeJob([shard('complete'), shard('missing')]), 'shards_missing');
    assert.equal(summarizeJob([shard('complete'), shard('stored')]), 'processing');
    assert.equal(summarizeJob([shard('complete'), shard('complete')]), 'complete');
    assert.equal(summarizeJob([shard('complete'), shard('failed')]), 'complete_with_failures');
  });
});
