/** Where blobs live: the data folder's `blobs/`, or a bucket (and key prefix) of an S3-compatible store. */
export type StorageLocation = { kind: 'local' } | { kind: 's3'; bucket: string; prefix: string };

/** S3's rules for bucket names (3-63 characters: lowercase letters, digits, dots and hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses the `storage` setting: empty for the data folder, `s3://bucket` or `s3://bucket/prefix`.
 * Returns null for anything else, so the configuration can name the key and the value.
 */
export function parseStorageLocation(value: string): StorageLocation | null {
  const text = value.trim();
  if (text === '') return { kind: 'local' };
  const match = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/.exec(text);
  if (!match) return null;
  const bucket = match[1]!;
  if (!BUCKET.test(bucket) || bucket.includes('..')) return null;
  const prefix = (match[2] ?? '').split('/').filter((part) => part !== '').join('/');
  if (prefix.split('/').some((part) => part === '.' || part === '..')) return null;
  return { kind: 's3', bucket, prefix };
}

/** The setting back as text (`s3://bucket/prefix`), for logs and `camtrove status`. */
export function formatStorageLocation(location: StorageLocation): string {
  if (location.kind === 'local') return '';
  return `s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ''}`;
}
