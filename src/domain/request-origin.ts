import { isLoopback } from './listen-address.js';

/** What a request says about where it comes from: its Host, Origin and Sec-Fetch-Site headers. */
export interface RequestOrigin {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  fetchSite: string | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a request let in without a token (a loopback server with no token yet) must still be refused,
 * or null. Such a server trusts everything on this machine, and a web page the user visits runs on
 * this machine too:
 * - DNS rebinding: a page of evil.example whose name turns into 127.0.0.1 would read the API as
 *   its own origin; its requests carry `Host: evil.example`, so only loopback host names pass.
 * - Cross-site requests: any page can POST a form to http://127.0.0.1:8080/api/files or /api/analyses;
 *   browsers say so with `Origin` and `Sec-Fetch-Site`, so changes from another origin are refused.
 *   Reads (GET) from elsewhere stay allowed: a link to a file must open, and the browser does not
 *   let the other page read the answer.
 * Programs (curl, the SDK, the CLI) send neither header and are not affected.
 */
export function refusalWithoutToken(request: RequestOrigin): string | null {
  const hostName = request.host === undefined ? undefined : hostOf(request.host);
  if (hostName !== undefined && !isLoopback(hostName) && !hostName.endsWith('.localhost')) {
    return `this server has no API token and answers only requests addressed to this machine (localhost, 127.0.0.1, ::1), not to ${JSON.stringify(request.host)}: create a token with \`camtrove token create\` to use it under another name (a reverse proxy, a DNS name)`;
  }
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const crossOrigin = request.origin !== undefined && (request.origin === 'null' || originHost(request.origin) !== request.host?.toLowerCase());
  if (crossOrigin || request.fetchSite === 'cross-site') {
    return `this server has no API token, so it takes no changes from a web page of another site (Origin ${request.origin ?? 'unknown'}); create a token with \`camtrove token create\` and send it as "Authorization: Bearer <token>"`;
  }
  return null;
}

/** The host name of a Host header: `[::1]:8080` → `::1`, `localhost:8080` → `localhost`. */
function hostOf(header: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(header);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return header.replace(/:\d+$/, '').toLowerCase();
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}
