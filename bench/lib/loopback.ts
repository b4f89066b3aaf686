import { Redis } from 'ioredis';
import pg from 'pg';

/** Hides the password of a URL, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

function loopbackHost(url: string, variable: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return `${variable} is not a URL`;
  }
  return host === '127.0.0.1' ? null : `benchmarks only target 127.0.0.1, not ${host}`;
}

/** Why PostgreSQL at `url` cannot be used, or null when it answers. Refuses anything but loopback. */
export async function postgresUnreachable(url: string, variable = 'BENCH_POSTGRES_URL'): Promise<string | null> {
  const refused = loopbackHost(url, variable);
  if (refused) return refused;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `cannot reach ${redact(url)} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why Redis at `url` cannot be used, or null when it answers PING. Refuses anything but loopback. */
export async function redisUnreachable(url: string, variable = 'BENCH_REDIS_URL'): Promise<string | null> {
  const refused = loopbackHost(url, variable);
  if (refused) return refused;
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 3000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG' ? null : `${redact(url)} did not answer PING`;
  } catch (error) {
    return `cannot reach ${redact(url)} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    redis.disconnect();
  }
}

/** Runs `count` calls, at most `width` at once; their results in order. */
export async function inParallel<T>(count: number, width: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}

/** A whole number from an environment variable within [min, max], or the default. */
export function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number ${min}-${max}, not ${JSON.stringify(raw)}`);
  return n;
}
