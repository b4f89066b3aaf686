import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.

/**
 * A random id for the library, made once: what the library keeps outside its database (its jobs in
 * a Redis that other libraries may share) is named after it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('library_identity')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await (db as Kysely<{ library_identity: { id: string; created_at: number } }>)
    .insertInto('library_identity')
    .values({ id: randomBytes(8).toString('hex'), created_at: Date.now() })
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('library_identity').execute();
}
