import type { Kysely, Selectable } from 'kysely';
import type { Database, LocksTable } from './schema.js';

/** Who holds a lock. */
export interface LockHolder {
  /** Random per acquisition: what renewals and releases are matched on. */
  holder: string;
  host: string;
  pid: number;
  /** What the holder is doing, for the message another process shows ("import of /data/site04, job …"). */
  purpose: string;
  acquiredAt: number;
  expiresAt: number;
}

/** Named locks in the library database, so processes on every machine sharing the library see them. */
export class LockRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Takes the lock when it is free, expired, or held by a holder `isGone` says is no longer
   * running; otherwise returns the current holder. Of concurrent callers exactly one gets it.
   */
  async acquire(name: string, me: LockHolder, isGone: (holder: LockHolder) => boolean): Promise<{ acquired: true } | { acquired: false; holder: LockHolder }> {
    const row = { name, holder: me.holder, host: me.host, pid: me.pid, purpose: me.purpose, acquired_at: me.acquiredAt, expires_at: me.expiresAt };
    const inserted = await this.db.insertInto('locks').values(row).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { acquired: true };
    const current = await this.holder(name);
    if (!current) return this.acquire(name, me, isGone);
    if (current.expiresAt >= me.acquiredAt && !isGone(current)) return { acquired: false, holder: current };
    // Compare-and-set on the holder we saw: a third process taking it meanwhile wins instead.
    const taken = await this.db.updateTable('locks').set(row).where('name', '=', name).where('holder', '=', current.holder).executeTakeFirst();
    if (Number(taken.numUpdatedRows) > 0) return { acquired: true };
    const winner = await this.holder(name);
    return winner ? { acquired: false, holder: winner } : this.acquire(name, me, isGone);
  }

  /** Extends a held lock; false when it is no longer this holder's (it lapsed and was taken). */
  async renew(name: string, holder: string, expiresAt: number): Promise<boolean> {
    const result = await this.db.updateTable('locks').set({ expires_at: expiresAt }).where('name', '=', name).where('holder', '=', holder).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('locks').where('name', '=', name).where('holder', '=', holder).execute();
  }

  async holder(name: string): Promise<LockHolder | null> {
    const row = await this.db.selectFrom('locks').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toHolder(row) : null;
  }
}

function toHolder(row: Selectable<LocksTable>): LockHolder {
  return { holder: row.holder, host: row.host, pid: row.pid, purpose: row.purpose, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}
