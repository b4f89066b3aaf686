import { sql, type ExpressionBuilder, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { DominantColor, MotionEvent } from '../../domain/motion/motion-types.js';
import type { EventCursor, EventQuery } from '../../domain/events/event-query.js';
import { heatBits, regionBits } from '../../domain/events/heat-bits.js';
import { nameList, nameListPattern } from '../../domain/events/name-list.js';
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

/** A label on an event. */
export interface EventLabel {
  name: string;
  score: number | null;
  /** "user", an analysis name, or an import hook. */
  source: string;
}

/** A page of a search, and where the next one starts. */
export interface EventPage<T> {
  events: T[];
  last: EventCursor | null;
  more: boolean;
}

/** What an export writes of an event, read from columns. */
export interface ExportRow {
  id: string;
  cameraId: string | null;
  cameraName: string | null;
  mediaId: string;
  startedAt: number | null;
  endedAt: number | null;
  start: number;
  end: number;
  score: number;
  peakMotionPct: number;
  box: { x: number; y: number; w: number; h: number };
  direction: string | null;
  directionDeg: number | null;
  speed: number;
  colors: string[];
  zones: string[];
  labels: EventLabel[];
  thumbnailFileId: string | null;
  clipFileId: string | null;
}

/** An event found by a search, with its camera's name and its labels. */
export interface FoundEvent extends EventRecord {
  cameraName: string | null;
  labels: EventLabel[];
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
      // A new segmentation's events are new events: the old ones' labels go with them.
      const old = (eb: ExpressionBuilder<Database, 'event_labels' | 'event_data'>) => eb.selectFrom('events').select('id').where('media_id', '=', mediaId);
      await trx.deleteFrom('event_labels').where('event_id', 'in', old).execute();
      await trx.deleteFrom('event_data').where('event_id', 'in', old).execute();
      await trx.deleteFrom('events').where('media_id', '=', mediaId).execute();
      for (let at = 0; at < events.length; at += INSERT_BATCH) {
        const batch = events.slice(at, at + INSERT_BATCH);
        await trx.insertInto('events').values(batch.map(toRow)).execute();
        await trx.insertInto('event_data').values(batch.map((e) => ({ event_id: e.id, data: JSON.stringify({ motion: e.motion, colors: e.colors }) }))).execute();
      }
    });
  }

  /**
   * One page of a search, in the query's order, after `cursor` (the last event of the previous
   * page). Keyset pages: stable while events are added, and as fast deep in the results as at the top.
   */
  async search(query: EventQuery, cursor: EventCursor | null): Promise<EventPage<FoundEvent>> {
    const rows = await (await this.ordered(query, cursor)).leftJoin('cameras as c', 'c.id', 'e.camera_id').innerJoin('event_data as d', 'd.event_id', 'e.id').selectAll('e').select(['c.name as camera_name', 'd.data']).execute();
    const page = rows.slice(0, query.limit);
    const labels = await this.labelsOf(page.map((r) => r.id));
    return {
      events: page.map((row) => ({ ...toRecord(row), cameraName: row.camera_name ?? null, labels: labels.get(row.id) ?? [] })),
      last: lastOf(page, query),
      more: rows.length > query.limit,
    };
  }

  /** The same pages as `search`, with the columns an export writes: no JSON to parse, so millions go through quickly. */
  async exportPage(query: EventQuery, cursor: EventCursor | null, cameraNames: ReadonlyMap<string, string | null>): Promise<EventPage<ExportRow>> {
    // Camera names come from a map: a join costs more than the rest of the row over millions of events.
    const rows = await (await this.ordered(query, cursor))
      .select(['e.id', 'e.camera_id', 'e.media_id', 'e.started_at', 'e.ended_at', 'e.at_ms', 'e.start_s', 'e.end_s', 'e.score', 'e.peak_motion'])
      .select(['e.box_x', 'e.box_y', 'e.box_w', 'e.box_h', 'e.direction', 'e.direction_deg', 'e.speed', 'e.colors', 'e.zones', 'e.thumbnail_file_id', 'e.clip_file_id'])
      .execute();
    const page = rows.slice(0, query.limit);
    const labels = await this.labelsOf(page.map((r) => r.id));
    const names = (list: string) => (list.length > 2 ? list.slice(1, -1).split(',') : []);
    return {
      events: page.map((r) => ({
        id: r.id,
        cameraId: r.camera_id,
        cameraName: r.camera_id === null ? null : (cameraNames.get(r.camera_id) ?? null),
        mediaId: r.media_id,
        startedAt: r.started_at === null ? null : Number(r.started_at),
        endedAt: r.ended_at === null ? null : Number(r.ended_at),
        start: r.start_s,
        end: r.end_s,
        score: r.score,
        peakMotionPct: r.peak_motion,
        box: { x: r.box_x, y: r.box_y, w: r.box_w, h: r.box_h },
        direction: r.direction,
        directionDeg: r.direction_deg,
        speed: r.speed,
        colors: names(r.colors),
        zones: names(r.zones),
        labels: labels.get(r.id) ?? [],
        thumbnailFileId: r.thumbnail_file_id,
        clipFileId: r.clip_file_id,
      })),
      last: lastOf(page, query),
      more: rows.length > query.limit,
    };
  }

  /** A page of a search, one event more than asked (it says whether there is a next page), in the query's order after the cursor. */
  private async ordered(query: EventQuery, cursor: EventCursor | null) {
    const key = query.sort === 'score' ? 'e.score' : 'e.at_ms';
    const descending = query.sort !== 'time';
    let select = matching(this.db.selectFrom('events as e'), query, await this.longestMs(query))
      .orderBy(key, descending ? 'desc' : 'asc')
      .orderBy('e.id', descending ? 'desc' : 'asc')
      .limit(query.limit + 1);
    if (cursor) {
      // A row-value comparison: both databases read it as a range of the (key, id) index, where the
      // equivalent OR made PostgreSQL scan the index from its start on every page.
      select = select.where((eb) => eb(eb.refTuple(key, 'e.id'), descending ? '<' : '>', eb.tuple(cursor.key, cursor.id)));
    }
    return select;
  }

  async get(id: string): Promise<FoundEvent | null> {
    const row = await this.db.selectFrom('events as e').leftJoin('cameras as c', 'c.id', 'e.camera_id').innerJoin('event_data as d', 'd.event_id', 'e.id').selectAll('e').select(['c.name as camera_name', 'd.data']).where('e.id', '=', id).executeTakeFirst();
    return row ? { ...toRecord(row), cameraName: row.camera_name ?? null, labels: (await this.labelsOf([id])).get(id) ?? [] } : null;
  }

  /** Puts a label on an event, or changes its score and source; false when there is no such event. */
  async addLabel(eventId: string, label: EventLabel, now: number): Promise<boolean> {
    const exists = await this.db.selectFrom('events').select('id').where('id', '=', eventId).executeTakeFirst();
    if (!exists) return false;
    await this.db
      .insertInto('event_labels')
      .values({ event_id: eventId, name: label.name, score: label.score, source: label.source, created_at: now })
      .onConflict((oc) => oc.columns(['event_id', 'name']).doUpdateSet({ score: label.score, source: label.source, created_at: now }))
      .execute();
    return true;
  }

  /** Takes a label off an event; false when it had none by that name. */
  async removeLabel(eventId: string, name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('event_labels').where('event_id', '=', eventId).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Labels every event a search matches (its order and pages aside), in one statement; returns how many. */
  async labelMatching(query: EventQuery, label: EventLabel, now: number): Promise<number> {
    const result = await this.db
      .insertInto('event_labels')
      .columns(['event_id', 'name', 'score', 'source', 'created_at'])
      // SQLite reads ON CONFLICT after a SELECT without WHERE as a join's ON: there is always a WHERE.
      .expression(matching(this.db.selectFrom('events as e').where(sql<boolean>`true`), query, await this.longestMs(query)).select((eb) => ['e.id', eb.val(label.name).as('name'), eb.val(label.score).as('score'), eb.val(label.source).as('source'), eb.val(now).as('created_at')]))
      .onConflict((oc) => oc.columns(['event_id', 'name']).doUpdateSet((eb) => ({ score: eb.ref('excluded.score'), source: eb.ref('excluded.source'), created_at: eb.ref('excluded.created_at') })))
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  /** The longest event's duration in ms, when the search has a start (read from the end of an index). */
  private async longestMs(query: EventQuery): Promise<number> {
    if (query.fromMs === null) return 0;
    const row = await this.db.selectFrom('events').select((eb) => eb.fn.max('duration_s').as('longest')).executeTakeFirst();
    return Math.ceil(Number(row?.longest ?? 0) * 1000);
  }

  /** Every camera's name, by id: a few thousand at most. */
  async cameraNames(): Promise<Map<string, string | null>> {
    const rows = await this.db.selectFrom('cameras').select(['id', 'name']).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** The labels of these events, by event, in name order (by code point). */
  private async labelsOf(eventIds: readonly string[]): Promise<Map<string, EventLabel[]>> {
    const byEvent = new Map<string, EventLabel[]>();
    if (eventIds.length === 0) return byEvent;
    const rows = await this.db.selectFrom('event_labels').select(['event_id', 'name', 'score', 'source']).where('event_id', 'in', eventIds).execute();
    // Sorted here, by code point: the databases' collations disagree about punctuation.
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const row of rows) byEvent.set(row.event_id, [...(byEvent.get(row.event_id) ?? []), { name: row.name, score: row.score, source: row.source }]);
    return byEvent;
  }

  /** A media item's events in time order. */
  async listForMedia(mediaId: string): Promise<EventRecord[]> {
    const rows = await this.db.selectFrom('events as e').innerJoin('event_data as d', 'd.event_id', 'e.id').selectAll('e').select('d.data').where('e.media_id', '=', mediaId).orderBy('e.start_s').orderBy('e.id').execute();
    return rows.map(toRecord);
  }
}

/** The events a search's filters select (from `events as e`). */
function matching<O>(qb: SelectQueryBuilder<Database & { e: EventsTable }, 'e', O>, query: EventQuery, longestMs: number): SelectQueryBuilder<Database & { e: EventsTable }, 'e', O> {
  const inList = (column: 'e.colors' | 'e.zones', values: readonly string[]) => (eb: ExpressionBuilder<Database & { e: EventsTable }, 'e'>) =>
    eb.or(values.map((value) => sql<boolean>`${sql.ref(column)} LIKE ${nameListPattern(value)} ESCAPE '\\'`));
  return qb
    .$if(query.cameras.length > 0, (q) => q.where('e.camera_id', 'in', query.cameras))
    // Overlapping the window: only events with a real start time (their media's capture time is known).
    .$if(query.toMs !== null, (q) => q.where('e.started_at', 'is not', null).where('e.at_ms', '<', query.toMs!))
    // An event overlapping the window started at most the longest event's duration before it: a
    // lower bound on at_ms makes the window a range of the time indexes instead of everything before it.
    .$if(query.fromMs !== null, (q) => q.where('e.ended_at', '>', query.fromMs!).where('e.at_ms', '>=', query.fromMs! - longestMs - 1000))
    .$if(query.media !== null, (q) => q.where('e.media_id', '=', query.media!))
    .$if(query.job !== null, (q) => q.where('e.media_id', 'in', (eb) => eb.selectFrom('import_items').select('file_id').where('job_id', '=', query.job!).where('file_id', 'is not', null).$narrowType<{ file_id: string }>()))
    .$if(query.minScore !== null, (q) => q.where('e.score', '>=', query.minScore!))
    .$if(query.minDuration !== null, (q) => q.where('e.duration_s', '>=', query.minDuration!))
    .$if(query.maxDuration !== null, (q) => q.where('e.duration_s', '<=', query.maxDuration!))
    .$if(query.direction !== null, (q) => {
      const { fromDeg, toDeg } = query.direction!;
      // An arc that wraps past north is the union of its two sides.
      return q.where((eb) => (fromDeg < toDeg
        ? eb.and([eb('e.direction_deg', '>=', fromDeg), eb('e.direction_deg', '<', toDeg)])
        : eb.or([eb('e.direction_deg', '>=', fromDeg), eb('e.direction_deg', '<', toDeg)])));
    })
    .$if(query.roi !== null, (q) => {
      const words = regionBits(query.roi!);
      return q.where((eb) => eb.or(words.flatMap((mask, k) => (mask === 0 ? [] : [sql<boolean>`(${sql.ref(`e.heat${k}`)} & ${mask}) <> 0`]))));
    })
    .$if(query.colors.length > 0, (q) => q.where(inList('e.colors', query.colors)))
    .$if(query.zones.length > 0, (q) => q.where(inList('e.zones', query.zones)))
    .$if(query.labels.length > 0 && query.labelMatch === 'any', (q) => q.where('e.id', 'in', (eb) => eb.selectFrom('event_labels').select('event_id').where('name', 'in', query.labels)))
    .$if(query.labels.length > 0 && query.labelMatch === 'all', (q) =>
      q.where((eb) => eb.and(query.labels.map((name) => eb.exists(eb.selectFrom('event_labels as l').select('l.event_id').whereRef('l.event_id', '=', 'e.id').where('l.name', '=', name))))));
}

function lastOf(page: readonly { id: string; score: number; at_ms: number }[], query: EventQuery): EventCursor | null {
  const last = page.at(-1);
  return last ? { key: query.sort === 'score' ? last.score : Number(last.at_ms), id: last.id } : null;
}

function heatColumns(words: readonly number[]): Pick<EventsTable, 'heat0' | 'heat1' | 'heat2' | 'heat3' | 'heat4' | 'heat5' | 'heat6' | 'heat7'> {
  const [heat0 = 0, heat1 = 0, heat2 = 0, heat3 = 0, heat4 = 0, heat5 = 0, heat6 = 0, heat7 = 0] = words;
  return { heat0, heat1, heat2, heat3, heat4, heat5, heat6, heat7 };
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
    created_at: event.createdAt,
    at_ms: event.startedAt ?? event.createdAt,
    duration_s: event.motion.end - event.motion.start,
    direction_deg: event.motion.directionDeg,
    speed: event.motion.speed,
    colors: nameList(event.colors.map((c) => c.name)),
    zones: nameList(event.motion.zones),
    box_x: event.motion.box.x,
    box_y: event.motion.box.y,
    box_w: event.motion.box.w,
    box_h: event.motion.box.h,
    ...heatColumns(heatBits(event.motion.heatmap)),
  };
}

function toRecord(row: Selectable<EventsTable> & { data: string }): EventRecord {
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
