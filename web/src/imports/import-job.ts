// How the imports pages read an import job: whether it still moves, its statuses in words, its shards in order.
import type { ImportJobDetail, ImportStatus, ShardStatus, ShardSummary } from '../api/types.js';

/** A job whose files are not all stored, or not all segmented: its page looks again every few seconds. */
export function isRunning(status: ImportStatus): boolean {
  return status === 'shards_missing' || status === 'processing';
}

export const JOB_STATUS_TEXT: Record<ImportStatus, string> = {
  shards_missing: 'storing files',
  processing: 'segmenting',
  complete: 'complete',
  complete_with_failures: 'complete, with failures',
};

export const SHARD_STATUS_TEXT: Record<ShardStatus, string> = {
  missing: 'storing files',
  stored: 'stored, segmentation not begun',
  processing: 'segmenting',
  complete: 'complete',
  failed: 'finished, with failures',
};

export interface ShardRow extends ShardSummary {
  shard: number;
}

/** The job's shards by number (the API keys them "0", "1", …, "10": not in order as text). */
export function shardRows(shardMap: ImportJobDetail['shard_map']): ShardRow[] {
  return Object.entries(shardMap)
    .map(([shard, summary]) => ({ shard: Number(shard), ...summary }))
    .sort((a, b) => a.shard - b.shard);
}

/** The share of a job's or shard's files that are finished (done or failed): a job of no files is finished. */
export function finishedShare(counts: { item_count: number; done: number; failed: number }): number {
  return counts.item_count === 0 ? 1 : Math.min(1, (counts.done + counts.failed) / counts.item_count);
}
