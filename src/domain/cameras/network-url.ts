/**
 * Schemes that reach a camera over the network. Anything else ffmpeg or a client might accept
 * (`file:`, `concat:`, `data:`, `subfile:`, `pipe:`…) reads something that is not a network
 * address, so the network policy could not even see it.
 */
export const NETWORK_SCHEMES: readonly string[] = ['http', 'https', 'rtsp', 'rtsps'];

/** Schemes whose connections camtrove makes itself through the HTTP client. */
export const HTTP_SCHEMES: readonly string[] = ['http', 'https'];

/**
 * Why `url` is not a network address camtrove may connect to: it does not parse, its scheme is not
 * one of `schemes`, or it names no host. Null when it is one. Pure: says nothing about the address.
 */
export function networkUrlProblem(url: string, schemes: readonly string[] = NETWORK_SCHEMES): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  if (!schemes.includes(scheme)) return `has the scheme ${scheme}:, not one camtrove connects to (${schemes.map((s) => `${s}:`).join(', ')})`;
  if (urlHost(parsed) === '') return 'names no host';
  return null;
}

/** A URL's host as a connection takes it: IPv6 without its brackets. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}
