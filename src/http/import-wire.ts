import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { ImportItemFacts, ImportItemWithAnalysis, ImportJobRecord, ImportOutcome, ShardStateCount } from '../adapters/db/import.repository.js';
import type { LockHolder } from '../adapters/db/lock.repository.js';
import { ANALYSIS_STATES, type AnalysisState } from '../domain/analysis-state.js';
import type { TimeSource } from '../domain/import/capture-time.js';
import type { ImportItemRowState } from '../domain/import/shards.js';

/**
 * The JSON of the import protocol (`/api/imports/…`), which `camtrove import --server` speaks:
 * the schemas the server validates and the mapping both sides use. Times are epoch milliseconds.
 */

/** The header that carries the import lock's holder id on every write. */
export const IMPORT_LOCK_HEADER = 'x-camtrove-import-lock';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the content, 64 lowercase hex characters.' });
const TimeSourceSchema = literals<TimeSource>(['name', 'metadata', 'mtime']);

export const ItemFactsWire = Type.Object({
  path: Type.String({ maxLength: 4096, description: 'The file\'s path on the importing machine, for people.' }),
  path_key: Sha256,
  size: Type.Integer({ minimum: 0 }),
  mtime_ms: Type.Integer(),
  camera_name: nullable(Type.String({ maxLength: 256 })),
  captured_at_ms: nullable(Type.Integer()),
  time_source: nullable(TimeSourceSchema),
  latitude: nullable(Type.Number({ minimum: -90, maximum: 90 })),
  longitude: nullable(Type.Number({ minimum: -180, maximum: 180 })),
});

export const ItemWire = Type.Object({
  ...ItemFactsWire.properties,
  job_id: Type.String(),
  seq: Type.Integer(),
  shard: Type.Integer(),
  camera_id: nullable(Type.String()),
  file_id: nullable(Type.String()),
  state: literals<ImportItemRowState>(['discovered', 'stored', 'failed']),
  outcome: nullable(literals<ImportOutcome>(['imported', 'already_imported', 'duplicate', 'posted'])),
  analysis_id: nullable(Type.String()),
  analysis_state: nullable(literals<AnalysisState>(ANALYSIS_STATES)),
  error: nullable(Type.String()),
  updated_at_ms: Type.Integer(),
});

/** The largest value of a PostgreSQL integer column (seq, shard_size, pid). */
export const MAX_INT32 = 2_147_483_647;

export const JobWire = Type.Object({
  job_id: Type.String({ minLength: 1, maxLength: 64 }),
  request_key: Type.String({ minLength: 1, maxLength: 64 }),
  request: Type.Record(Type.String(), Type.Unknown(), { description: 'The import request as the client saved it (folders, regex, settings).' }),
  segment: Type.Boolean(),
  shard_size: Type.Integer({ minimum: 1, maximum: MAX_INT32 }),
  item_count: Type.Integer(),
  created_at_ms: Type.Integer(),
  updated_at_ms: Type.Integer(),
});

export const LockHolderWire = Type.Object({
  host: Type.String(),
  pid: Type.Integer(),
  purpose: Type.String(),
  acquired_at_ms: Type.Integer(),
  expires_at_ms: Type.Integer(),
});

export const ShardStateWire = Type.Object({
  shard: Type.Integer(),
  state: ItemWire.properties.state,
  outcome: ItemWire.properties.outcome,
  analysis_state: ItemWire.properties.analysis_state,
  count: Type.Integer(),
});

export const StoredWire = Type.Object({
  sha256: Sha256,
  size: Type.Integer({ minimum: 1 }),
  path: Type.String({ maxLength: 4096 }),
  camera_id: Type.String({ minLength: 1 }),
  time_from_name_ms: nullable(Type.Integer()),
  mtime_ms: Type.Integer(),
  latitude: nullable(Type.Number({ minimum: -90, maximum: 90 })),
  longitude: nullable(Type.Number({ minimum: -180, maximum: 180 })),
  duplicate: Type.Boolean({ description: 'Another file of this run brought the same bytes.' }),
  bytes_were_new: Type.Boolean({ description: 'The PUT of the content answered created: true.' }),
});

export const PostedWire = Type.Object({
  outcome: ItemWire.properties.outcome,
  captured_at_ms: Type.Integer(),
  time_source: TimeSourceSchema,
  analysis_id: nullable(Type.String()),
});

export const factsToWire = (f: ImportItemFacts): Static<typeof ItemFactsWire> => ({
  path: f.path,
  path_key: f.pathKey,
  size: f.size,
  mtime_ms: f.mtimeMs,
  camera_name: f.cameraName,
  captured_at_ms: f.capturedAt,
  time_source: f.timeSource,
  latitude: f.latitude,
  longitude: f.longitude,
});

export const factsFromWire = (w: Static<typeof ItemFactsWire>): ImportItemFacts => ({
  path: w.path,
  pathKey: w.path_key,
  size: w.size,
  mtimeMs: w.mtime_ms,
  cameraName: w.camera_name,
  capturedAt: w.captured_at_ms,
  timeSource: w.time_source,
  latitude: w.latitude,
  longitude: w.longitude,
});

export const itemToWire = (i: ImportItemWithAnalysis): Static<typeof ItemWire> => ({
  ...factsToWire(i),
  job_id: i.jobId,
  seq: i.seq,
  shard: i.shard,
  camera_id: i.cameraId,
  file_id: i.fileId,
  state: i.state,
  outcome: i.outcome,
  analysis_id: i.analysisId,
  analysis_state: i.analysisState,
  error: i.error,
  updated_at_ms: i.updatedAt,
});

export const itemFromWire = (w: Static<typeof ItemWire>): ImportItemWithAnalysis => ({
  ...factsFromWire(w),
  jobId: w.job_id,
  seq: w.seq,
  shard: w.shard,
  cameraId: w.camera_id,
  fileId: w.file_id,
  state: w.state,
  outcome: w.outcome,
  analysisId: w.analysis_id,
  analysisState: w.analysis_state,
  error: w.error,
  updatedAt: w.updated_at_ms,
});

export const jobToWire = (j: ImportJobRecord): Static<typeof JobWire> => ({
  job_id: j.id,
  request_key: j.requestKey,
  request: j.request,
  segment: j.segment,
  shard_size: j.shardSize,
  item_count: j.itemCount,
  created_at_ms: j.createdAt,
  updated_at_ms: j.updatedAt,
});

export const jobFromWire = (w: Static<typeof JobWire>): ImportJobRecord => ({
  id: w.job_id,
  requestKey: w.request_key,
  request: w.request,
  segment: w.segment,
  shardSize: w.shard_size,
  itemCount: w.item_count,
  createdAt: w.created_at_ms,
  updatedAt: w.updated_at_ms,
});

export const holderToWire = (h: LockHolder): Static<typeof LockHolderWire> => ({ host: h.host, pid: h.pid, purpose: h.purpose, acquired_at_ms: h.acquiredAt, expires_at_ms: h.expiresAt });

/** The holder as another client sees it: without its secret id. */
export const holderFromWire = (w: Static<typeof LockHolderWire>): LockHolder => ({ holder: '', host: w.host, pid: w.pid, purpose: w.purpose, acquiredAt: w.acquired_at_ms, expiresAt: w.expires_at_ms });

export const shardStateToWire = (c: ShardStateCount): Static<typeof ShardStateWire> => ({ shard: c.shard, state: c.state, outcome: c.outcome, analysis_state: c.analysisState, count: c.count });
export const shardStateFromWire = (w: Static<typeof ShardStateWire>): ShardStateCount => ({ shard: w.shard, state: w.state, outcome: w.outcome, analysisState: w.analysis_state, count: w.count });
