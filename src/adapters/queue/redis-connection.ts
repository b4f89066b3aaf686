import { Redis, type RedisOptions } from 'ioredis';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';

/** How long the first connection may take before camtrove gives up with a clear error. */
const FIRST_CONNECT_MS = 5_000;

/** Reconnects after a dropped connection back off up to this (ioredis retries for ever otherwise too). */
const MAX_RECONNECT_DELAY_MS = 2_000;

export interface RedisConnectOptions {
  /** Extra ioredis options for every connection (a connection name; tests stop reconnects with a retryStrategy). */
  redisOptions?: RedisOptions;
  /** Null: commands wait while Redis is away, as BullMQ workers need; a number fails them after that many reconnects. */
  maxRetriesPerRequest?: number | null;
  onError?: (error: unknown) => void;
}

/**
 * A connection to the Redis of `url` that reconnects after drops; its first connection is bounded,
 * so a Redis that cannot be reached is an error naming the (redacted) URL, not a hang.
 */
export async function connectRedis(url: string, options: RedisConnectOptions = {}): Promise<Redis> {
  let connectedOnce = false;
  let firstError: unknown = null;
  const client = createRedis(url, {
    ...options,
    redisOptions: { lazyConnect: true, retryStrategy: (times) => (connectedOnce ? reconnectDelay(times) : null), ...options.redisOptions },
    onError: (error) => {
      if (!connectedOnce) firstError = error;
      else options.onError?.(error);
    },
  });
  try {
    await withTimeout(client.connect(), FIRST_CONNECT_MS);
    connectedOnce = true;
  } catch (error) {
    client.disconnect();
    const reason = firstError instanceof Error ? firstError.message : error instanceof Error ? error.message : String(error);
    throw new CamtroveError('CAMTROVE_ERR_CONFIG', `cannot reach the Redis of CAMTROVE_QUEUE (${redactUrl(url)}): ${reason}. Start it, or fix the host and port in the URL.`, { cause: error });
  }
  return client;
}

/** A connection that connects in the background and reconnects after drops. */
export function createRedis(url: string, options: RedisConnectOptions = {}): Redis {
  const client = new Redis(url, {
    connectTimeout: FIRST_CONNECT_MS,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 20 : options.maxRetriesPerRequest,
    retryStrategy: reconnectDelay,
    ...options.redisOptions,
  });
  // Without a listener, an 'error' event would end the process.
  client.on('error', (error: unknown) => options.onError?.(error));
  return client;
}

function reconnectDelay(times: number): number {
  return Math.min(times * 100, MAX_RECONNECT_DELAY_MS);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
