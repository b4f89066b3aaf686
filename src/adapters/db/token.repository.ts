import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface TokenRecord {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** API tokens; only the SHA-256 of a token is stored, never the token. */
export class TokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(token: { id: string; name: string; hash: string; now: number }): Promise<void> {
    await this.db.insertInto('tokens').values({ id: token.id, name: token.name, hash: token.hash, created_at: token.now, last_used_at: null }).execute();
  }

  /** One round trip answering both "is auth on?" and "is this hash a token?". */
  async lookup(hash: string | null): Promise<{ anyTokens: boolean; tokenId: string | null }> {
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.exists(eb.selectFrom('tokens').select('id')).as('any_tokens'),
        eb.selectFrom('tokens').select('id').where('hash', '=', hash ?? '').limit(1).as('token_id'),
      ])
      .executeTakeFirstOrThrow();
    return { anyTokens: Boolean(row.any_tokens), tokenId: row.token_id ?? null };
  }

  async list(): Promise<TokenRecord[]> {
    const rows = await this.db.selectFrom('tokens').select(['id', 'name', 'created_at', 'last_used_at']).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  async delete(idPrefix: string): Promise<number> {
    const result = await this.db.deleteFrom('tokens').where('id', 'like', `${idPrefix}%`).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
