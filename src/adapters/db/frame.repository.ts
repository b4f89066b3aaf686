import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

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
   */
  async insertWithFiles(frames: readonly (FrameRecord & { fileName: string })[]): Promise<void> {
    if (frames.length === 0) return;
    const files = new Map(frames.map((f) => [f.fileId, { id: f.fileId, size: f.size, name: f.fileName, content_type: f.contentType, created_at: f.createdAt }]));
    await this.db.transaction().execute(async (trx) => {
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

  /** A camera's frames, oldest first. */
  async forCamera(cameraId: string, limit = 1000): Promise<FrameRecord[]> {
    const rows = await this.db.selectFrom('frames').selectAll().where('camera_id', '=', cameraId).orderBy('captured_at_us').limit(limit).execute();
    return rows.map((r) => ({
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
    }));
  }
}
