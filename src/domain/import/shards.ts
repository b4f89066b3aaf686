/** Where one file of an import job is: found, its bytes stored, being segmented, done, or failed (with a reason elsewhere). */
export type ImportItemState = 'discovered' | 'stored' | 'segmenting' | 'segmented' | 'failed';

export type ShardStatus = 'missing' | 'stored' | 'processing' | 'complete' | 'failed';
export type ImportJobStatus = 'shards_missing' | 'processing' | 'complete' | 'complete_with_failures';

export interface ShardSummary {
  item_count: number;
  status: ShardStatus;
  /** Files finished: segmented, or stored when the job does not segment. */
  done: number;
  failed: number;
}

export const DEFAULT_SHARD_SIZE = 2048;

/** Splits items, in order, into shards of at most `size`. */
export function splitIntoShards<T>(items: readonly T[], size = DEFAULT_SHARD_SIZE): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`the shard size must be a whole number of at least 1, not ${size}`);
  const shards: T[][] = [];
  for (let at = 0; at < items.length; at += size) shards.push(items.slice(at, at + size));
  return shards;
}

/**
 * A shard's status from its files' states: `missing` while any file is not stored yet, `stored`
 * when all are and none is being segmented, `processing` while segmentation runs, then `complete`,
 * or `failed` when every file is finished and at least one failed. Without segmentation a stored
 * file is finished.
 */
export function summarizeShard(states: readonly ImportItemState[], segment: boolean): ShardSummary {
  const count = (state: ImportItemState) => states.filter((s) => s === state).length;
  const failed = count('failed');
  const done = segment ? count('segmented') : count('stored') + count('segmented');
  let status: ShardStatus;
  if (count('discovered') > 0) status = 'missing';
  else if (done + failed === states.length) status = failed > 0 ? 'failed' : 'complete';
  else status = count('segmenting') > 0 || count('segmented') > 0 ? 'processing' : 'stored';
  return { item_count: states.length, status, done, failed };
}

/** A job's status from its shards': any shard missing files first, then any still at work, then whether anything failed. */
export function summarizeJob(shards: readonly ShardSummary[]): ImportJobStatus {
  if (shards.some((s) => s.status === 'missing')) return 'shards_missing';
  if (shards.some((s) => s.status === 'stored' || s.status === 'processing')) return 'processing';
  return shards.some((s) => s.status === 'failed') ? 'complete_with_failures' : 'complete';
}
