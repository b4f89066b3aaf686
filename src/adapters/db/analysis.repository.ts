import type { Kysely, Selectable } from 'kysely';
import type { AnalysisState } from '../../domain/analysis-state.js';
import type { ErrorCode } from '../../domain/errors.js';
import { decodeCursor, idsWithPrefix, olderThan, toPage, type Page } from './pagination.js';
import type { AnalysesTable, Database } from './schema.js';

export interface AnalysisRecord {
  id: string;
  fileId: string | null;
  analysis: string;
  model: string | null;
  params: Record<string, unknown>;
  state: AnalysisState;
  /** 0 to 1. */
  progress: number;
  result: unknown;
  error: { code: ErrorCode; message: string } | null;
  attempts: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

const UNFINISHED: AnalysisState[] = ['PENDING', 'STARTED'];

/** Analyses and their state. Transitions are conditional updates, so a late or repeated one is a no-op. */
export class AnalysisRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: { id: string; fileId: string | null; analysis: string; model: string | null; params: Record<string, unknown>; now: number }): Promise<void> {
    await this.db
      .insertInto('analyses')
      .values({
        id: record.id,
        file_id: record.fileId,
        analysis: record.analysis,
        model: record.model,
        params: JSON.stringify(record.params),
        state: 'PENDING',
        progress: 0,
        result: null,
        error_code: null,
        error_message: null,
        attempts: 0,
        created_at: record.now,
        started_at: null,
        finished_at: null,
        updated_at: record.now,
      })
      .execute();
  }

  async get(id: string): Promise<AnalysisRecord | null> {
    const row = await this.db.selectFrom('analyses').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'analyses', prefix, limit);
  }

  async list(options: { limit: number; after?: string | null; state?: AnalysisState; fileId?: string }): Promise<Page<AnalysisRecord>> {
    let query = this.db.selectFrom('analyses').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
    if (options.state) query = query.where('state', '=', options.state);
    if (options.fileId) query = query.where('file_id', '=', options.fileId);
    const cursor = decodeCursor(options.after);
    if (cursor) query = query.where(olderThan(cursor));
    return toPage((await query.execute()).map(toRecord), options.limit);
  }

  /** The newest analysis of this name on the file that is pending, running or succeeded: one that needs no repeating. */
  async latestLive(fileId: string, analysis: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('analyses')
      .select('id')
      .where('file_id', '=', fileId)
      .where('analysis', '=', analysis)
      .where('state', 'in', ['PENDING', 'STARTED', 'SUCCESS'])
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /** PENDING/STARTED → STARTED for a new attempt; false when the analysis already finished. */
  async markStarted(id: string, attempt: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('analyses')
      .set({ state: 'STARTED', attempts: attempt, started_at: now, updated_at: now, progress: 0 })
      .where('id', '=', id)
      .where('state', 'in', UNFINISHED)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setProgress(id: string, progress: number, now: number): Promise<void> {
    await this.db.updateTable('analyses').set({ progress, updated_at: now }).where('id', '=', id).where('state', '=', 'STARTED').execute();
  }

  /** Back to PENDING while a retry waits, keeping the error that caused it. */
  async markRetrying(id: string, error: { code: string; message: string }, now: number): Promise<void> {
    await this.db
      .updateTable('analyses')
      .set({ state: 'PENDING', error_code: error.code, error_message: error.message, updated_at: now })
      .where('id', '=', id)
      .where('state', 'in', UNFINISHED)
      .execute();
  }

  /** FAILURE → PENDING, to be run again from its first attempt (`camtrove jobs retry`); false when it had not failed. */
  async markPendingAgain(id: string, now: number): Promise<boolean> {
    const update = await this.db
      .updateTable('analyses')
      .set({ state: 'PENDING', attempts: 0, progress: 0, error_code: null, error_message: null, started_at: null, finished_at: null, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'FAILURE')
      .executeTakeFirst();
    return Number(update.numUpdatedRows) > 0;
  }

  /** Stores the result; false (and nothing written) when the analysis already finished. */
  async markSucceeded(id: string, result: unknown, now: number): Promise<boolean> {
    const update = await this.db
      .updateTable('analyses')
      .set({ state: 'SUCCESS', progress: 1, result: JSON.stringify(result), error_code: null, error_message: null, finished_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', 'in', UNFINISHED)
      .executeTakeFirst();
    return Number(update.numUpdatedRows) > 0;
  }

  async markFailed(id: string, error: { code: string; message: string }, now: number): Promise<boolean> {
    const update = await this.db
      .updateTable('analyses')
      .set({ state: 'FAILURE', error_code: error.code, error_message: error.message, finished_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', 'in', UNFINISHED)
      .executeTakeFirst();
    return Number(update.numUpdatedRows) > 0;
  }

  async markCancelled(id: string, now: number): Promise<boolean> {
    const update = await this.db
      .updateTable('analyses')
      .set({ state: 'CANCELLED', finished_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', 'in', UNFINISHED)
      .executeTakeFirst();
    return Number(update.numUpdatedRows) > 0;
  }
}

function toRecord(row: Selectable<AnalysesTable>): AnalysisRecord {
  return {
    id: row.id,
    fileId: row.file_id,
    analysis: row.analysis,
    model: row.model,
    params: JSON.parse(row.params) as Record<string, unknown>,
    state: row.state as AnalysisState,
    progress: row.progress,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    error: row.error_code ? { code: row.error_code as ErrorCode, message: row.error_message ?? '' } : null,
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}
