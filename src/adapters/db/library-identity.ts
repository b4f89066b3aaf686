import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The library's id, made once by its migrations. */
export async function libraryId(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('library_identity').select('id').executeTakeFirst();
  if (!row) throw new Error('the library has no identity row: its database was not migrated');
  return row.id;
}
