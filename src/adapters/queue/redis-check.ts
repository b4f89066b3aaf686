import type { Redis } from 'ioredis';
import { CamtroveError } from '../../domain/errors.js';

/**
 * Checks that a Redis can hold a durable queue. Refuses one that may evict keys (jobs would vanish
 * under memory pressure); returns warnings for one that does not persist every write.
 */
export async function checkRedis(redis: Redis): Promise<string[]> {
  const policy = await configValue(redis, 'maxmemory-policy');
  if (policy !== null && policy !== 'noeviction') {
    throw new CamtroveError(
      'CAMTROVE_ERR_CONFIG',
      `the Redis of CAMTROVE_QUEUE has maxmemory-policy ${policy}: it may delete queued jobs when memory runs short. ` +
        'Run `redis-cli CONFIG SET maxmemory-policy noeviction` and set `maxmemory-policy noeviction` in redis.conf.',
    );
  }
  const warnings: string[] = [];
  if ((await configValue(redis, 'appendonly')) === 'no') {
    warnings.push('the Redis of CAMTROVE_QUEUE has appendonly no: queued jobs are lost if Redis restarts. Set `appendonly yes` in redis.conf (and `redis-cli CONFIG SET appendonly yes`).');
  }
  return warnings;
}

/** A CONFIG GET answer, or null where CONFIG is not allowed (managed Redis services rename it). */
async function configValue(redis: Redis, name: string): Promise<string | null> {
  try {
    const answer = await redis.config('GET', name);
    return answer[1] ?? null;
  } catch {
    return null;
  }
}
