import { createHash } from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Takes, inside a transaction, the locks of these blob ids until it ends: whoever publishes a blob
 * and inserts the row that uses it, and whoever unlinks a blob no row uses, holds the blob's lock
 * while doing so, so the two never interleave (a blob found "already stored" is not unlinked
 * before its new row commits). This is the one place where the dialects differ:
 *
 * - PostgreSQL: a transaction-scoped advisory lock per id (its first 64 bits), taken in key order
 *   in one statement, so that two transactions locking overlapping sets cannot deadlock;
 * - SQLite: one writer at a time already, across processes; a write statement that changes nothing
 *   takes the database's write lock now (waiting `busy_timeout`) rather than at the first real write.
 */
export async function lockBlobs(trx: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  if (isPostgres(trx)) {
    const keys = [...new Set(ids.map(lockKey))];
    await sql`select pg_advisory_xact_lock(k) from (select k from unnest(cast(${keys} as bigint[])) as k order by k offset 0) as ordered`.execute(trx);
    return;
  }
  await sql`delete from blob_deletions where 1 = 0`.execute(trx);
}

/** Whether a Kysely instance (or transaction) talks to PostgreSQL. */
export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** A signed 64-bit key, as text: the id's first 16 hex digits (a SHA-256's are uniform). */
function lockKey(id: string): string {
  const hex = /^[0-9a-f]{16}/.test(id) ? id.slice(0, 16) : createHash('sha256').update(id).digest('hex').slice(0, 16);
  return BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
}
