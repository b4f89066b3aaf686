import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.

/**
 * Finished jobs are pruned by age (oldest first, by state and finish time) and failed ones listed
 * newest first: an index for each, so neither reads the whole table once it holds millions of rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('jobs_finished').on('jobs').columns(['state', 'finished_at']).execute();
  await db.schema.createIndex('jobs_by_state_created').on('jobs').columns(['state', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_finished').execute();
  await db.schema.dropIndex('jobs_by_state_created').execute();
}
