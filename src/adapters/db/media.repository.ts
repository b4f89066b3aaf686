import type { Kysely, Selectable } from 'kysely';
import type { VideoInfo } from '../../domain/video-info.js';
import type { Database, MediaTable } from './schema.js';

export interface MediaRecord {
  /** The file id of the media's bytes. */
  id: string;
  cameraId: string | null;
  /** Epoch milliseconds (UTC) of the first frame, when known. */
  capturedAt: number | null;
  info: VideoInfo;
  createdAt: number;
  updatedAt: number;
}

/** Media the library knows about: a stored file plus what it shows, from where and when. */
export class MediaRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts or refreshes the probe facts; camera and capture time are kept unless given. */
  async upsert(media: { id: string; cameraId?: string | null; capturedAt?: number | null; info: VideoInfo; now: number }): Promise<MediaRecord> {
    const facts = {
      duration: media.info.duration,
      width: media.info.video?.displayWidth ?? null,
      height: media.info.video?.displayHeight ?? null,
      fps: media.info.video?.fps ?? null,
      video_codec: media.info.video?.codec ?? null,
      info: JSON.stringify(media.info),
      updated_at: media.now,
    };
    const given = {
      ...(media.cameraId !== undefined ? { camera_id: media.cameraId } : {}),
      ...(media.capturedAt !== undefined ? { captured_at: media.capturedAt } : {}),
    };
    await this.db
      .insertInto('media')
      .values({ id: media.id, camera_id: media.cameraId ?? null, captured_at: media.capturedAt ?? null, created_at: media.now, ...facts })
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...facts, ...given }))
      .execute();
    const stored = await this.get(media.id);
    if (!stored) throw new Error(`media ${media.id} vanished right after upsert`);
    return stored;
  }

  async get(id: string): Promise<MediaRecord | null> {
    const row = await this.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }
}

function toRecord(row: Selectable<MediaTable>): MediaRecord {
  return { id: row.id, cameraId: row.camera_id, capturedAt: row.captured_at, info: JSON.parse(row.info) as VideoInfo, createdAt: row.created_at, updatedAt: row.updated_at };
}
