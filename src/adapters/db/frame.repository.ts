import { sql, type Kysely, type Selectable } from 'kysely';
import { lockBlobs } from './blob-lock.js';
import { inTransaction } from './database.js';
import { FileRepository } from './file.repository.js';
import { idsWithPrefix } from './pagination.js';
import type { Database, FramesTable } from './schema.js';

export interface FrameRecord {
  id: string;
  cameraId: string;
  capturedAtMicros: number;
  fileId: string;
  size: number;
  width: number | null;
  height: number | null;
  changeScore: number;
  contentType: string;
  createdAt: number;
}

/** Archived frames: one row per kept frame, its bytes a stored file. */
export class FrameRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Frame records and the file rows of their bytes, in one transaction: a frame never points at a
   * file the library does not list. A file row that exists already (the same bytes kept before) stays.
   * The transaction holds the blobs' locks, and `restoreBlobs` (under them, before the rows) puts
   * back any blob a deletion removed since it was stored.
   */
  async insertWithFiles(frames: readonly (FrameRecord & { fileName: string })[], restoreBlobs: () => Promise<void> = () => Promise.resolve()): Promise<void> {
    if (frames.length === 0) return;
    const files = new Map(frames.map((f) => [f.fileId, { id: f.fileId, size: f.size, name: f.fileName, content_type: f.contentType, created_at: f.createdAt }]));
    await inTransaction(this.db, async (trx) => {
      await lockBlobs(trx, [...files.keys()]);
      await restoreBlobs();
      await trx.insertInto('files').values([...files.values()]).onConflict((oc) => oc.column('id').doNothing()).execute();
      await trx
        .insertInto('frames')
        .values(
          frames.map((frame) => ({
            id: frame.id,
            camera_id: frame.cameraId,
            captured_at_us: frame.capturedAtMicros,
            file_id: frame.fileId,
            size: frame.size,
            width: frame.width,
            height: frame.height,
            change_score: frame.changeScore,
            content_type: frame.contentType,
            created_at: frame.createdAt,
          })),
        )
        .execute();
    });
  }

  /**
   * Deletes up to `limit` of a camera's oldest frames that retention no longer keeps: captured
   * before `beforeMicros`, or beyond `maxBytes` of the newest frames. In the same transaction, under
   * their blob locks, the files those frames used that nothing else uses (another frame with the
   * same bytes, media, events, analyses, import items) lose their rows and are recorded for blob
   * deletion. Returns those file ids: the caller unlinks their blobs (FileService.finishBlobDeletions),
   * and a crash before it does leaves the record for the next start.
   */
  async expire(cameraId: string, keep: { beforeMicros: number | null; maxBytes: number | null }, limit: number, now: number): Promise<{ deleted: number; fileIds: string[] }> {
    const ids: { id: string; file_id: string }[] = [];
    if (keep.beforeMicros !== null) {
      ids.push(...(await this.db.selectFrom('frames').select(['id', 'file_id']).where('camera_id', '=', cameraId).where('captured_at_us', '<', keep.beforeMicros).orderBy('captured_at_us').limit(limit).execute()));
    }
    if (keep.maxBytes !== null && ids.length < limit) {
      const { total } = await this.db.selectFrom('frames').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('total')).where('camera_id', '=', cameraId).executeTakeFirstOrThrow();
      let excess = Number(total) - keep.maxBytes;
      if (excess > 0) {
        const oldest = await this.db.selectFrom('frames').select(['id', 'file_id', 'size']).where('camera_id', '=', cameraId).orderBy('captured_at_us').limit(limit).execute();
        const already = new Set(ids.map((r) => r.id));
        for (const row of oldest) {
          if (excess <= 0 || ids.length >= limit) break;
          if (!already.has(row.id)) ids.push(row);
          excess -= row.size;
        }
      }
    }
    if (ids.length === 0) return { deleted: 0, fileIds: [] };
    const candidates = [...new Set(ids.map((r) => r.file_id))];
    return inTransaction(this.db, async (trx) => {
      await lockBlobs(trx, candidates);
      const deleted = await trx.deleteFrom('frames').where('id', 'in', ids.map((r) => r.id)).executeTakeFirst();
      const files = new FileRepository(trx);
      const unused = await files.unused(candidates);
      await files.deleteAndScheduleBlobs(unused, now);
      return { deleted: Number(deleted.numDeletedRows), fileIds: unused };
    });
  }

  /** A camera's frames, oldest first. */
  async forCamera(cameraId: string, limit = 1000): Promise<FrameRecord[]> {
    const rows = await this.db.selectFrom('frames').selectAll().where('camera_id', '=', cameraId).orderBy('captured_at_us').limit(limit).execute();
    return rows.map(frameRecord);
  }

  /**
   * Up to `limit` of a camera's frames in capture order (or its reverse, `newestFirst`), captured in
   * [fromMicros, toMicros) and past the keyset `after`: one range scan of the (camera_id,
   * captured_at_us, id) index, forwards or backwards, however many frames the camera has.
   */
  async page(cameraId: string, window: FrameWindow, limit: number): Promise<FrameRecord[]> {
    return (await this.pageQuery(cameraId, window, limit).execute()).map(frameRecord);
  }

  /** The statement `page` runs, for checking its plan. */
  pageQuery(cameraId: string, window: FrameWindow, limit: number) {
    let query = this.db.selectFrom('frames').selectAll().where('camera_id', '=', cameraId);
    if (window.fromMicros !== null) query = query.where('captured_at_us', '>=', window.fromMicros);
    if (window.toMicros !== null) query = query.where('captured_at_us', '<', window.toMicros);
    const after = window.after;
    if (after) {
      // A row comparison: both databases read it as the start of an index range, where an OR of
      // the two cases would make PostgreSQL scan from the window's start and filter.
      query = window.newestFirst
        ? query.where(sql<boolean>`(captured_at_us, id) < (${after.capturedAtMicros}, ${after.id})`)
        : query.where(sql<boolean>`(captured_at_us, id) > (${after.capturedAtMicros}, ${after.id})`);
    }
    const direction = window.newestFirst ? 'desc' : 'asc';
    return query.orderBy('captured_at_us', direction).orderBy('id', direction).limit(limit);
  }

  async get(id: string): Promise<FrameRecord | null> {
    const row = await this.db.selectFrom('frames').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? frameRecord(row) : null;
  }

  /** Ids starting with `prefix`, at most `limit` of them (enough to tell unique from ambiguous). */
  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'frames', prefix, limit);
  }
}

/** A span of capture times (either end open when null) and the frame a previous page ended on. */
export interface FrameWindow {
  fromMicros: number | null;
  toMicros: number | null;
  after: { capturedAtMicros: number; id: string } | null;
  /** Latest capture first. */
  newestFirst: boolean;
}

function frameRecord(r: Selectable<FramesTable>): FrameRecord {
  return {
    id: r.id,
    cameraId: r.camera_id,
    capturedAtMicros: Number(r.captured_at_us),
    fileId: r.file_id,
    size: r.size,
    width: r.width,
    height: r.height,
    changeScore: r.change_score,
    contentType: r.content_type,
    createdAt: Number(r.created_at),
  };
}
