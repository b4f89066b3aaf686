import type { Kysely, Selectable } from 'kysely';
import { decodeCursor, olderThan, prefixEnd, toPage, type Page } from './pagination.js';
import type { Database, FilesTable } from './schema.js';

export interface FileRecord {
  id: string;
  size: number;
  name: string;
  contentType: string;
  createdAt: number;
}

/** Files known to the library (the bytes live in the blob store under the same id). */
export class FileRepository {
  constructor(private readonly db: Kysely<Database>) {}

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

  /** Ids starting with `prefix`, at most `limit` of them (enough to tell unique from ambiguous). */
  async idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('files').select('id').where('id', '>=', prefix).where('id', '<', prefixEnd(prefix)).orderBy('id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** Newest first; `after` is the `next` cursor of the previous page. */
  async list(options: { limit: number; after?: string | null }): Promise<Page<FileRecord>> {
    let query = this.db.selectFrom('files').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
    const cursor = decodeCursor(options.after);
    if (cursor) query = query.where(olderThan(cursor));
    return toPage((await query.execute()).map(toRecord), options.limit);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('files').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toRecord(row: Selectable<FilesTable>): FileRecord {
  return { id: row.id, size: row.size, name: row.name, contentType: row.content_type, createdAt: row.created_at };
}
