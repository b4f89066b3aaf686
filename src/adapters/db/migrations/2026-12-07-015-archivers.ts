import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.

/**
 * The processes archiving cameras continuously, each with the time its presence lapses unless
 * renewed: they divide the cameras among the live ones.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('archivers')
    .addColumn('owner', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('archivers').execute();
}
