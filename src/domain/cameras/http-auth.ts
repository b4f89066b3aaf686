import { createHash } from 'node:crypto';

/** A `WWW-Authenticate: Digest …` challenge, the parts a client answers. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop: 'auth' | null;
  opaque: string | null;
  algorithm: 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
}

/** The Authorization header for HTTP basic auth. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * The Digest challenge of a 401's WWW-Authenticate header(s), or null when there is none or it
 * asks for what is not supported (qop auth-int alone, an unknown algorithm).
 */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | null {
  const headers = Array.isArray(header) ? header : header ? [header] : [];
  for (const value of headers) {
    const at = value.search(/digest\s/i);
    if (at < 0) continue;
    const params = new Map<string, string>();
    for (const match of value.slice(at + 7).matchAll(/([a-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/gi)) {
      params.set(match[1]!.toLowerCase(), (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1'));
    }
    const realm = params.get('realm');
    const nonce = params.get('nonce');
    if (realm === undefined || nonce === undefined) continue;
    const qops = (params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase()).filter(Boolean);
    if (qops.length > 0 && !qops.includes('auth')) continue;
    const algorithm = (params.get('algorithm') ?? 'MD5').toUpperCase();
    const known = { MD5: 'MD5', 'MD5-SESS': 'MD5-sess', 'SHA-256': 'SHA-256', 'SHA-256-SESS': 'SHA-256-sess' } as const;
    const chosen = known[algorithm as keyof typeof known];
    if (!chosen) continue;
    return { realm, nonce, qop: qops.length > 0 ? 'auth' : null, opaque: params.get('opaque') ?? null, algorithm: chosen };
  }
  return null;
}

/**
 * The Authorization header answering a Digest challenge (RFC 7616) for one request. `cnonce` is
 * the client's random nonce and `nc` how many requests have used this server nonce.
 */
export function digestAuthorization(options: { username: string; password: string; method: string; uri: string; challenge: DigestChallenge; cnonce: string; nc: number }): string {
  const { username, password, method, uri, challenge, cnonce } = options;
  const hashName = challenge.algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const hash = (text: string) => createHash(hashName).update(text, 'utf8').digest('hex');
  const nc = options.nc.toString(16).padStart(8, '0');
  let ha1 = hash(`${username}:${challenge.realm}:${password}`);
  if (challenge.algorithm.endsWith('-sess')) ha1 = hash(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = hash(`${method}:${uri}`);
  const response = challenge.qop ? hash(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`) : hash(`${ha1}:${challenge.nonce}:${ha2}`);
  const quote = (value: string) => `"${value.replace(/(["\\])/g, '\\$1')}"`;
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response=${quote(response)}`,
    ...(challenge.qop ? [`qop=auth`, `nc=${nc}`, `cnonce=${quote(cnonce)}`] : []),
    ...(challenge.opaque !== null ? [`opaque=${quote(challenge.opaque)}`] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}
