import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.

/**
 * Events get everything searches filter and sort on as columns, and labels; the rest of an event
 * (its track, trajectory, heatmap, colours with their shares: a few kilobytes of JSON) moves to
 * `event_data`. Kept in the row, that JSON made every scan of `events` read it too, whether a query
 * wanted it or not: an export read a fifteenth of what it went through. The table is rebuilt rather
 * than altered, since the JSON column cannot be dropped from it in place on SQLite.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await eventsTable(db.schema.createTable('events_next')).execute();
  await db.schema
    .createTable('event_data')
    .addColumn('event_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();

  // Existing events: their columns, and the new ones from their JSON, in batches.
  type OldRow = { id: string; media_id: string; analysis_id: string | null; camera_id: string | null; start_s: number; end_s: number; started_at: number | null; ended_at: number | null; score: number; peak_motion: number; direction: string | null; thumbnail_file_id: string | null; clip_file_id: string | null; data: string; created_at: number };
  const typed = db as Kysely<{ events: OldRow; events_next: Record<string, unknown>; event_data: { event_id: string; data: string } }>;
  let after = '';
  for (;;) {
    const rows = await typed.selectFrom('events').selectAll().where('id', '>', after).orderBy('id').limit(500).execute();
    if (rows.length === 0) break;
    await typed.insertInto('events_next').values(rows.map(withSearchColumns)).execute();
    await typed.insertInto('event_data').values(rows.map((row) => ({ event_id: row.id, data: row.data }))).execute();
    after = rows.at(-1)!.id;
  }
  await db.schema.dropTable('events').execute();
  await db.schema.alterTable('events_next').renameTo('events').execute();

  await db.schema.createIndex('events_media_start').on('events').columns(['media_id', 'start_s']).execute();
  await db.schema.createIndex('events_analysis').on('events').column('analysis_id').execute();
  // Keyset pages in time order, overall and per camera, and by score.
  await db.schema.createIndex('events_at').on('events').columns(['at_ms', 'id']).execute();
  await db.schema.createIndex('events_camera_at').on('events').columns(['camera_id', 'at_ms', 'id']).execute();
  await db.schema.createIndex('events_score').on('events').columns(['score', 'id']).execute();
  // The longest duration bounds how early an event overlapping a time window can start.
  await db.schema.createIndex('events_duration').on('events').column('duration_s').execute();

  // Labels people, analyses and import hooks put on events: one per name and event.
  await db.schema
    .createTable('event_labels')
    .addColumn('event_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('source', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_labels_pk', ['event_id', 'name'])
    .execute();
  await db.schema.createIndex('event_labels_name').on('event_labels').columns(['name', 'event_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Labels are lost; the search columns are derived from the JSON, which goes back into the row.
  await db.schema.dropTable('event_labels').execute();
  for (const index of ['events_at', 'events_camera_at', 'events_score', 'events_duration']) await db.schema.dropIndex(index).execute();
  for (const column of ['at_ms', 'duration_s', 'direction_deg', 'speed', 'box_x', 'box_y', 'box_w', 'box_h', 'colors', 'zones', ...Array.from({ length: 8 }, (_, k) => `heat${k}`)]) {
    await db.schema.alterTable('events').dropColumn(column).execute();
  }
  await db.schema.alterTable('events').addColumn('data', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await sql`UPDATE events SET data = (SELECT d.data FROM event_data d WHERE d.event_id = events.id)`.execute(db);
  await db.schema.dropTable('event_data').execute();
}

function eventsTable<T extends string>(table: CreateTableBuilder<T, never>) {
  return (
    table
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('media_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('analysis_id', 'varchar(32)')
      .addColumn('camera_id', 'text')
      .addColumn('start_s', 'double precision', (c) => c.notNull())
      .addColumn('end_s', 'double precision', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      // The start in epoch ms when the media has a capture time, else when the event was recorded:
      // every event has a place in time order.
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('duration_s', 'double precision', (c) => c.notNull())
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('peak_motion', 'double precision', (c) => c.notNull())
      .addColumn('direction', 'text')
      // Degrees clockwise from up; null when it did not travel.
      .addColumn('direction_deg', 'double precision')
      // Frame widths per second.
      .addColumn('speed', 'double precision', (c) => c.notNull())
      // The union of its boxes, fractions of the frame.
      .addColumn('box_x', 'double precision', (c) => c.notNull())
      .addColumn('box_y', 'double precision', (c) => c.notNull())
      .addColumn('box_w', 'double precision', (c) => c.notNull())
      .addColumn('box_h', 'double precision', (c) => c.notNull())
      // Dominant colour names and zones as ",red,white," (matched with LIKE '%,red,%'; the names have no commas).
      .addColumn('colors', 'text', (c) => c.notNull())
      .addColumn('zones', 'text', (c) => c.notNull())
      // The 16 × 16 heatmap as bits, two rows per column (heat0: rows 0 and 1, …), bit
      // 16 × (row % 2) + column set where the cell moved at all: searches by region AND them.
      .addColumn('heat0', 'bigint', (c) => c.notNull())
      .addColumn('heat1', 'bigint', (c) => c.notNull())
      .addColumn('heat2', 'bigint', (c) => c.notNull())
      .addColumn('heat3', 'bigint', (c) => c.notNull())
      .addColumn('heat4', 'bigint', (c) => c.notNull())
      .addColumn('heat5', 'bigint', (c) => c.notNull())
      .addColumn('heat6', 'bigint', (c) => c.notNull())
      .addColumn('heat7', 'bigint', (c) => c.notNull())
      .addColumn('thumbnail_file_id', 'varchar(64)')
      .addColumn('clip_file_id', 'varchar(64)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
  );
}

function withSearchColumns(row: { started_at: number | null; created_at: number; start_s: number; end_s: number; data: string } & Record<string, unknown>): Record<string, unknown> {
  const data = JSON.parse(row.data) as { motion?: { directionDeg?: number | null; speed?: number; zones?: string[]; heatmap?: number[]; box?: { x: number; y: number; w: number; h: number } }; colors?: { name: string }[] };
  const motion = data.motion ?? {};
  const box = motion.box ?? { x: 0, y: 0, w: 0, h: 0 };
  const heat = heatBits(motion.heatmap ?? []);
  const { data: _json, ...columns } = row;
  return {
    ...columns,
    at_ms: Number(row.started_at ?? row.created_at),
    duration_s: row.end_s - row.start_s,
    direction_deg: motion.directionDeg ?? null,
    speed: motion.speed ?? 0,
    box_x: box.x,
    box_y: box.y,
    box_w: box.w,
    box_h: box.h,
    colors: nameList((data.colors ?? []).map((c) => c.name)),
    zones: nameList(motion.zones ?? []),
    ...Object.fromEntries(heat.map((word, k) => [`heat${k}`, word])),
  };
}

// Kept here rather than imported: a migration must do the same thing forever.

function heatBits(heatmap: readonly number[]): number[] {
  const words = new Array<number>(8).fill(0);
  heatmap.forEach((value, cell) => {
    if (value > 0 && cell < 256) words[cell >> 5] = words[cell >> 5]! + 2 ** (cell & 31);
  });
  return words;
}

function nameList(names: readonly string[]): string {
  return names.length === 0 ? ',' : `,${[...new Set(names)].join(',')},`;
}
