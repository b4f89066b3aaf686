import { sql, SqliteAdapter, type Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.

/**
 * Two read paths that passed over far more than they returned:
 *
 * - Exports read events in time order. SQLite kept the table in the order events were written (by
 *   video), so each event of a time-ordered read was on another page, and a million of them stopped
 *   fitting in the page cache (25,000 events/s). On SQLite the table becomes clustered on
 *   `(at_ms, id)` (WITHOUT ROWID): reading in time order reads it front to back. PostgreSQL has no
 *   clustered tables; its time index gets the exported columns instead.
 * - A label search newest first gathered every event with the label and sorted them. Labels get
 *   their event's `at_ms` and camera (neither changes: a new segmentation makes new events).
 *   Indexes on `(name, at_ms, event_id)` and `(name, camera_id, at_ms, event_id)` give a label's
 *   events in time order, all of them or one camera's, and one on `(at_ms, event_id)` the labels
 *   of a span of time (an export's page).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    const { rows } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'`.execute(db);
    const ddl = rows[0]?.sql;
    const idColumn = /"id" varchar\(32\) primary key/i;
    if (!ddl || !idColumn.test(ddl)) throw new Error('the events table is not as migration 007 left it');
    // The same columns, in the same order, so that INSERT … SELECT * copies them.
    const clustered = ddl
      .replace(/^CREATE TABLE "events"/i, 'CREATE TABLE "events_next"')
      .replace(idColumn, '"id" varchar(32) not null')
      .replace(/\)\s*$/, ', primary key ("at_ms", "id")) without rowid');
    await sql.raw(clustered).execute(db);
    await sql`INSERT INTO events_next SELECT * FROM events ORDER BY at_ms, id`.execute(db);
    await db.schema.dropTable('events').execute();
    await db.schema.alterTable('events_next').renameTo('events').execute();
    await db.schema.createIndex('events_id').on('events').column('id').unique().execute();
    await db.schema.createIndex('events_media_start').on('events').columns(['media_id', 'start_s']).execute();
    await db.schema.createIndex('events_analysis').on('events').column('analysis_id').execute();
    // The table itself is the (at_ms, id) order: events_at is not made again.
    await db.schema.createIndex('events_camera_at').on('events').columns(['camera_id', 'at_ms', 'id']).execute();
    await db.schema.createIndex('events_score').on('events').columns(['score', 'id']).execute();
    await db.schema.createIndex('events_duration').on('events').column('duration_s').execute();
  } else {
    // PostgreSQL: the time index carries the columns an export reads, so that it reads them in
    // order from the index (an index-only scan, once VACUUM has marked the pages all-visible, as
    // autovacuum does) instead of from heap pages in the order the events were written.
    await db.schema.dropIndex('events_at').execute();
    await sql`CREATE INDEX events_at ON events (at_ms, id) INCLUDE (${sql.raw(EXPORTED.join(', '))})`.execute(db);
  }

  await db.schema.alterTable('event_labels').addColumn('at_ms', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('event_labels').addColumn('camera_id', 'text').execute();
  await sql`UPDATE event_labels SET at_ms = (SELECT e.at_ms FROM events e WHERE e.id = event_labels.event_id), camera_id = (SELECT e.camera_id FROM events e WHERE e.id = event_labels.event_id)`.execute(db);
  await db.schema.dropIndex('event_labels_name').execute();
  await db.schema.createIndex('event_labels_name_at').on('event_labels').columns(['name', 'at_ms', 'event_id']).execute();
  await db.schema.createIndex('event_labels_name_camera_at').on('event_labels').columns(['name', 'camera_id', 'at_ms', 'event_id']).execute();
  // An export in time order reads the labels of each page's span.
  await db.schema.createIndex('event_labels_at').on('event_labels').columns(['at_ms', 'event_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('event_labels_at').execute();
  await db.schema.dropIndex('event_labels_name_camera_at').execute();
  await db.schema.dropIndex('event_labels_name_at').execute();
  await db.schema.createIndex('event_labels_name').on('event_labels').columns(['name', 'event_id']).execute();
  await db.schema.alterTable('event_labels').dropColumn('camera_id').execute();
  await db.schema.alterTable('event_labels').dropColumn('at_ms').execute();
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    const { rows } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'`.execute(db);
    const rowid = rows[0]!.sql
      .replace(/^CREATE TABLE "events"/i, 'CREATE TABLE "events_next"')
      .replace(/"id" varchar\(32\) not null/i, '"id" varchar(32) primary key')
      .replace(/, primary key \("at_ms", "id"\)\) without rowid\s*$/i, ')');
    await sql.raw(rowid).execute(db);
    await sql`INSERT INTO events_next SELECT * FROM events`.execute(db);
    await db.schema.dropTable('events').execute();
    await db.schema.alterTable('events_next').renameTo('events').execute();
    await db.schema.createIndex('events_media_start').on('events').columns(['media_id', 'start_s']).execute();
    await db.schema.createIndex('events_analysis').on('events').column('analysis_id').execute();
    await db.schema.createIndex('events_at').on('events').columns(['at_ms', 'id']).execute();
    await db.schema.createIndex('events_camera_at').on('events').columns(['camera_id', 'at_ms', 'id']).execute();
    await db.schema.createIndex('events_score').on('events').columns(['score', 'id']).execute();
    await db.schema.createIndex('events_duration').on('events').column('duration_s').execute();
  } else {
    await db.schema.dropIndex('events_at').execute();
    await db.schema.createIndex('events_at').on('events').columns(['at_ms', 'id']).execute();
  }
}

/** The columns of an export, besides the key (at_ms, id). */
const EXPORTED = ['camera_id', 'media_id', 'started_at', 'ended_at', 'start_s', 'end_s', 'score', 'peak_motion', 'box_x', 'box_y', 'box_w', 'box_h', 'direction', 'direction_deg', 'speed', 'colors', 'zones', 'thumbnail_file_id', 'clip_file_id'];
