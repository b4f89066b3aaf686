/** Where jobs are queued: in the metadata database, or in Redis (BullMQ). */
export type QueueLocation = { kind: 'database' } | { kind: 'redis'; url: string };

/**
 * Parses the `queue` setting: empty for the metadata database, `redis://[user:password@]host[:port][/db]`
 * or `rediss://…` (TLS) for Redis. Null for anything else.
 */
export function parseQueueLocation(value: string): QueueLocation | null {
  const text = value.trim();
  if (text === '') return { kind: 'database' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return null;
  if (url.hostname === '') return null;
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) return null;
  return { kind: 'redis', url: text };
}
