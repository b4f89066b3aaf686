import type { Kysely, Selectable } from 'kysely';
import type { DominantColor, MotionEvent } from '../../domain/motion/motion-types.js';
import type { Database, EventsTable } from './schema.js';

export interface EventRecord {
  id: string;
  mediaId: string;
  analysisId: string | null;
  cameraId: string | null;
  motion: MotionEvent;
  colors: DominantColor[];
  /** Epoch milliseconds (UTC), when the media has a capture time. */
  startedAt: number | null;
  endedAt: number | null;
  thumbnailFileId: string | null;
  clipFileId: string | null;
  createdAt: number;
}

/** Rows are inserted in batches of this many (SQLite allows 32,766 bound values per statement). */
const INSERT_BATCH = 200;

/** Motion events of the library's media. */
export class EventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Replaces a media item's events with a new segmentation's, in one transaction: readers see
   * the old set or the new one, never a mix, and re-segmenting never duplicates events.
   */
  async replaceForMedia(mediaId: string, events: readonly EventRecord[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('events').where('media_id', '=', mediaId).execute();
      for (let at = 0; at < events.length; at += INSERT_BATCH) {
        await trx.insertInto('events').values(events.slice(at, at + INSERT_BATCH).map(toRow)).execute();
      }
    });
  }

  /** A media item's events in time order. */
  async listForMedia(mediaId: string): Promise<EventRecord[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('media_id', '=', mediaId).orderBy('start_s').orderBy('id').execute();
    return rows.map(toRecord);
  }
}

function toRow(event: EventRecord): Selectable<EventsTable> {
  return {
    id: event.id,
    media_id: event.mediaId,
    analysis_id: event.analysisId,
    camera_id: event.cameraId,
    start_s: event.motion.start,
    end_s: event.motion.end,
    started_at: event.startedAt,
    ended_at: event.endedAt,
    score: event.motion.score,
    peak_motion: event.motion.peakMotionPct,
    direction: event.motion.direction,
    thumbnail_file_id: event.thumbnailFileId,
    clip_file_id: event.clipFileId,
    data: JSON.stringify({ motion: event.motion, colors: event.colors }),
    created_at: event.createdAt,
  };
}

function toRecord(row: Selectable<EventsTable>): EventRecord {
  const data = JSON.parse(row.data) as { motion: MotionEvent; colors: DominantColor[] };
  return {
    id: row.id,
    mediaId: row.media_id,
    analysisId: row.analysis_id,
    cameraId: row.camera_id,
    motion: data.motion,
    colors: data.colors,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    thumbnailFileId: row.thumbnail_file_id,
    clipFileId: row.clip_file_id,
    createdAt: row.created_at,
  };
}
