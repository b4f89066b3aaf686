import type { Kysely, Selectable } from 'kysely';
import type { FileUsage } from '../../domain/file-usage.js';
import { lockBlobs } from './blob-lock.js';
import { inTransaction, isTransientConflict } from './database.js';
import { deleteFileUsers, fileUsage, unusedFiles } from './file-dependents.js';
import { decodeCursor, idsWithPrefix, olderThan, toPage, type Page } from './pagination.js';
import type { Database, FilesTable } from './schema.js';

export interface FileRecord {
  id: string;
  size: number;
  name: string;
  contentType: string;
  createdAt: number;
}

/** A transaction that met concurrent ones (and wrote nothing) is run again, this many times at most. */
const ATTEMPTS = 5;

/** Files known to the library (the bytes live in the blob store under the same id). */
export class FileRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Runs `work` in one transaction that holds the blob locks of `ids` (lockBlobs), with a
   * repository bound to it. `work` may publish or unlink those blobs: nobody else can between its
   * checks and its commit. It must use only the repository it is given (another connection would
   * wait for this transaction). Run again when it only met concurrent transactions.
   */
  async locked<T>(ids: readonly string[], work: (files: FileRepository) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTransaction(this.db, async (trx) => {
          await lockBlobs(trx, ids);
          return work(new FileRepository(trx));
        });
      } catch (error) {
        if (attempt >= ATTEMPTS || !isTransientConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
      }
    }
  }

  /**
   * Inserts the file unless its id exists; returns the stored row either way, and whether this call
   * inserted it (of concurrent callers with the same id, exactly one did).
   */
  async insertIfAbsent(file: FileRecord): Promise<{ file: FileRecord; inserted: boolean }> {
    const inserted = await this.ensure(file);
    const stored = await this.get(file.id);
    if (!stored) throw new Error(`file ${file.id} vanished right after insert`);
    return { file: stored, inserted };
  }

  /** Inserts the file unless its id exists, without reading it back; true when this call inserted it. */
  async ensure(file: FileRecord): Promise<boolean> {
    const result = await this.db
      .insertInto('files')
      .values({ id: file.id, size: file.size, name: file.name, content_type: file.contentType, created_at: file.createdAt })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async get(id: string): Promise<FileRecord | null> {
    const row = await this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Of these ids, those with a file row. */
  async listed(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    return new Set((await this.db.selectFrom('files').select('id').where('id', 'in', [...ids]).execute()).map((r) => r.id));
  }

  /** Ids starting with `prefix`, at most `limit` of them (enough to tell unique from ambiguous). */
  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'files', prefix, limit);
  }

  /** Newest first; `after` is the `next` cursor of the previous page. */
  async list(options: { limit: number; after?: string | null }): Promise<Page<FileRecord>> {
    let query = this.db.selectFrom('files').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
    const cursor = decodeCursor(options.after);
    if (cursor) query = query.where(olderThan(cursor));
    return toPage((await query.execute()).map(toRecord), options.limit);
  }

  /** How many files the library holds and their bytes (each content is stored once, so this is the blob store's size). */
  async totals(): Promise<{ count: number; bytes: number }> {
    const row = await this.db.selectFrom('files').select((eb) => [eb.fn.countAll<string | number>().as('count'), eb.fn.sum<string | number | null>('size').as('bytes')]).executeTakeFirstOrThrow();
    return { count: Number(row.count), bytes: Number(row.bytes ?? 0) };
  }

  /** Everything that refers to the file (see domain/file-usage.ts). */
  usage(id: string): Promise<FileUsage> {
    return fileUsage(this.db, id);
  }

  /** Deletes or detaches what refers to the file: the cascade of a deletion (see deleteFileUsers). */
  deleteUsers(id: string, now: number): Promise<void> {
    return deleteFileUsers(this.db, id, now);
  }

  /** Of these ids, those nothing refers to. */
  unused(ids: readonly string[]): Promise<string[]> {
    return unusedFiles(this.db, ids);
  }

  /**
   * Deletes file rows and records their blobs for deletion, in the caller's transaction: the blobs
   * go after it commits (FileService.finishBlobDeletions), or at the next start after a crash.
   */
  async deleteAndScheduleBlobs(ids: readonly string[], now: number): Promise<number> {
    if (ids.length === 0) return 0;
    const list = [...new Set(ids)];
    const deleted = await this.db.deleteFrom('files').where('id', 'in', list).executeTakeFirst();
    await this.db.insertInto('blob_deletions').values(list.map((id) => ({ file_id: id, requested_at: now }))).onConflict((oc) => oc.column('file_id').doNothing()).execute();
    return Number(deleted.numDeletedRows);
  }

  /** Blobs recorded for deletion and not yet deleted, oldest first. */
  async pendingBlobDeletions(limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('blob_deletions').select('file_id').orderBy('requested_at').orderBy('file_id').limit(limit).execute();
    return rows.map((r) => r.file_id);
  }

  async blobDeletionsDone(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom('blob_deletions').where('file_id', 'in', [...ids]).execute();
  }

  /** Records a file an analysis stored, so that deleting the file names (or cascades to) the analysis. */
  async recordOutput(analysisId: string, fileId: string): Promise<void> {
    await this.db.insertInto('analysis_outputs').values({ analysis_id: analysisId, file_id: fileId }).onConflict((oc) => oc.columns(['analysis_id', 'file_id']).doNothing()).execute();
  }
}

function toRecord(row: Selectable<FilesTable>): FileRecord {
  return { id: row.id, size: row.size, name: row.name, contentType: row.content_type, createdAt: row.created_at };
}
