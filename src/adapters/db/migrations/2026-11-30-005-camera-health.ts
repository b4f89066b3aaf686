import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // How archiving a camera goes, kept across runs: counters add up, the rest is the latest state.
  // `archiver`/`archiver_until`: the process archiving the camera continuously and how long its
  // claim lasts without renewal, so many serve/worker processes never archive one camera twice.
  await db.schema
    .createTable('camera_health')
    .addColumn('camera_id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_failure_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('latency_ms', 'integer')
    .addColumn('frames_saved', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('frames_skipped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('archiver', 'varchar(64)')
    .addColumn('archiver_until', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('camera_health').execute();
}
