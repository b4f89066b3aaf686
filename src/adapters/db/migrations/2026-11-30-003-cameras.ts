import type { Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Registered cameras. Searchable facts are columns; the rest of the camera is JSON in `data`.
  // `source_url` is the address frames come from, unique: two listings of one camera are one camera.
  // Credentials live in their own columns so that no query that lists cameras ever reads them.
  await db.schema
    .createTable('cameras')
    .addColumn('id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('source_url', 'text', (c) => c.notNull().unique())
    .addColumn('city', 'text')
    .addColumn('state', 'text')
    .addColumn('country', 'text')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    // ",tag1,tag2," so that one tag is matched by LIKE '%,tag,%' on both databases.
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('archive_interval', 'double precision')
    .addColumn('username', 'text')
    .addColumn('password', 'text')
    .addColumn('auth_scheme', 'varchar(16)')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cameras_place').on('cameras').columns(['country', 'state', 'city']).execute();
  await db.schema.createIndex('cameras_position').on('cameras').columns(['latitude', 'longitude']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cameras').execute();
}
