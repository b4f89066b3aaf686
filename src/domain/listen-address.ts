import { isIP } from 'node:net';

/**
 * Whether a server listening on `host` is reachable from this machine only. Anything else — a LAN
 * address, `0.0.0.0`, `::` — lets the network in, so such a server must never answer without a
 * token.
 */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || /^::ffff:127\./i.test(bare);
}
