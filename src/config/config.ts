import { redactUrl } from '../domain/redact.js';
import { CamtroveError } from '../domain/errors.js';
import { parseByteSize } from '../domain/byte-size.js';
import { parseDurationMs } from '../domain/duration.js';
import { parseNetworkRanges, type NetworkRange } from '../domain/cameras/network-ranges.js';
import { parseQueueLocation, type QueueLocation } from '../domain/queue-location.js';
import { parseStorageLocation, type StorageLocation } from '../domain/storage-location.js';

/** Per-analysis worker concurrency: a default plus overrides by analysis name. */
export interface ConcurrencyConfig {
  default: number;
  byAnalysis: Readonly<Record<string, number>>;
}

export interface Config {
  dataDir: string;
  databaseUrl: string;
  storage: StorageLocation;
  s3ForcePathStyle: boolean;
  storageCacheBytes: number;
  queue: QueueLocation;
  globalConcurrency: Readonly<Record<string, number>>;
  host: string;
  port: number;
  maxUploadBytes: number;
  uploadStallTimeoutMs: number;
  workers: boolean;
  concurrency: ConcurrencyConfig;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
  heartbeatMs: number;
  pollMs: number;
  analysisTimeoutMs: number;
  keepFinishedJobsMs: number;
  inputStallTimeoutMs: number;
  ffmpeg: string;
  ffprobe: string;
  logLevel: string;
  cameraNetworks: readonly NetworkRange[];
  archiveDiff: number;
}

type Raw = string | number | boolean;

interface KeySpec<K extends keyof Config> {
  env: string;
  default: Config[K];
  /** How the default reads in docs, when it differs from JSON of the value. */
  shownDefault?: string;
  description: string;
  parse: (value: Raw) => Config[K] | null;
  expected: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const intBetween = (min: number, max: number) => (value: Raw): number | null => {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
};
const positiveInt = (max: number) => intBetween(1, max);
const duration = (min: number) => (value: Raw): number | null => {
  const ms = typeof value === 'boolean' ? null : parseDurationMs(value);
  return ms !== null && ms >= min ? ms : null;
};
const text = (value: Raw): string | null => (typeof value === 'string' ? value : null);

function parseBoolean(value: Raw): boolean | null {
  if (typeof value === 'boolean') return value;
  const v = String(value).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return null;
}

/** "2" or "2,transcode=1,sleep=8": a default then name=n overrides. */
export function parseConcurrency(value: Raw): ConcurrencyConfig | null {
  if (typeof value === 'boolean') return null;
  const config: { default: number; byAnalysis: Record<string, number> } = { default: 2, byAnalysis: {} };
  for (const part of String(value).split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, count] = part.includes('=') ? part.split('=', 2) : [undefined, part];
    const n = positiveInt(64)(count?.trim() ?? '');
    if (n === null) return null;
    if (name === undefined) config.default = n;
    else if (/^[a-z][a-z0-9_-]*$/.test(name.trim())) config.byAnalysis[name.trim()] = n;
    else return null;
  }
  return config;
}

/** "transcode=4,segment=16": caps by analysis name; empty for none. */
function parseGlobalConcurrency(value: Raw): Record<string, number> | null {
  if (typeof value === 'boolean') return null;
  const caps: Record<string, number> = {};
  for (const part of String(value).split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, count] = part.split('=', 2);
    const n = positiveInt(10_000)(count?.trim() ?? '');
    if (n === null || name === undefined || !/^[a-z][a-z0-9_-]*$/.test(name.trim())) return null;
    caps[name.trim()] = n;
  }
  return caps;
}

function parseNetworks(value: Raw): NetworkRange[] | null {
  if (typeof value !== 'string') return null;
  try {
    return parseNetworkRanges(value);
  } catch {
    return null;
  }
}

function parseDatabaseUrl(value: Raw): string | null {
  if (typeof value !== 'string') return null;
  if (value === '' || /^postgres(ql)?:\/\//.test(value)) return value;
  return null;
}

/** Every configuration key. docs/configuration.md documents each one (a test checks). */
export const configKeys: { [K in keyof Config]: KeySpec<K> } = {
  // The default is chosen by loadSettings (data-folder.ts): it depends on the platform and the current folder.
  dataDir: { env: 'CAMTROVE_DATA', default: '', shownDefault: '(this user\'s data folder: `$XDG_DATA_HOME/camtrove`, i.e. `~/.local/share/camtrove` on Linux)', description: 'Data folder: the SQLite database and the blob store (`--data DIR`). Without one, a `camtrove-data` folder in the current folder (where earlier versions kept the library) is used, with a notice, when it exists. `camtrove status` says which folder is in use and why.', parse: (v) => (typeof v === 'string' && v.trim() !== '' ? v : null), expected: 'a folder path' },
  databaseUrl: { env: 'CAMTROVE_DATABASE_URL', default: '', shownDefault: '(SQLite in the data folder)', description: 'Metadata database. Empty: SQLite at `<data>/camtrove.db`. `postgres://user@host:5432/db`: PostgreSQL.', parse: parseDatabaseUrl, expected: 'empty or a postgres:// URL' },
  storage: { env: 'CAMTROVE_STORAGE', default: { kind: 'local' }, shownDefault: '(the `blobs` folder of the data folder)', description: 'Where file contents (blobs) are stored. Empty: `<data>/blobs`. `s3://bucket/prefix`: an S3-compatible object store (AWS S3, MinIO, Ceph, Garage), reached with the standard AWS settings: `AWS_ENDPOINT_URL` for a store other than AWS, `AWS_REGION`, and the usual credentials chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, an instance role). `camtrove storage migrate --to s3://…` moves an existing library there.', parse: (v) => (typeof v === 'string' ? parseStorageLocation(v) : null), expected: 'empty or s3://bucket/prefix' },
  s3ForcePathStyle: { env: 'CAMTROVE_S3_FORCE_PATH_STYLE', default: false, description: 'Address buckets as `endpoint/bucket/key` instead of `bucket.endpoint/key`. Automatic when `AWS_ENDPOINT_URL` is an IP address or `localhost`; set true for other stores that need it (most MinIO setups).', parse: parseBoolean, expected: 'true or false' },
  storageCacheBytes: { env: 'CAMTROVE_STORAGE_CACHE_SIZE', default: 10 * 2 ** 30, shownDefault: '10GiB', description: 'With S3 storage: the most disk the local copies handed to ffmpeg may use (in `<data>/cache`); the least recently used copies not in use are deleted beyond it.', parse: (v) => (typeof v === 'boolean' ? null : parseByteSize(v)), expected: 'a size such as 500MB or 10GiB' },
  queue: { env: 'CAMTROVE_QUEUE', default: { kind: 'database' }, shownDefault: '(the metadata database)', description: 'Where jobs wait for workers. Empty: the metadata database (SQLite or PostgreSQL). `redis://host:6379` (or `rediss://`, with `user:password@` and a database number as needed): BullMQ on Redis, for many workers on several hosts. That Redis must keep every key (`maxmemory-policy noeviction`) and should persist (`appendonly yes`).', parse: (v) => (typeof v === 'string' ? parseQueueLocation(v) : null), expected: 'empty or a redis:// URL' },
  globalConcurrency: { env: 'CAMTROVE_GLOBAL_CONCURRENCY', default: {}, shownDefault: '(no cap)', description: 'With the Redis queue: the most analyses of a kind running at once across all workers, as `name=n` pairs, e.g. `transcode=4,segment=16` (each worker still runs at most its `concurrency`). For work that shares something scarce: a GPU pool, a licence, a remote service.', parse: parseGlobalConcurrency, expected: 'name=number pairs such as transcode=4,segment=16' },
  host: { env: 'CAMTROVE_HOST', default: '127.0.0.1', description: 'Address `camtrove serve` listens on (`--host`). A non-loopback address needs an API token first.', parse: text, expected: 'an IP address or host name' },
  port: { env: 'CAMTROVE_PORT', default: 8080, description: 'TCP port of `camtrove serve` (`--port`); 0 picks a free one (the log says which).', parse: intBetween(0, 65535), expected: 'a port number 0-65535' },
  maxUploadBytes: { env: 'CAMTROVE_MAX_UPLOAD_BYTES', default: 10 * 2 ** 30, shownDefault: '10GiB', description: 'Largest upload accepted by `POST /api/files` (413 beyond). Bytes or a size like `500MB`, `10GiB`.', parse: (v) => (typeof v === 'boolean' ? null : parseByteSize(v)), expected: 'a size such as 500MB or 10GiB' },
  uploadStallTimeoutMs: { env: 'CAMTROVE_UPLOAD_STALL_TIMEOUT', default: 60_000, shownDefault: '60s', description: 'A request body (an upload, a JSON body) that delivers no bytes for this long, while the server waits for them, is abandoned with 408 and nothing is stored.', parse: duration(100), expected: 'a duration of at least 100ms' },
  workers: { env: 'CAMTROVE_WORKERS', default: true, description: 'Whether `camtrove serve` also runs analyses in-process. Set false when separate `camtrove worker` processes do the work.', parse: parseBoolean, expected: 'true or false' },
  concurrency: { env: 'CAMTROVE_CONCURRENCY', default: { default: 2, byAnalysis: {} }, shownDefault: '2', description: 'Analyses run at once per worker process, per analysis: a default, then `name=n` overrides, e.g. `2,transcode=1,sleep=16`; `prepare-asset=n` sets how many labeling assets are prepared at once.', parse: parseConcurrency, expected: 'a number, optionally followed by name=number pairs' },
  maxAttempts: { env: 'CAMTROVE_MAX_ATTEMPTS', default: 3, description: 'Times an analysis is tried before it fails (errors that cannot succeed on retry fail at once).', parse: positiveInt(100), expected: 'an integer 1-100' },
  retryBaseMs: { env: 'CAMTROVE_RETRY_BASE', default: 2000, shownDefault: '2s', description: 'First retry delay; each further retry doubles it (with jitter).', parse: duration(0), expected: 'a duration such as 500ms, 2s, 1m' },
  retryMaxMs: { env: 'CAMTROVE_RETRY_MAX', default: 300_000, shownDefault: '5m', description: 'Longest retry delay.', parse: duration(0), expected: 'a duration' },
  leaseMs: { env: 'CAMTROVE_LEASE', default: 30_000, shownDefault: '30s', description: 'How long a worker owns a running analysis without a heartbeat; after that another worker runs it again. Continuous archiving renews its claims on cameras this often, and another worker takes over the cameras of one silent for three times as long.', parse: duration(1000), expected: 'a duration of at least 1s' },
  heartbeatMs: { env: 'CAMTROVE_HEARTBEAT', default: 2000, shownDefault: '2s', description: 'How often a worker renews its lease and checks for cancellation.', parse: duration(50), expected: 'a duration of at least 50ms' },
  pollMs: { env: 'CAMTROVE_POLL', default: 500, shownDefault: '500ms', description: 'How often an idle worker looks for new work enqueued by other processes.', parse: duration(10), expected: 'a duration of at least 10ms' },
  inputStallTimeoutMs: { env: 'CAMTROVE_INPUT_STALL_TIMEOUT', default: 60_000, shownDefault: '60s', description: 'Reading a video or stream is abandoned when it delivers nothing for this long (a hung network source or file system).', parse: duration(1000), expected: 'a duration of at least 1s' },
  analysisTimeoutMs: { env: 'CAMTROVE_ANALYSIS_TIMEOUT', default: 6 * 3_600_000, shownDefault: '6h', description: 'Longest time one attempt of an analysis may run before it is stopped.', parse: duration(1000), expected: 'a duration of at least 1s' },
  keepFinishedJobsMs: { env: 'CAMTROVE_KEEP_FINISHED_JOBS', default: 7 * 86_400_000, shownDefault: '7d', description: 'How long the queue keeps a completed or cancelled job before workers delete it (analyses, assets and exports keep their own records). Failed jobs stay until retried: `camtrove jobs failed` lists them.', parse: duration(60_000), expected: 'a duration of at least 1m, such as 12h or 30d' },
  ffmpeg: { env: 'CAMTROVE_FFMPEG', default: '', shownDefault: '(ffmpeg on PATH)', description: 'Path of the ffmpeg binary.', parse: text, expected: 'a path' },
  ffprobe: { env: 'CAMTROVE_FFPROBE', default: '', shownDefault: '(ffprobe on PATH)', description: 'Path of the ffprobe binary.', parse: text, expected: 'a path' },
  cameraNetworks: { env: 'CAMTROVE_CAMERA_NETWORKS', default: [], shownDefault: '(any address but link-local and cloud metadata ones)', description: 'Networks cameras may be fetched from: addresses and CIDR ranges, comma-separated, e.g. `10.0.0.0/8,192.168.0.0/16`. Checked on the address each connection goes to, after DNS and redirects, by archiving and by `camtrove segment <url>`. Link-local (169.254.0.0/16, fe80::/10) and cloud metadata addresses are refused unless a range here lies inside them.', parse: parseNetworks, expected: 'addresses and CIDR ranges such as 10.0.0.0/8,192.168.1.20' },
  archiveDiff: { env: 'CAMTROVE_ARCHIVE_DIFF', default: 1, description: 'Cameras archived continuously by `serve` and `worker` (those with an `archive_interval`) keep a frame when at least this % of its pixels changed since the last kept one; 0 keeps every frame.', parse: (v) => { const n = typeof v === 'boolean' ? NaN : Number(v); return String(v).trim() !== '' && n >= 0 && n <= 100 ? n : null; }, expected: 'a percentage from 0 to 100' },
  logLevel: { env: 'CAMTROVE_LOG_LEVEL', default: 'info', description: `Log level: ${LOG_LEVELS.join(', ')}.`, parse: (v) => (typeof v === 'string' && LOG_LEVELS.includes(v) ? v : null), expected: LOG_LEVELS.join(', ') },
};

export type ConfigSource = Partial<Record<keyof Config, Raw>>;

/**
 * Builds the frozen configuration from, in rising precedence: defaults, the config file, the
 * environment, command-line flags. Any bad value stops here with a message naming key and source.
 */
export function resolveConfig(sources: { file?: Record<string, unknown>; fileName?: string; env?: NodeJS.ProcessEnv; flags?: ConfigSource }): Readonly<Config> {
  const config = {} as Record<string, unknown>;
  const keys = Object.keys(configKeys) as (keyof Config)[];
  if (sources.file) {
    for (const name of Object.keys(sources.file)) {
      if (!keys.includes(name as keyof Config)) {
        throw new CamtroveError('CAMTROVE_ERR_CONFIG', `unknown key "${name}" in config file ${sources.fileName ?? ''}; known keys: ${keys.join(', ')}`.replace('  ', ' '));
      }
    }
  }
  for (const key of keys) {
    const spec = configKeys[key] as KeySpec<typeof key>;
    const candidates: [string, unknown][] = [
      [`--${key} flag`, sources.flags?.[key]],
      [`environment variable ${spec.env}`, sources.env?.[spec.env]],
      [`key "${key}" in config file ${sources.fileName ?? ''}`.trim(), sources.file?.[key]],
    ];
    const found = candidates.find(([, value]) => value !== undefined);
    if (!found) {
      config[key] = spec.default;
      continue;
    }
    const [where, value] = found;
    const parsed = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? spec.parse(value) : null;
    if (parsed === null) {
      // The value may be a URL with a password in it (a database URL of the wrong scheme).
      throw new CamtroveError('CAMTROVE_ERR_CONFIG', `${where} is ${JSON.stringify(typeof value === 'string' ? redactUrl(value) : value)}; expected ${spec.expected}`);
    }
    config[key] = parsed;
  }
  return Object.freeze(config as unknown as Config);
}
