import type { Kysely, Selectable } from 'kysely';
import type { Database, LabelExportsTable } from './schema.js';
import { idsWithPrefix } from './pagination.js';

export type ExportStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';

export interface ExportRecord {
  id: string;
  projectId: string;
  fmt: string;
  /** The request, as checked. */
  options: Record<string, unknown>;
  status: ExportStatus;
  assetsDone: number;
  assetsTotal: number;
  fileId: string | null;
  sizeBytes: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: number;
  finishedAt: number | null;
}

/** Label exports: what was asked, how far it got, and the zip it made. */
export class LabelExportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: ExportRecord): Promise<void> {
    await this.db.insertInto('label_exports').values(row(record)).execute();
  }

  async get(id: string): Promise<ExportRecord | null> {
    const found = await this.db.selectFrom('label_exports').selectAll().where('id', '=', id).executeTakeFirst();
    return found ? record(found) : null;
  }

  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'label_exports', prefix, limit);
  }

  /** A project's exports, newest first. */
  async list(projectId: string, page: { first: number; skip: number }): Promise<ExportRecord[]> {
    const rows = await this.db.selectFrom('label_exports').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.first).offset(page.skip).execute();
    return rows.map(record);
  }

  async progress(id: string, done: number, total: number): Promise<void> {
    await this.db.updateTable('label_exports').set({ status: 'RUNNING', assets_done: done, assets_total: total }).where('id', '=', id).execute();
  }

  async finish(id: string, result: { fileId: string; sizeBytes: number; assets: number }, now: number): Promise<void> {
    await this.db.updateTable('label_exports').set({ status: 'DONE', file_id: result.fileId, size_bytes: result.sizeBytes, assets_done: result.assets, assets_total: result.assets, finished_at: now }).where('id', '=', id).execute();
  }

  async fail(id: string, error: { code: string; message: string }, now: number): Promise<void> {
    await this.db.updateTable('label_exports').set({ status: 'FAILED', error_code: error.code, error_message: error.message, finished_at: now }).where('id', '=', id).execute();
  }
}

function row(r: ExportRecord): Selectable<LabelExportsTable> {
  return {
    id: r.id,
    project_id: r.projectId,
    fmt: r.fmt,
    options: JSON.stringify(r.options),
    status: r.status,
    assets_done: r.assetsDone,
    assets_total: r.assetsTotal,
    file_id: r.fileId,
    size_bytes: r.sizeBytes,
    error_code: r.errorCode,
    error_message: r.errorMessage,
    created_at: r.createdAt,
    finished_at: r.finishedAt,
  };
}

function record(r: Selectable<LabelExportsTable>): ExportRecord {
  return {
    id: r.id,
    projectId: r.project_id,
    fmt: r.fmt,
    options: JSON.parse(r.options) as Record<string, unknown>,
    status: r.status as ExportStatus,
    assetsDone: Number(r.assets_done),
    assetsTotal: Number(r.assets_total),
    fileId: r.file_id,
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    errorCode: r.error_code,
    errorMessage: r.error_message,
    createdAt: Number(r.created_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}
