import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.

/**
 * Labeling projects and their assets. An asset's frames are a table of their own: frame k is the
 * k-th decoded frame (or the k-th sampled one), with the PTS of the source frame it shows, so
 * labels, exports and the web app never compute a frame from a time. Metadata is JSON text, and its
 * top-level keys are copied into `label_asset_metadata`, one row each, so `metadataWhere` is an
 * indexed lookup on both databases instead of a JSON scan in each dialect's own functions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('label_projects')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('input_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('json_interface', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('label_projects_created').on('label_projects').columns(['created_at', 'id']).execute();

  // `source_kind`: file (a library file, uploaded or named), url (fetched into the library), event
  // (an event's clip, or its media between range_start and range_end), frames (a list of images).
  // `processing_state`: PENDING until the frames are indexed, then READY or FAILED (error_*).
  await db.schema
    .createTable('label_assets')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('json_content', 'text')
    .addColumn('source_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('file_id', 'varchar(64)')
    .addColumn('event_id', 'varchar(32)')
    .addColumn('range_start', 'double precision')
    .addColumn('range_end', 'double precision')
    .addColumn('json_metadata', 'text', (c) => c.notNull())
    .addColumn('processing_parameters', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('processing_state', 'varchar(16)', (c) => c.notNull())
    .addColumn('error_code', 'varchar(64)')
    .addColumn('error_message', 'text')
    .addColumn('batch_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('rotation', 'integer')
    .addColumn('frame_count', 'integer')
    .addColumn('fps', 'double precision')
    .addColumn('codec', 'varchar(64)')
    .addColumn('start_time', 'double precision')
    .addColumn('duration', 'double precision')
    .addColumn('created_at_us', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('label_assets_external').on('label_assets').columns(['project_id', 'external_id']).unique().execute();
  await db.schema.createIndex('label_assets_order').on('label_assets').columns(['project_id', 'created_at_us', 'id']).execute();
  await db.schema.createIndex('label_assets_batch').on('label_assets').columns(['batch_id']).execute();
  await db.schema.createIndex('label_assets_pending').on('label_assets').columns(['processing_state']).execute();
  await db.schema.createIndex('label_assets_file').on('label_assets').column('file_id').execute();
  await db.schema.createIndex('label_assets_event').on('label_assets').column('event_id').execute();

  await db.schema
    .createTable('label_asset_metadata')
    .addColumn('asset_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('text_value', 'text')
    .addColumn('num_value', 'double precision')
    .execute();
  await db.schema.createIndex('label_asset_metadata_asset').on('label_asset_metadata').column('asset_id').execute();
  await db.schema.createIndex('label_asset_metadata_text').on('label_asset_metadata').columns(['key', 'text_value', 'asset_id']).execute();
  await db.schema.createIndex('label_asset_metadata_num').on('label_asset_metadata').columns(['key', 'num_value', 'asset_id']).execute();

  // `file_id`: the frame's own image (frame lists, split frames); null when it is decoded from the
  // asset's video. `source_idx`: the decoded frame a sampled frame shows.
  await db.schema
    .createTable('label_asset_frames')
    .addColumn('asset_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('pts', 'double precision')
    .addColumn('source_idx', 'integer')
    .addColumn('key_pts', 'double precision')
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('file_id', 'varchar(64)')
    .addPrimaryKeyConstraint('label_asset_frames_pk', ['asset_id', 'idx'])
    .execute();
  await db.schema.createIndex('label_asset_frames_file').on('label_asset_frames').column('file_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('label_asset_frames').execute();
  await db.schema.dropTable('label_asset_metadata').execute();
  await db.schema.dropTable('label_assets').execute();
  await db.schema.dropTable('label_projects').execute();
}
