import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Where a media item was captured, when its file name or its camera says.
  await db.schema.alterTable('media').addColumn('latitude', 'double precision').execute();
  await db.schema.alterTable('media').addColumn('longitude', 'double precision').execute();

  // An import job: one folder (or several) imported with one set of settings. Its id is camtrove's
  // (32 hex) or one a hook module chose (up to 64 characters). Running the same
  // import again continues the same job (`request_key` finds it), adding what is new and retrying
  // what failed, so a job is "this footage" and its id stays stable across runs.
  await db.schema
    .createTable('import_jobs')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('request_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('segment', 'integer', (c) => c.notNull())
    .addColumn('shard_size', 'integer', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_jobs_request').on('import_jobs').columns(['request_key', 'created_at']).execute();
  await db.schema.createIndex('import_jobs_created_at').on('import_jobs').columns(['created_at', 'id']).execute();

  // One file of a job. `path_key` is the SHA-256 of the path's bytes (paths may be long or not
  // UTF-8); `path` is for people. `state`: discovered → stored, or failed with `error`. Once
  // stored, segmentation's progress is the state of the analysis `analysis_id` names.
  // `outcome` says how the bytes got in: imported, already_imported (the library had them) or
  // duplicate (another file of the job has the same bytes).
  await db.schema
    .createTable('import_items')
    .addColumn('job_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('path_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('mtime_ms', 'bigint', (c) => c.notNull())
    .addColumn('camera_name', 'text')
    .addColumn('camera_id', 'varchar(128)')
    .addColumn('captured_at', 'bigint')
    .addColumn('time_source', 'varchar(16)')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('file_id', 'varchar(64)')
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)')
    .addColumn('analysis_id', 'varchar(32)')
    .addColumn('error', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_items_pk', ['job_id', 'seq'])
    .execute();
  await db.schema.createIndex('import_items_path').on('import_items').columns(['job_id', 'path_key']).unique().execute();
  await db.schema.createIndex('import_items_shard').on('import_items').columns(['job_id', 'shard', 'state']).execute();
  await db.schema.createIndex('import_items_file').on('import_items').column('file_id').execute();

  // Named locks held by one process at a time, with an expiry so a killed holder's lock lapses.
  // `holder` is random per acquisition; `host` and `pid` let a process on the same host take over
  // at once from a holder that is no longer running.
  await db.schema
    .createTable('locks')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('holder', 'varchar(64)', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('locks').execute();
  await db.schema.dropTable('import_items').execute();
  await db.schema.dropTable('import_jobs').execute();
  await db.schema.alterTable('media').dropColumn('longitude').execute();
  await db.schema.alterTable('media').dropColumn('latitude').execute();
}
