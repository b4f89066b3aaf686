import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Blobs whose file row is gone, to be unlinked: recorded in the transaction that deletes the row,
  // removed once the blob is (or once a row uses the id again). A crash in between leaves the
  // record, and the next start finishes it.
  await db.schema
    .createTable('blob_deletions')
    .addColumn('file_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .execute();
  // Files an analysis stored (a transcode's output, extracted frames): a deletion names the analysis.
  await db.schema
    .createTable('analysis_outputs')
    .addColumn('analysis_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('file_id', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('analysis_outputs_pk', ['analysis_id', 'file_id'])
    .execute();
  await db.schema.createIndex('analysis_outputs_file').on('analysis_outputs').column('file_id').execute();
  // What refers to a file, found by index when it is deleted or trimmed.
  await db.schema.createIndex('frames_file').on('frames').column('file_id').execute();
  await db.schema.createIndex('events_thumbnail').on('events').column('thumbnail_file_id').execute();
  await db.schema.createIndex('events_clip').on('events').column('clip_file_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_clip').execute();
  await db.schema.dropIndex('events_thumbnail').execute();
  await db.schema.dropIndex('frames_file').execute();
  await db.schema.dropTable('analysis_outputs').execute();
  await db.schema.dropTable('blob_deletions').execute();
}
