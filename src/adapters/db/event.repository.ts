import type { Kysely, Selectable } from 'kysely';
import type { DominantColor, MotionEvent } from '../../domain/motion/motion-types.js';
import type { EventCursor, EventQuery } from '../../domain/events/event-query.js';
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

/** An event found by a search, with its camera's name. */
export interface FoundEvent extends EventRecord {
  cameraName: string | null;
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

  /**
   * One page of a search, in the query's order, after `cursor` (the last event of the previous
   * page). Keyset pages: stable while events are added, and as fast deep in the results as at the top.
   */
  async search(query: EventQuery, cursor: EventCursor | null): Promise<{ events: FoundEvent[]; last: EventCursor | null; more: boolean }> {
    const key = query.sort === 'score' ? 'e.score' : 'e.at_ms';
    const descending = query.sort !== 'time';
    let select = this.db
      .selectFrom('events as e')
      .leftJoin('cameras as c', 'c.id', 'e.camera_id')
      .selectAll('e')
      .select('c.name as camera_name')
      .$if(query.cameras.length > 0, (qb) => qb.where('e.camera_id', 'in', query.cameras))
      // Overlapping the window: only events with a real start time (their media's capture time is known).
      .$if(query.toMs !== null, (qb) => qb.where('e.started_at', 'is not', null).where('e.at_ms', '<', query.toMs!))
      .$if(query.fromMs !== null, (qb) => qb.where('e.ended_at', '>', query.fromMs!))
      .$if(query.media !== null, (qb) => qb.where('e.media_id', '=', query.media!))
      .$if(query.job !== null, (qb) => qb.where('e.media_id', 'in', (eb) => eb.selectFrom('import_items').select('file_id').where('job_id', '=', query.job!).where('file_id', 'is not', null).$narrowType<{ file_id: string }>()))
      .$if(query.minScore !== null, (qb) => qb.where('e.score', '>=', query.minScore!))
      .$if(query.minDuration !== null, (qb) => qb.where('e.duration_s', '>=', query.minDuration!))
      .$if(query.maxDuration !== null, (qb) => qb.where('e.duration_s', '<=', query.maxDuration!))
      .$if(query.direction !== null, (qb) => {
        const { fromDeg, toDeg } = query.direction!;
        // An arc that wraps past north is the union of its two sides.
        return qb.where((eb) => (fromDeg < toDeg
          ? eb.and([eb('e.direction_deg', '>=', fromDeg), eb('e.direction_deg', '<', toDeg)])
          : eb.or([eb('e.direction_deg', '>=', fromDeg), eb('e.direction_deg', '<', toDeg)])));
      })
      .orderBy(key, descending ? 'desc' : 'asc')
      .orderBy('e.id', descending ? 'desc' : 'asc')
      .limit(query.limit + 1);
    if (cursor) {
      select = select.where((eb) => eb.or([eb(key, descending ? '<' : '>', cursor.key), eb.and([eb(key, '=', cursor.key), eb('e.id', descending ? '<' : '>', cursor.id)])]));
    }
    const rows = await select.execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      events: page.map((row) => ({ ...toRecord(row), cameraName: row.camera_name ?? null })),
      last: last ? { key: query.sort === 'score' ? last.score : Number(last.at_ms), id: last.id } : null,
      more: rows.length > query.limit,
    };
  }

  async get(id: string): Promise<FoundEvent | null> {
    const row = await this.db.selectFrom('events as e').leftJoin('cameras as c', 'c.id', 'e.camera_id').selectAll('e').select('c.name as camera_name').where('e.id', '=', id).executeTakeFirst();
    return row ? { ...toRecord(row), cameraName: row.camera_name ?? null } : null;
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
    at_ms: event.startedAt ?? event.createdAt,
    duration_s: event.motion.end - event.motion.start,
    direction_deg: event.motion.directionDeg,
    speed: event.motion.speed,
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
