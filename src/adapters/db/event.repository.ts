import { sql, type ExpressionBuilder, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import { roundedObjects } from '../../domain/motion/event-json.js';
import type { DominantColor, MotionEvent } from '../../domain/motion/motion-types.js';
import type { EventCursor, EventQuery } from '../../domain/events/event-query.js';
import { heatBits, regionBits } from '../../domain/events/heat-bits.js';
import { nameList, nameListPattern } from '../../domain/events/name-list.js';
import { exportNumber, type ExportEvent } from '../../domain/events/event-export.js';
import { lockBlobs } from './blob-lock.js';
import { inTransaction, type DatabaseHandle, type RowCursor } from './database.js';
import { idsWithPrefix } from './pagination.js';
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

/** An event found by a search, with its camera's name and its labels. */
export interface FoundEvent extends EventRecord {
  cameraName: string | null;
  labels: EventLabel[];
}

/** Rows of an export, and their labels by event. */
interface ExportBatch {
  batch: ExportColumns[];
  labels: Map<string, EventLabel[]>;
}

/** An export's statement being read, and the batches asked for ahead of its reader. */
interface Reading {
  rows: RowCursor;
  ahead: Promise<ExportBatch>[];
}

/** Rows are inserted in batches of this many (SQLite allows 32,766 bound values per statement). */
const INSERT_BATCH = 200;

/** Motion events of the library's media. */
export class EventRepository {
  private readonly db: Kysely<Database>;
  private readonly arrays: DatabaseHandle['arrays'];
  private readonly cursor: DatabaseHandle['cursor'];
  private readonly dialect: DatabaseHandle['dialect'];
  constructor(database: Pick<DatabaseHandle, 'db' | 'dialect' | 'arrays' | 'cursor'>) {
    this.db = database.db;
    this.dialect = database.dialect;
    this.arrays = database.arrays;
    this.cursor = database.cursor;
  }

  /**
   * Replaces a media item's events with a new segmentation's, in one transaction: readers see
   * the old set or the new one, never a mix, and re-segmenting never duplicates events. With
   * `requireFiles`, the transaction holds the blob locks of the media and of every thumbnail and
   * clip, and writes nothing when one of those files is no longer listed (deleted meanwhile):
   * it returns their ids instead, for the caller to store again.
   */
  async replaceForMedia(mediaId: string, events: readonly EventRecord[], requireFiles = false): Promise<string[]> {
    return inTransaction(this.db, async (trx) => {
      if (requireFiles) {
        const ids = [...new Set([mediaId, ...events.flatMap((e) => [e.thumbnailFileId, e.clipFileId]).filter((id): id is string => id !== null)])];
        await lockBlobs(trx, ids);
        const listed = new Set((await trx.selectFrom('files').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
        const missing = ids.filter((id) => !listed.has(id));
        if (missing.length > 0) return missing;
      }
      // A new segmentation's events are new events: the old ones' labels go with them.
      const old = (eb: ExpressionBuilder<Database, 'event_labels' | 'event_data'>) => eb.selectFrom('events').select('id').where('media_id', '=', mediaId);
      await trx.deleteFrom('event_labels').where('event_id', 'in', old).execute();
      await trx.deleteFrom('event_data').where('event_id', 'in', old).execute();
      await trx.deleteFrom('events').where('media_id', '=', mediaId).execute();
      for (let at = 0; at < events.length; at += INSERT_BATCH) {
        const batch = events.slice(at, at + INSERT_BATCH);
        await trx.insertInto('events').values(batch.map(toRow)).execute();
        const data = (e: EventRecord) => JSON.stringify({ motion: { ...e.motion, objects: roundedObjects(e.motion.objects) }, colors: e.colors });
        await trx.insertInto('event_data').values(batch.map((e) => ({ event_id: e.id, data: data(e) }))).execute();
      }
      return [];
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

  /**
   * Every event of a search, in its order, as exports write them, `size` at a time. One statement
   * is read through a cursor (planned once, not once a page: on PostgreSQL the queries of a page at a
   * time cost more than their rows), its next batch asked for while the reader writes this one. A
   * reader away for longer than `idleMs` lets the statement go, and with it a connection and a
   * snapshot (which holds back PostgreSQL's vacuum and SQLite's checkpoints); when it comes back a
   * new statement goes on after the last event it had (keyset), so nothing is missed or repeated.
   */
  async *exportBatches(query: EventQuery, size: number, idleMs = 5000): AsyncGenerator<ExportEvent[]> {
    const cameraNames = await this.cameraNames();
    const longestMs = await this.longestMs(query);
    const key = query.sort === 'score' ? 'e.score' : 'e.at_ms';
    const order = query.sort === 'time' ? 'asc' : 'desc';
    const statement = (last: EventCursor | null): RowCursor => {
      const select = after(matching(this.db.selectFrom('events as e'), query, longestMs), key, order, last).select(EXPORT_COLUMNS).orderBy(key, order).orderBy('e.id', order);
      return this.cursor((this.dialect === 'postgres' ? select.select(LABELS_JSON.as('labels')) : select).compile());
    };
    // A batch's rows and then its labels, asked for once the batch before has come.
    const read = async (rows: RowCursor, after: Promise<unknown>): Promise<ExportBatch> => {
      await after;
      const batch = (await rows.read(size)) as ExportColumns[];
      return { batch, labels: this.dialect === 'postgres' ? labelsFromJson(batch) : await this.labelsOf(batch.map((r) => r[0])) };
    };
    let last: EventCursor | null = null;
    let open: Reading | null = null;
    const release = async () => {
      const done = open;
      open = null;
      if (!done) return;
      // The batches read ahead are dropped: a new statement reads them again after `last`.
      await Promise.allSettled(done.ahead);
      await done.rows.close();
    };
    try {
      for (;;) {
        open ??= { rows: statement(last), ahead: [] };
        const { rows, ahead } = open;
        // Two batches are asked for ahead of the reader: with one, the database's answer often
        // came after the reader had written the batch before, and it waited a fifth of the time.
        while (ahead.length < 2) {
          const next = read(rows, ahead.at(-1) ?? Promise.resolve());
          // Its failure is the reader's when it asks for that batch; a reader that stopped never will.
          next.catch(() => undefined);
          ahead.push(next);
        }
        const { batch, labels } = await ahead.shift()!;
        if (batch.length === 0) return;
        const end: ExportColumns = batch.at(-1)!;
        last = { key: query.sort === 'score' ? end[8] : Number(end[5]), id: end[0] };
        const idle = setTimeout(() => void release(), idleMs);
        try {
          yield exportEvents(batch, labels, cameraNames);
        } finally {
          clearTimeout(idle);
        }
      }
    } finally {
      await release();
    }
  }

  /** A page of a search, one event more than asked (it says whether there is a next page), in the query's order after the cursor. */
  private async ordered(query: EventQuery, cursor: EventCursor | null) {
    const key = query.sort === 'score' ? 'e.score' : 'e.at_ms';
    const order = query.sort === 'time' ? 'asc' : 'desc';
    const longestMs = await this.longestMs(query);
    const merged = this.mergedWalks(query, cursor, longestMs);
    // The filters and the cursor were applied by each walk of a merge.
    const select = merged ? this.db.selectFrom('events as e').where('e.id', 'in', merged) : after(matching(this.db.selectFrom('events as e'), query, longestMs), key, order, cursor);
    return select.orderBy(key, order).orderBy('e.id', order).limit(query.limit + 1);
  }

  /**
   * Time-ordered searches that one walk of an index answers badly, as a merge of walks that each
   * read their events in time order and stop after a page; the page is the first of their union.
   * - By labels: each label's events from `(name, at_ms)`, or `(name, camera_id, at_ms)` for each
   *   camera asked for. Walking every event in time order passes
   *   over the unlabelled ones (all of them, for a rare label), and gathering every event with a
   *   common label sorts thousands for one page.
   * - Over several cameras: each camera's events from `(camera_id, at_ms)`. The time order of all
   *   cameras passes over the other cameras' events.
   * Null when a single walk does well: ordered by score, or one camera and no label.
   */
  private mergedWalks(query: EventQuery, cursor: EventCursor | null, longestMs: number) {
    if (query.sort === 'score') return null;
    const order = query.sort === 'time' ? 'asc' : 'desc';
    const page = query.limit + 1;
    let walks;
    if (query.labels.length > 0) {
      // With label_match=all, one label's walk finds them all: the filters ask for the others.
      const walked = query.labelMatch === 'any' ? query.labels : query.labels.slice(0, 1);
      const rest = query.labelMatch === 'any' ? { ...query, labels: [] } : query;
      // A label's events on one camera have an index of their own: walking all the label's events
      // for one camera's passed over the other cameras' (ten times slower than the answer needed).
      const cameras: (string | null)[] = query.cameras.length > 0 ? query.cameras : [null];
      walks = walked.flatMap((name) => cameras.map((camera) =>
        after(matching(this.db.selectFrom('events as e'), rest, longestMs).innerJoin('event_labels as l', 'l.event_id', 'e.id').where('l.name', '=', name), 'l.at_ms', order, cursor, 'l.event_id')
          .$if(camera !== null, (q) => q.where('l.camera_id', '=', camera))
          // The window bounds the label's walk too, so that it is a range of its index.
          .$if(query.toMs !== null, (q) => q.where('l.at_ms', '<', query.toMs!))
          .$if(query.fromMs !== null, (q) => q.where('l.at_ms', '>=', query.fromMs! - longestMs - 1000))
          .select('l.event_id as id')
          .orderBy('l.at_ms', order)
          .orderBy('l.event_id', order)
          .limit(page)));
    } else if (query.cameras.length > 1) {
      walks = query.cameras.map((camera) =>
        after(matching(this.db.selectFrom('events as e'), { ...query, cameras: [camera] }, longestMs), 'e.at_ms', order, cursor).select('e.id').orderBy('e.at_ms', order).orderBy('e.id', order).limit(page));
    } else {
      return null;
    }
    // Each walk in a sub-select of its own: a UNION's members may not have their own ORDER BY and LIMIT.
    return walks.map((walk) => this.db.selectFrom(walk.as('w')).select('w.id')).reduce((union, next) => union.union(next));
  }

  /** Ids starting with `prefix`, at most `limit` of them (enough to tell unique from ambiguous). */
  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'events', prefix, limit);
  }

  async get(id: string): Promise<FoundEvent | null> {
    const row = await this.db.selectFrom('events as e').leftJoin('cameras as c', 'c.id', 'e.camera_id').innerJoin('event_data as d', 'd.event_id', 'e.id').selectAll('e').select(['c.name as camera_name', 'd.data']).where('e.id', '=', id).executeTakeFirst();
    return row ? { ...toRecord(row), cameraName: row.camera_name ?? null, labels: (await this.labelsOf([id])).get(id) ?? [] } : null;
  }

  /** Puts a label on an event, or changes its score and source; false when there is no such event. */
  async addLabel(eventId: string, label: EventLabel, now: number): Promise<boolean> {
    const event = await this.db.selectFrom('events').select(['at_ms', 'camera_id']).where('id', '=', eventId).executeTakeFirst();
    if (!event) return false;
    await this.db
      .insertInto('event_labels')
      .values({ event_id: eventId, name: label.name, score: label.score, source: label.source, created_at: now, at_ms: event.at_ms, camera_id: event.camera_id })
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
      .columns(['event_id', 'name', 'score', 'source', 'created_at', 'at_ms', 'camera_id'])
      // SQLite reads ON CONFLICT after a SELECT without WHERE as a join's ON: there is always a WHERE.
      .expression(matching(this.db.selectFrom('events as e').where(sql<boolean>`true`), query, await this.longestMs(query)).select((eb) => ['e.id', eb.val(label.name).as('name'), eb.val(label.score).as('score'), eb.val(label.source).as('source'), eb.val(now).as('created_at'), 'e.at_ms', 'e.camera_id']))
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
    if (eventIds.length === 0) return new Map();
    return byEvent(await this.arrays(this.db.selectFrom('event_labels').select(LABEL_COLUMNS).where('event_id', 'in', eventIds).compile()));
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

/** After the cursor in the page order: a row-value comparison, which both databases read as a range of the (key, id) index (the equivalent OR made PostgreSQL scan the index from its start on every page). */
function after<DB, TB extends keyof DB, O>(select: SelectQueryBuilder<DB, TB, O>, key: string, order: 'asc' | 'desc', cursor: EventCursor | null, id = 'e.id'): SelectQueryBuilder<DB, TB, O> {
  if (!cursor) return select;
  return select.where(sql<boolean>`(${sql.ref(key)}, ${sql.ref(id)}) ${sql.raw(order === 'asc' ? '>' : '<')} (${cursor.key}, ${cursor.id})`);
}

/** The columns an export reads, in the order of `ExportColumns`. */
const EXPORT_COLUMNS = ['e.id', 'e.camera_id', 'e.media_id', 'e.started_at', 'e.ended_at', 'e.at_ms', 'e.start_s', 'e.end_s', 'e.score', 'e.peak_motion', 'e.box_x', 'e.box_y', 'e.box_w', 'e.box_h', 'e.direction', 'e.direction_deg', 'e.speed', 'e.colors', 'e.zones', 'e.thumbnail_file_id', 'e.clip_file_id'] as const;
type ExportColumns = [id: string, cameraId: string | null, mediaId: string, startedAt: number | null, endedAt: number | null, atMs: number, start: number, end: number, score: number, peak: number, x: number, y: number, w: number, h: number, direction: string | null, directionDeg: number | null, speed: number, colors: string, zones: string, thumbnail: string | null, clip: string | null, labels?: string | null];

/**
 * An event's labels as JSON (`[[name, score, source], …]`, null for none), read with the event on
 * PostgreSQL: a query of their own for each batch cost more than the batch. SQLite reads them by id
 * after the rows instead: its queries cost little, and its JSON writes doubles with 15 digits.
 */
const LABELS_JSON = sql<string | null>`(select json_agg(json_build_array(l.name, l.score, l.source))::text from event_labels l where l.event_id = e.id)`;

/** Export rows as exports write them. */
function exportEvents(rows: readonly ExportColumns[], labels: ReadonlyMap<string, EventLabel[]>, cameraNames: ReadonlyMap<string, string | null>): ExportEvent[] {
  const { seconds, fraction, degrees, iso } = exportNumber;
  const names = (list: string) => (list.length > 2 ? list.slice(1, -1).split(',') : []);
  return rows.map(([id, cameraId, mediaId, startedAt, endedAt, _at, start, end, score, peak, x, y, w, h, direction, directionDeg, speed, colors, zones, thumbnail, clip]): ExportEvent => ({
    id,
    camera_id: cameraId,
    camera_name: cameraId === null ? null : (cameraNames.get(cameraId) ?? null),
    media_id: mediaId,
    earliest_date: iso(startedAt),
    latest_date: iso(endedAt),
    start_s: seconds(start),
    end_s: seconds(end),
    duration: seconds(end - start),
    score: seconds(score),
    peak_motion: seconds(peak),
    box: { x: fraction(x), y: fraction(y), w: fraction(w), h: fraction(h) },
    direction,
    direction_deg: directionDeg === null ? null : degrees(directionDeg),
    speed: fraction(speed),
    colors: names(colors),
    zones: names(zones),
    labels: labels.get(id) ?? NO_LABELS,
    thumbnail_file_id: thumbnail,
    clip_file_id: clip,
  }));
}

/** Most events have no labels: they share this empty list. */
const NO_LABELS: readonly EventLabel[] = Object.freeze([]);

const LABEL_COLUMNS = ['event_id', 'name', 'score', 'source'] as const;

/** Label rows (in the order of LABEL_COLUMNS) grouped by event. */
function byEvent(rows: readonly unknown[][]): Map<string, EventLabel[]> {
  const labels = new Map<string, EventLabel[]>();
  for (const [eventId, name, score, source] of rows as [string, string, number | null, string][]) {
    const list = labels.get(eventId);
    if (list) list.push({ name, score, source });
    else labels.set(eventId, [{ name, score, source }]);
  }
  return sortedByName(labels);
}

/** The labels export rows carry as JSON (LABELS_JSON), by event. */
function labelsFromJson(rows: readonly ExportColumns[]): Map<string, EventLabel[]> {
  const labels = new Map<string, EventLabel[]>();
  for (const row of rows) {
    if (row[21]) labels.set(row[0], (JSON.parse(row[21]) as [string, number | null, string][]).map(([name, score, source]) => ({ name, score, source })));
  }
  return sortedByName(labels);
}

/** Sorted here, by code point: the databases' collations disagree about punctuation. */
function sortedByName(labels: Map<string, EventLabel[]>): Map<string, EventLabel[]> {
  for (const list of labels.values()) list.sort(byName);
  return labels;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
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
  const data = JSON.parse(row.data) as { motion: MotionEvent & { objects?: MotionEvent['objects'] }; colors: DominantColor[] };
  return {
    id: row.id,
    mediaId: row.media_id,
    analysisId: row.analysis_id,
    cameraId: row.camera_id,
    // Events stored before objects were tracked have none.
    motion: { ...data.motion, objects: data.motion.objects ?? [] },
    colors: data.colors,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    thumbnailFileId: row.thumbnail_file_id,
    clipFileId: row.clip_file_id,
    createdAt: row.created_at,
  };
}
