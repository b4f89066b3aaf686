import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.

/**
 * Labels, stored as tracks of key frames: the per-frame jsonResponse and every export are derived
 * from them, so a 100,000-frame video with a few objects costs rows per key frame, not per frame.
 * `label_keys.value` is the key's JSON (points, categories, child answers); keys are read a page at
 * a time per track, in frame order (the primary key's order), so long labels stream.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('labels')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('asset_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('label_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('model_name', 'text')
    .addColumn('seconds_to_label', 'double precision')
    .addColumn('asset_level', 'text')
    .addColumn('track_count', 'integer', (c) => c.notNull())
    .addColumn('key_count', 'integer', (c) => c.notNull())
    .addColumn('created_at_us', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('labels_project_order').on('labels').columns(['project_id', 'created_at_us', 'id']).execute();
  await db.schema.createIndex('labels_asset').on('labels').columns(['asset_id', 'label_type', 'created_at_us']).execute();

  // `categories`: the category names the track's keys use (JSON array), for the interface check.
  await db.schema
    .createTable('label_tracks')
    .addColumn('label_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('mid', 'text', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('tool', 'varchar(16)')
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('first_frame', 'integer', (c) => c.notNull())
    .addColumn('last_frame', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('label_tracks_pk', ['label_id', 'ordinal'])
    .execute();

  await db.schema
    .createTable('label_keys')
    .addColumn('label_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('track', 'integer', (c) => c.notNull())
    .addColumn('frame', 'integer', (c) => c.notNull())
    .addColumn('outside', 'integer', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('label_keys_pk', ['label_id', 'track', 'frame'])
    .execute();

  // Label exports run as jobs; the finished zip is a library file. `options`: the request (JSON).
  await db.schema
    .createTable('label_exports')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('fmt', 'varchar(32)', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('assets_done', 'integer', (c) => c.notNull())
    .addColumn('assets_total', 'integer', (c) => c.notNull())
    .addColumn('file_id', 'varchar(64)')
    .addColumn('size_bytes', 'bigint')
    .addColumn('error_code', 'varchar(64)')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('label_exports_project').on('label_exports').columns(['project_id', 'created_at']).execute();
  await db.schema.createIndex('label_exports_file').on('label_exports').column('file_id').execute();

  // An asset made from an event: the job and category its motion predictions go to (JSON), made
  // once its frames are indexed.
  await db.schema.alterTable('label_assets').addColumn('preannotation', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('label_assets').dropColumn('preannotation').execute();
  await db.schema.dropTable('label_exports').execute();
  await db.schema.dropTable('label_keys').execute();
  await db.schema.dropTable('label_tracks').execute();
  await db.schema.dropTable('labels').execute();
}
