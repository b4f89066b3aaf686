/**
 * Whether to address buckets as `endpoint/bucket/key` (path style) rather than as
 * `bucket.endpoint/key`: when asked to, and when the endpoint is an IP address or `localhost`,
 * where a bucket name in front of the host cannot resolve.
 */
export function usePathStyle(endpoint: string | undefined, forced: boolean): boolean {
  if (forced) return true;
  if (endpoint === undefined || endpoint.trim() === '') return false;
  let host: string;
  try {
    host = new URL(endpoint.trim()).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  // IPv6 hosts keep their brackets in URL.hostname.
  if (host.startsWith('[')) return true;
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}
