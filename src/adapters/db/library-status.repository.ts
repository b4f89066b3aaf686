import { sql, type Kysely } from 'kysely';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

/** The schema of a library: migrations applied, and how many of camtrove's are not yet. */
export interface SchemaVersion {
  applied: number;
  latest: string | null;
  pending: number;
}

/** What a library holds, in numbers. */
export interface LibraryCounts {
  files: number;
  cameras: number;
  events: number;
  jobs_queued: number;
  jobs_running: number;
}

const MIGRATION_TABLE = 'camtrove_migrations';

/** Reads a library's schema version and counts, changing nothing (`camtrove status`). */
export class LibraryStatusRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** null when the database holds no camtrove library (no migration was ever applied). */
  async schema(): Promise<SchemaVersion | null> {
    // Read where the library's own tables are looked up (PostgreSQL's search_path), not in any schema.
    const read = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(this.db).catch((error: unknown) => {
      if (isMissingTable(error)) return null;
      throw error;
    });
    if (!read) return null;
    const { rows } = read;
    const applied = new Set(rows.map((r) => r.name));
    return { applied: rows.length, latest: rows.at(-1)?.name ?? null, pending: Object.keys(migrations).filter((name) => !applied.has(name)).length };
  }

  async counts(): Promise<LibraryCounts> {
    const count = async (table: 'files' | 'cameras' | 'events') => Number((await this.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const jobs = await this.db.selectFrom('jobs').select(['state', (eb) => eb.fn.countAll().as('n')]).where('state', 'in', ['waiting', 'active']).groupBy('state').execute();
    const jobsIn = (state: string) => Number(jobs.find((j) => j.state === state)?.n ?? 0);
    return { files: await count('files'), cameras: await count('cameras'), events: await count('events'), jobs_queued: jobsIn('waiting'), jobs_running: jobsIn('active') };
  }
}

/** "relation does not exist" (PostgreSQL 42P01) or "no such table" (SQLite). */
function isMissingTable(error: unknown): boolean {
  return (error as { code?: unknown }).code === '42P01' || /no such table/.test(String((error as Error).message));
}
