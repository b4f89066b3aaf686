import type { Kysely, Selectable } from 'kysely';
import type { AnalysisState } from '../../domain/analysis-state.js';
import type { TimeSource } from '../../domain/import/capture-time.js';
import type { ImportItemRowState } from '../../domain/import/shards.js';
import type { VideoInfo } from '../../domain/video-info.js';
import { CamtroveError } from '../../domain/errors.js';
import { lockBlobs } from './blob-lock.js';
import { inTransaction, isUniqueViolation } from './database.js';
import { FileRepository, type FileRecord } from './file.repository.js';
import { MediaRepository } from './media.repository.js';
import { decodeCursor, idsWithPrefix, olderThan, toPage, type Page } from './pagination.js';
import type { Database, ImportItemsTable, ImportJobsTable } from './schema.js';

export interface ImportJobRecord {
  id: string;
  requestKey: string;
  /** The request as the importer saved it (folders, pattern, settings). */
  request: Record<string, unknown>;
  segment: boolean;
  shardSize: number;
  itemCount: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * How a stored file's bytes got where they go: into the library (imported), found there already
 * (already_imported), brought by another file of the job (duplicate), or sent elsewhere by a hook
 * (posted; camtrove does not segment those).
 */
export type ImportOutcome = 'imported' | 'already_imported' | 'duplicate' | 'posted';

/** What the importer knows about a file before storing it. */
export interface ImportItemFacts {
  path: string;
  pathKey: string;
  size: number;
  mtimeMs: number;
  cameraName: string | null;
  capturedAt: number | null;
  timeSource: TimeSource | null;
  latitude: number | null;
  longitude: number | null;
}

export interface ImportItemRecord extends ImportItemFacts {
  jobId: string;
  seq: number;
  shard: number;
  cameraId: string | null;
  fileId: string | null;
  state: ImportItemRowState;
  outcome: ImportOutcome | null;
  analysisId: string | null;
  error: string | null;
  updatedAt: number;
}

/** An item with the state of the analysis segmenting it (null when there is none). */
export interface ImportItemWithAnalysis extends ImportItemRecord {
  analysisState: AnalysisState | null;
}

/** How many items of a shard are in one (row state, outcome, analysis state) combination. */
export interface ShardStateCount {
  shard: number;
  state: ImportItemRowState;
  outcome: ImportOutcome | null;
  analysisState: AnalysisState | null;
  count: number;
}

export interface StoredItem {
  jobId: string;
  seq: number;
  file: FileRecord;
  cameraId: string | null;
  capturedAt: number | null;
  timeSource: TimeSource | null;
  latitude: number | null;
  longitude: number | null;
  info: VideoInfo;
  /** Another file of this run already brought these bytes. */
  duplicate: boolean;
  /** The blob store did not have these bytes before this file. */
  bytesWereNew: boolean;
  now: number;
}

const INSERT_CHUNK = 500;

/** Import jobs and their files, in the library database. */
export class ImportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createJob(job: Omit<ImportJobRecord, 'itemCount' | 'updatedAt'>): Promise<ImportJobRecord> {
    await this.db
      .insertInto('import_jobs')
      .values({ id: job.id, request_key: job.requestKey, request: JSON.stringify(job.request), segment: job.segment ? 1 : 0, shard_size: job.shardSize, item_count: 0, created_at: job.createdAt, updated_at: job.createdAt })
      .execute();
    return { ...job, itemCount: 0, updatedAt: job.createdAt };
  }

  /** Ids starting with `prefix`, at most `limit` of them (enough to tell unique from ambiguous). */
  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'import_jobs', prefix, limit);
  }

  async getJob(id: string): Promise<ImportJobRecord | null> {
    const row = await this.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toJob(row) : null;
  }

  /** The newest job made by the same request, to continue it. */
  async jobForRequest(requestKey: string): Promise<ImportJobRecord | null> {
    const row = await this.db.selectFrom('import_jobs').selectAll().where('request_key', '=', requestKey).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    return row ? toJob(row) : null;
  }

  /** Newest first; `after` is the `next` cursor of the previous page. */
  async listJobs(options: { limit: number; after?: string | null }): Promise<Page<ImportJobRecord>> {
    let query = this.db.selectFrom('import_jobs').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
    const cursor = decodeCursor(options.after);
    if (cursor) query = query.where(olderThan(cursor));
    return toPage((await query.execute()).map(toJob), options.limit);
  }

  /** A job's items in order, with their segmentation's state: every one, or `limit` after the item numbered `after`. */
  async items(jobId: string, page?: { after: number; limit: number }): Promise<ImportItemWithAnalysis[]> {
    const rows = await this.db
      .selectFrom('import_items as i')
      .leftJoin('analyses as a', 'a.id', 'i.analysis_id')
      .selectAll('i')
      .select('a.state as analysis_state')
      .where('i.job_id', '=', jobId)
      .$if(page !== undefined, (qb) => qb.where('i.seq', '>', page!.after).limit(page!.limit))
      .orderBy('i.seq')
      .execute();
    return rows.map((row) => ({ ...toItem(row), analysisState: (row.analysis_state ?? null) as AnalysisState | null }));
  }

  /** Adds items after the job's last one, in shards of the job's size, and counts them in the job. */
  async appendItems(job: ImportJobRecord, items: readonly ImportItemFacts[], shardOf: (seq: number) => number, now: number): Promise<ImportItemRecord[]> {
    return this.appendItemsOnce(job, items, shardOf, now).catch((error: unknown) => {
      // A client (import --server) that sends a path twice: its request is wrong, not the server.
      if (isUniqueViolation(error)) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `job ${job.id} already has an item with one of these path keys; nothing was added`, { cause: error });
      throw error;
    });
  }

  private async appendItemsOnce(job: ImportJobRecord, items: readonly ImportItemFacts[], shardOf: (seq: number) => number, now: number): Promise<ImportItemRecord[]> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('import_jobs').select('item_count').where('id', '=', job.id).executeTakeFirstOrThrow();
      const records = items.map((facts, k): ImportItemRecord => {
        const seq = current.item_count + k;
        return { ...facts, jobId: job.id, seq, shard: shardOf(seq), cameraId: null, fileId: null, state: 'discovered', outcome: null, analysisId: null, error: null, updatedAt: now };
      });
      for (let at = 0; at < records.length; at += INSERT_CHUNK) {
        await trx.insertInto('import_items').values(records.slice(at, at + INSERT_CHUNK).map(toRow)).execute();
      }
      await trx.updateTable('import_jobs').set({ item_count: current.item_count + records.length, updated_at: now }).where('id', '=', job.id).execute();
      return records;
    });
  }

  /** Puts an item back to `discovered` with what is known about its file now (it changed, or it failed and is tried again). */
  async rediscover(jobId: string, seq: number, facts: ImportItemFacts, now: number): Promise<void> {
    const { path, pathKey: _key, ...rest } = facts;
    await this.db
      .updateTable('import_items')
      .set({ path, size: rest.size, mtime_ms: rest.mtimeMs, camera_name: rest.cameraName, captured_at: rest.capturedAt, time_source: rest.timeSource, latitude: rest.latitude, longitude: rest.longitude, state: 'discovered', error: null, outcome: null, file_id: null, camera_id: null, analysis_id: null, updated_at: now })
      .where('job_id', '=', jobId)
      .where('seq', '=', seq)
      .execute();
  }

  async markFailed(jobId: string, seq: number, error: string, now: number): Promise<void> {
    await this.db.updateTable('import_items').set({ state: 'failed', error, updated_at: now }).where('job_id', '=', jobId).where('seq', '=', seq).execute();
  }

  /**
   * Records a stored file in one transaction: its file row, its media (filled in where the library
   * knew less), and the item. The outcome is `duplicate` when the run says so, `already_imported`
   * when the library had the media before, else `imported`.
   */
  async recordStored(stored: StoredItem, ensureBlob: () => Promise<void> = () => Promise.resolve()): Promise<ImportOutcome> {
    return inTransaction(this.db, async (trx) => {
      // Under the blob's lock, the bytes are checked (or stored again) before the row that uses them.
      await lockBlobs(trx, [stored.file.id]);
      await ensureBlob();
      await new FileRepository(trx).ensure(stored.file);
      const media = new MediaRepository(trx);
      // Bytes that were not in the blob store cannot have had media (a media row outliving its file aside: those are imported anew).
      const existed = !stored.bytesWereNew && (await media.exists(stored.file.id));
      await media.insertOrFillIn({
        id: stored.file.id,
        cameraId: stored.cameraId,
        capturedAt: stored.capturedAt,
        latitude: stored.latitude,
        longitude: stored.longitude,
        info: stored.info,
        now: stored.now,
      });
      const outcome: ImportOutcome = stored.duplicate ? 'duplicate' : existed ? 'already_imported' : 'imported';
      await trx
        .updateTable('import_items')
        .set({ state: 'stored', outcome, file_id: stored.file.id, camera_id: stored.cameraId, captured_at: stored.capturedAt, time_source: stored.timeSource, error: null, updated_at: stored.now })
        .where('job_id', '=', stored.jobId)
        .where('seq', '=', stored.seq)
        .execute();
      return outcome;
    });
  }

  /** Records a file a hook sent somewhere else: the job counts it, the library holds no copy. */
  async recordPosted(posted: { jobId: string; seq: number; fileId: string; cameraId: string; capturedAt: number; timeSource: TimeSource; now: number }): Promise<void> {
    await this.db
      .updateTable('import_items')
      .set({ state: 'stored', outcome: 'posted', file_id: posted.fileId, camera_id: posted.cameraId, captured_at: posted.capturedAt, time_source: posted.timeSource, error: null, updated_at: posted.now })
      .where('job_id', '=', posted.jobId)
      .where('seq', '=', posted.seq)
      .execute();
  }

  async linkAnalysis(jobId: string, seq: number, analysisId: string, now: number): Promise<void> {
    await this.db.updateTable('import_items').set({ analysis_id: analysisId, updated_at: now }).where('job_id', '=', jobId).where('seq', '=', seq).execute();
  }

  /** Items per shard, row state and analysis state: everything a job's status is made of, in one query. */
  async shardStateCounts(jobId: string): Promise<ShardStateCount[]> {
    const rows = await this.db
      .selectFrom('import_items as i')
      .leftJoin('analyses as a', 'a.id', 'i.analysis_id')
      .select((eb) => ['i.shard', 'i.state', 'i.outcome', 'a.state as analysis_state', eb.fn.countAll<number>().as('count')])
      .where('i.job_id', '=', jobId)
      .groupBy(['i.shard', 'i.state', 'i.outcome', 'a.state'])
      .orderBy('i.shard')
      .execute();
    return rows.map((r) => ({ shard: r.shard, state: r.state as ImportItemRowState, outcome: r.outcome as ImportOutcome | null, analysisState: (r.analysis_state ?? null) as AnalysisState | null, count: Number(r.count) }));
  }

  /** The cameras and the time span of a job's files. */
  async jobExtent(jobId: string): Promise<{ cameras: string[]; earliest: number | null; latest: number | null }> {
    const span = await this.db
      .selectFrom('import_items')
      .select((eb) => [eb.fn.min('captured_at').as('earliest'), eb.fn.max('captured_at').as('latest')])
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    const cameras = await this.db.selectFrom('import_items').select('camera_name').distinct().where('job_id', '=', jobId).where('camera_name', 'is not', null).orderBy('camera_name').execute();
    const asNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));
    return { cameras: cameras.map((c) => c.camera_name!), earliest: asNumber(span?.earliest), latest: asNumber(span?.latest) };
  }

  /** Failed files with the reason: their own, or their segmentation's. */
  async failures(jobId: string, limit: number): Promise<{ seq: number; path: string; reason: string }[]> {
    const rows = await this.db
      .selectFrom('import_items as i')
      .leftJoin('analyses as a', 'a.id', 'i.analysis_id')
      .select(['i.seq', 'i.path', 'i.error', 'a.error_message', 'a.state as analysis_state'])
      .where('i.job_id', '=', jobId)
      .where((eb) => eb.or([eb('i.state', '=', 'failed'), eb.and([eb('i.state', '=', 'stored'), eb('a.state', 'in', ['FAILURE', 'CANCELLED'])])]))
      .orderBy('i.seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: r.seq, path: r.path, reason: r.error ?? (r.analysis_state === 'CANCELLED' ? 'segmentation was cancelled' : `segmentation failed: ${r.error_message ?? 'no reason recorded'}`) }));
  }
}

function toJob(row: Selectable<ImportJobsTable>): ImportJobRecord {
  return { id: row.id, requestKey: row.request_key, request: JSON.parse(row.request) as Record<string, unknown>, segment: row.segment === 1, shardSize: row.shard_size, itemCount: row.item_count, createdAt: row.created_at, updatedAt: row.updated_at };
}

function toRow(item: ImportItemRecord): ImportItemsTable {
  return {
    job_id: item.jobId,
    seq: item.seq,
    shard: item.shard,
    path: item.path,
    path_key: item.pathKey,
    size: item.size,
    mtime_ms: item.mtimeMs,
    camera_name: item.cameraName,
    camera_id: item.cameraId,
    captured_at: item.capturedAt,
    time_source: item.timeSource,
    latitude: item.latitude,
    longitude: item.longitude,
    file_id: item.fileId,
    state: item.state,
    outcome: item.outcome,
    analysis_id: item.analysisId,
    error: item.error,
    updated_at: item.updatedAt,
  };
}

function toItem(row: Selectable<ImportItemsTable>): ImportItemRecord {
  return {
    jobId: row.job_id,
    seq: row.seq,
    shard: row.shard,
    path: row.path,
    pathKey: row.path_key,
    size: Number(row.size),
    mtimeMs: Number(row.mtime_ms),
    cameraName: row.camera_name,
    cameraId: row.camera_id,
    capturedAt: row.captured_at === null ? null : Number(row.captured_at),
    timeSource: row.time_source as TimeSource | null,
    latitude: row.latitude,
    longitude: row.longitude,
    fileId: row.file_id,
    state: row.state as ImportItemRowState,
    outcome: row.outcome as ImportOutcome | null,
    analysisId: row.analysis_id,
    error: row.error,
    updatedAt: Number(row.updated_at),
  };
}
