import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.

/**
 * Browsing a camera's frames pages through them in capture order with a keyset on
 * (captured_at_us, id): frames captured in the same microsecond still have one order. The index
 * (camera_id, captured_at_us, id) answers each page by a range scan of exactly its rows, at the
 * millionth frame as at the first; it also serves retention's oldest-first reads, so the narrower
 * index it replaces goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('frames_camera_captured_id').on('frames').columns(['camera_id', 'captured_at_us', 'id']).execute();
  await db.schema.dropIndex('frames_camera_captured').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('frames_camera_captured').on('frames').columns(['camera_id', 'captured_at_us']).execute();
  await db.schema.dropIndex('frames_camera_captured_id').execute();
}
