import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Archived camera frames: the bytes are a stored file (never re-encoded); the capture time is
  // epoch microseconds, UTC.
  await db.schema
    .createTable('frames')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('camera_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('captured_at_us', 'bigint', (c) => c.notNull())
    .addColumn('file_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('change_score', 'double precision', (c) => c.notNull())
    .addColumn('content_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('frames_camera_captured').on('frames').columns(['camera_id', 'captured_at_us']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('frames').execute();
}
