import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The processes archiving cameras continuously: each announces itself on every refresh. */
export class ArchiverRegistry {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records `owner` as present until `until` (epoch ms); announcing again renews it. */
  async announce(owner: string, until: number): Promise<void> {
    await this.db
      .insertInto('archivers')
      .values({ owner, expires_at: until })
      .onConflict((conflict) => conflict.column('owner').doUpdateSet({ expires_at: until }))
      .execute();
  }

  /** The owners present at `now`; those long gone are deleted on the way. */
  async live(now: number): Promise<string[]> {
    await this.db.deleteFrom('archivers').where('expires_at', '<', now).execute();
    const rows = await this.db.selectFrom('archivers').select('owner').where('expires_at', '>=', now).execute();
    return rows.map((r) => r.owner);
  }

  /** A process stopping leaves at once, so the others take its cameras on their next refresh. */
  async leave(owner: string): Promise<void> {
    await this.db.deleteFrom('archivers').where('owner', '=', owner).execute();
  }
}
