import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../adapters/clock.js';
import type { TokenRecord, TokenRepository } from '../adapters/db/token.repository.js';
import { CamtroveError } from '../domain/errors.js';

/** What a request's credentials amount to. */
export type AuthOutcome = { allowed: true; tokenId: string | null } | { allowed: false; reason: string };

/**
 * API tokens. Once one exists every request needs one. With none, a server reachable from this
 * machine only is open, and one that listens beyond loopback refuses everything: the rule is
 * checked on each request, so revoking the last token closes such a server instead of opening it.
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

  /**
   * Checks an Authorization header: `Bearer <token>` or `token <token>`. `tokenRequired`: the server
   * listens beyond loopback, so having no token at all is no reason to let a request in.
   */
  async authenticate(header: string | undefined, options: { tokenRequired?: boolean } = {}): Promise<AuthOutcome> {
    const token = parseAuthorization(header);
    const { anyTokens, tokenId } = await this.tokens.lookup(token ? hashToken(token) : null);
    if (!anyTokens && options.tokenRequired) {
      return { allowed: false, reason: 'this server is reachable from the network and has no API token, so it answers no request: create one on the server with `camtrove token create` and send it as "Authorization: Bearer <token>"' };
    }
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
