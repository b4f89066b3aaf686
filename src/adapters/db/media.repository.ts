import { sql, type Kysely, type Selectable } from 'kysely';
import type { VideoInfo } from '../../domain/video-info.js';
import type { Database, MediaTable } from './schema.js';

export interface MediaRecord {
  /** The file id of the media's bytes. */
  id: string;
  cameraId: string | null;
  /** Epoch milliseconds (UTC) of the first frame, when known. */
  capturedAt: number | null;
  latitude: number | null;
  longitude: number | null;
  info: VideoInfo;
  createdAt: number;
  updatedAt: number;
}

/** Media the library knows about: a stored file plus what it shows, from where and when. */
export class MediaRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts or refreshes the probe facts; camera and capture time are kept unless given. */
  async upsert(media: { id: string; cameraId?: string | null; capturedAt?: number | null; info: VideoInfo; now: number }): Promise<MediaRecord> {
    const facts = probeFacts(media.info, media.now);
    const given = {
      ...(media.cameraId !== undefined ? { camera_id: media.cameraId } : {}),
      ...(media.capturedAt !== undefined ? { captured_at: media.capturedAt } : {}),
    };
    await this.db
      .insertInto('media')
      .values({ id: media.id, camera_id: media.cameraId ?? null, captured_at: media.capturedAt ?? null, latitude: null, longitude: null, created_at: media.now, ...facts })
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...facts, ...given }))
      .execute();
    return this.mustGet(media.id);
  }

  /**
   * Inserts the media, or completes a stored one: its camera, time and place are filled in where
   * they are unknown and never overwritten (an import must not rewrite what the library already says).
   */
  async insertOrFillIn(media: { id: string; cameraId: string | null; capturedAt: number | null; latitude: number | null; longitude: number | null; info: VideoInfo; now: number }): Promise<void> {
    const facts = probeFacts(media.info, media.now);
    await this.db
      .insertInto('media')
      .values({ id: media.id, camera_id: media.cameraId, captured_at: media.capturedAt, latitude: media.latitude, longitude: media.longitude, created_at: media.now, ...facts })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          camera_id: sql`coalesce(media.camera_id, excluded.camera_id)`,
          captured_at: sql`coalesce(media.captured_at, excluded.captured_at)`,
          latitude: sql`coalesce(media.latitude, excluded.latitude)`,
          longitude: sql`coalesce(media.longitude, excluded.longitude)`,
        }),
      )
      .execute();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.selectFrom('media').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async get(id: string): Promise<MediaRecord | null> {
    const row = await this.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  private async mustGet(id: string): Promise<MediaRecord> {
    const stored = await this.get(id);
    if (!stored) throw new Error(`media ${id} vanished right after it was written`);
    return stored;
  }
}

function probeFacts(info: VideoInfo, now: number) {
  return {
    duration: info.duration,
    width: info.video?.displayWidth ?? null,
    height: info.video?.displayHeight ?? null,
    fps: info.video?.fps ?? null,
    video_codec: info.video?.codec ?? null,
    info: JSON.stringify(info),
    updated_at: now,
  };
}

function toRecord(row: Selectable<MediaTable>): MediaRecord {
  return { id: row.id, cameraId: row.camera_id, capturedAt: row.captured_at, latitude: row.latitude, longitude: row.longitude, info: JSON.parse(row.info) as VideoInfo, createdAt: row.created_at, updatedAt: row.updated_at };
}
