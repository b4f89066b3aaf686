import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A video or image the library knows about: a stored file with where and when it was captured.
  await db.schema
    .createTable('media')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('camera_id', 'text')
    .addColumn('captured_at', 'bigint')
    .addColumn('duration', 'double precision')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('fps', 'double precision')
    .addColumn('video_codec', 'text')
    .addColumn('info', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_camera_captured').on('media').columns(['camera_id', 'captured_at']).execute();

  // Motion events: a span of one media item, described. Times are media seconds (start_s, end_s)
  // and, when the media has a capture time, absolute epoch milliseconds (started_at, ended_at).
  await db.schema
    .createTable('events')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('media_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('analysis_id', 'varchar(32)')
    .addColumn('camera_id', 'text')
    .addColumn('start_s', 'double precision', (c) => c.notNull())
    .addColumn('end_s', 'double precision', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('peak_motion', 'double precision', (c) => c.notNull())
    .addColumn('direction', 'text')
    .addColumn('thumbnail_file_id', 'varchar(64)')
    .addColumn('clip_file_id', 'varchar(64)')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_media_start').on('events').columns(['media_id', 'start_s']).execute();
  await db.schema.createIndex('events_camera_started').on('events').columns(['camera_id', 'started_at']).execute();
  await db.schema.createIndex('events_analysis').on('events').column('analysis_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('events').execute();
  await db.schema.dropTable('media').execute();
}
