import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../adapters/clock.js';
import type { TokenRecord, TokenRepository } from '../adapters/db/token.repository.js';
import { CamtroveError } from '../domain/errors.js';

/** What a request's credentials amount to. */
export type AuthOutcome = { allowed: true; tokenId: string | null } | { allowed: false; reason: string };

/**
 * API tokens. With no token created the server is open (it only listens on loopback then);
 * once one exists every request needs one.
 */
export class TokenService {
  constructor(
    private readonly tokens: TokenRepository,
    private readonly clock: Clock,
  ) {}

  /** Creates a token and returns it; this is the only time it is ever shown. */
  async create(name: string): Promise<{ id: string; name: string; token: string }> {
    const id = randomBytes(8).toString('hex');
    const token = `ctk_${randomBytes(32).toString('base64url')}`;
    await this.tokens.insert({ id, name, hash: hashToken(token), now: this.clock.now() });
    return { id, name, token };
  }

  list(): Promise<TokenRecord[]> {
    return this.tokens.list();
  }

  async revoke(id: string): Promise<void> {
    if (!/^[0-9a-f]{4,16}$/.test(id)) throw new CamtroveError('CAMTROVE_ERR_INVALID_ID', `token id "${id}" is not 4 to 16 hex characters`);
    const removed = await this.tokens.delete(id);
    if (removed === 0) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `no token has id ${id}`);
    if (removed > 1) throw new CamtroveError('CAMTROVE_ERR_AMBIGUOUS_ID', `token id ${id} matched ${removed} tokens`);
  }

  async anyExist(): Promise<boolean> {
    return (await this.tokens.lookup(null)).anyTokens;
  }

  /** Checks an Authorization header: `Bearer <token>` or `token <token>`. */
  async authenticate(header: string | undefined): Promise<AuthOutcome> {
    const token = parseAuthorization(header);
    const { anyTokens, tokenId } = await this.tokens.lookup(token ? hashToken(token) : null);
    if (!anyTokens) return { allowed: true, tokenId: null };
    if (!token) return { allowed: false, reason: 'this server requires a token: send "Authorization: Bearer <token>" (create one with `camtrove token create`)' };
    if (!tokenId) return { allowed: false, reason: 'the token is not valid on this server' };
    return { allowed: true, tokenId };
  }
}

export function parseAuthorization(header: string | undefined): string | null {
  const match = /^\s*(bearer|token)\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[2] ?? null;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
