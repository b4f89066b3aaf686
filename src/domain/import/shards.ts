import type { AnalysisState } from '../analysis-state.js';

/**
 * Where one file of an import job is: found, its bytes stored, being segmented, done, or failed
 * (with a reason elsewhere); or posted, sent elsewhere by a hook (finished: camtrove does not segment it).
 */
export type ImportItemState = 'discovered' | 'stored' | 'segmenting' | 'segmented' | 'posted' | 'failed';

/** What an item's own row records; segmentation's progress is its analysis's state. */
export type ImportItemRowState = 'discovered' | 'stored' | 'failed';

export const shardStatuses = ['missing', 'stored', 'processing', 'complete', 'failed'] as const;
export type ShardStatus = (typeof shardStatuses)[number];
export const importJobStatuses = ['shards_missing', 'processing', 'complete', 'complete_with_failures'] as const;
export type ImportJobStatus = (typeof importJobStatuses)[number];

export interface ShardSummary {
  item_count: number;
  status: ShardStatus;
  /** Files finished: segmented, or stored when the job does not segment. */
  done: number;
  failed: number;
}

export const DEFAULT_SHARD_SIZE = 2048;

/**
 * The shard of the item numbered `seq` (from 0) in its job: items fill shards of `size` in order,
 * so a job that grows on a later run fills its last shard before starting a new one.
 */
export function shardOf(seq: number, size = DEFAULT_SHARD_SIZE): number {
  if (!Number.isInteger(size) || size < 1) throw new Error(`the shard size must be a whole number of at least 1, not ${size}`);
  return Math.floor(seq / size);
}

/**
 * An item's state from its row and its segmentation: a stored file is being segmented while its
 * analysis is pending or running, and failed when that analysis failed or was cancelled. A stored
 * file of a job that segments, whose analysis is not started yet, is still `stored`.
 */
export function itemState(row: ImportItemRowState, analysis: AnalysisState | null, segment: boolean, posted = false): ImportItemState {
  if (row === 'stored' && posted) return 'posted';
  if (row !== 'stored' || !segment || analysis === null) return row;
  if (analysis === 'SUCCESS') return 'segmented';
  if (analysis === 'FAILURE' || analysis === 'CANCELLED') return 'failed';
  return 'segmenting';
}

/**
 * A shard's status from how many of its files are in each state: `missing` while any file is not
 * stored yet, `stored` when all are and none is being segmented, `processing` while segmentation
 * runs, then `complete`, or `failed` when every file is finished and at least one failed. Without
 * segmentation a stored file is finished.
 */
export function summarizeShard(counts: Partial<Record<ImportItemState, number>>, segment: boolean): ShardSummary {
  const count = (state: ImportItemState) => counts[state] ?? 0;
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const failed = count('failed');
  const done = count('posted') + count('segmented') + (segment ? 0 : count('stored'));
  let status: ShardStatus;
  if (count('discovered') > 0) status = 'missing';
  else if (done + failed === total) status = failed > 0 ? 'failed' : 'complete';
  else status = count('segmenting') > 0 || count('segmented') > 0 ? 'processing' : 'stored';
  return { item_count: total, status, done, failed };
}

/** A job's status from its shards': any shard missing files first, then any still at work, then whether anything failed. */
export function summarizeJob(shards: readonly ShardSummary[]): ImportJobStatus {
  if (shards.some((s) => s.status === 'missing')) return 'shards_missing';
  if (shards.some((s) => s.status === 'stored' || s.status === 'processing')) return 'processing';
  return shards.some((s) => s.status === 'failed') ? 'complete_with_failures' : 'complete';
}
