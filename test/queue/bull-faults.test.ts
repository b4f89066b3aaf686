import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { BullJobQueue, type BullJobQueueOptions } from '../../src/adapters/queue/bull.job-queue.js';
import { CANCEL_FIELD, toBullId } from '../../src/adapters/queue/bull-keys.js';
import { JobCancelledError, type JobQueue, type JobState, type RunningJob, type WorkerOptions } from '../../src/adapters/queue/job-queue.js';
import { CamtroveError } from '../../src/domain/errors.js';
import { waitUntil } from '../helpers/cli.js';
import { deleteKeys, severableLink, startOwnRedis, uniquePrefix, type OwnRedis, type SeverableLink } from '../helpers/redis-server.js';

/** Short timings, as in the contract: a lost lease shows within a second. */
const timing = { pollMs: 20, heartbeatMs: 50, leaseMs: 600, timeoutMs: 10_000, backoff: { baseMs: 20, maxMs: 200 } } as const;

interface Recorder {
  failed: { job: RunningJob; error: CamtroveError }[];
  retries: number;
  errors: unknown[];
}

describe('BullJobQueue: Redis and worker faults', () => {
  let redis: OwnRedis;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    redis = await startOwnRedis();
  });

  after(async () => {
    await redis.stop();
  });

  /** A queue on the test's own Redis under a fresh prefix; everything opened here closes when the test ends. */
  async function openQueue(prefix: string, options: Partial<BullJobQueueOptions> = {}): Promise<BullJobQueue> {
    const queue = await BullJobQueue.open({ url: redis.url, prefix, ...options });
    cleanups.push(() => queue.close());
    return queue;
  }

  /** Another process's client: its own relay to Redis, which `sever()` cuts. */
  async function openClient(prefix: string, options: Partial<BullJobQueueOptions> = {}): Promise<{ queue: BullJobQueue; link: SeverableLink }> {
    const link = await severableLink(redis.port);
    cleanups.push(() => link.close());
    const queue = await openQueue(prefix, { ...options, url: link.url, redisOptions: link.redisOptions });
    return { queue, link };
  }

  function startWorker(queue: JobQueue, spec: Partial<WorkerOptions> & Pick<WorkerOptions, 'concurrency' | 'handle'>): Recorder {
    const recorder: Recorder = { failed: [], retries: 0, errors: [] };
    const worker = queue.startWorker({
      ...timing,
      ...spec,
      onFailed: async (job, error) => void recorder.failed.push({ job, error }),
      onRetry: async () => void (recorder.retries += 1),
      onError: (error) => void recorder.errors.push(error),
    });
    // Workers close before the queues' connections do.
    cleanups.unshift(() => worker.close());
    return recorder;
  }

  async function cleanUp(prefix: string): Promise<void> {
    const pending = cleanups.splice(0);
    for (const cleanup of pending) await cleanup().catch(() => undefined);
    await deleteKeys(redis.url, prefix);
  }

  async function scenario(body: (prefix: string) => Promise<void>): Promise<void> {
    const prefix = uniquePrefix();
    try {
      await body(prefix);
    } finally {
      await cleanUp(prefix);
    }
  }

  it('loses no job when Redis is killed with SIGKILL and restarted: every queued job completes', () =>
    scenario(async (prefix) => {
      const queue = await openQueue(prefix);
      const ids = Array.from({ length: 30 }, jobId);
      for (const id of ids) await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      const done = new Set<string>();
      startWorker(queue, {
        concurrency: { alpha: 2 },
        handle: async (job) => {
          await sleep(20);
          done.add(job.id);
        },
      });
      await waitUntil('a few jobs to complete', () => done.size >= 5, 10_000, 5);
      await redis.kill();
      await sleep(300);
      await redis.restart();
      for (const id of ids) await waitForState(queue, id, 'completed', 20_000);
      assert.equal(done.size, ids.length);
    }));

  it('runs a job again, once, when the client running it crashes, and it completes', () =>
    scenario(async (prefix) => {
      const queue = await openQueue(prefix);
      const doomed = await openClient(prefix);
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: { clip: 7 }, maxAttempts: 3 });
      const runs: string[] = [];
      startWorker(doomed.queue, {
        concurrency: { alpha: 1 },
        handle: async (job) => {
          runs.push(`doomed#${job.attempt}`);
          await new Promise((resolve) => job.signal.addEventListener('abort', resolve));
        },
      });
      await waitUntil('the doomed client to take the job', () => runs.length === 1, 10_000, 5);
      await doomed.link.sever();
      const survivor = startWorker(queue, { concurrency: { alpha: 1 }, handle: async (job) => void runs.push(`survivor#${job.attempt}`) });
      await waitForState(queue, id, 'completed', 10_000);
      await sleep(timing.leaseMs * 2);
      assert.deepEqual(runs, ['doomed#1', 'survivor#2']);
      assert.deepEqual(pick(await queue.get(id)), { state: 'completed', attempts: 2 });
      assert.deepEqual([survivor.failed.length, survivor.retries, survivor.errors], [0, 0, []]);
    }));

  it('never completes a job twice across two clients with a short lease', () =>
    scenario(async (prefix) => {
      const queue = await openQueue(prefix);
      const other = await openClient(prefix);
      const ids = Array.from({ length: 60 }, jobId);
      for (const id of ids) await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      const completions = new Map<string, number>();
      const handle = async (job: RunningJob) => {
        await sleep(Math.floor(Math.random() * 30));
        completions.set(job.id, (completions.get(job.id) ?? 0) + 1);
      };
      const short = { leaseMs: 300, heartbeatMs: 30 };
      const workers = [startWorker(queue, { ...short, concurrency: { alpha: 3 }, handle }), startWorker(other.queue, { ...short, concurrency: { alpha: 3 }, handle })];
      for (const id of ids) await waitForState(queue, id, 'completed', 20_000);
      await sleep(short.leaseMs * 2);
      assert.deepEqual([...completions.values()].filter((n) => n !== 1), [], 'jobs completed more than once');
      assert.equal(completions.size, ids.length);
      assert.deepEqual(workers.flatMap((w) => [...w.failed, ...w.errors]), []);
    }));

  it('fails a poison job after maxAttempts with its error, calling onFailed once across two clients', () =>
    scenario(async (prefix) => {
      const queue = await openQueue(prefix);
      const other = await openClient(prefix);
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      const attempts: number[] = [];
      const handle = async (job: RunningJob) => {
        attempts.push(job.attempt);
        throw new Error(`poison ${job.attempt}`);
      };
      const workers = [startWorker(queue, { concurrency: { alpha: 1 }, handle }), startWorker(other.queue, { concurrency: { alpha: 1 }, handle })];
      await waitForState(queue, id, 'failed', 10_000);
      await sleep(timing.leaseMs);
      assert.deepEqual(attempts.sort(), [1, 2, 3]);
      const failed = workers.flatMap((w) => w.failed);
      assert.deepEqual(failed.map((f) => [f.job.id, f.job.attempt, f.error.code, f.error.message]), [[id, 3, 'CAMTROVE_ERR_INTERNAL', 'poison 3']]);
      const record = await queue.get(id);
      assert.deepEqual([record?.state, record?.attempts, record?.lastError], ['failed', 3, 'poison 3']);
      assert.deepEqual((await queue.failed({ limit: 10 })).items.map((j) => j.id), [id]);
    }));

  it('stops a running job whose cancel was asked for while its worker missed the message', () =>
    scenario(async (prefix) => {
      const queue = await openQueue(prefix);
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      let reason: unknown = null;
      const w = startWorker(queue, {
        concurrency: { alpha: 1 },
        handle: async (job) => {
          await new Promise((resolve) => job.signal.addEventListener('abort', resolve));
          reason = job.signal.reason;
        },
      });
      await waitForState(queue, id, 'active', 10_000);
      // The flag cancel() sets, without the message it publishes (as if sent while the subscriber reconnected).
      const admin = new Redis(redis.url);
      await admin.hset(`${prefix}:alpha:${toBullId(id)}`, CANCEL_FIELD, '1');
      admin.disconnect();
      await waitForState(queue, id, 'cancelled', 5_000);
      assert.ok(reason instanceof JobCancelledError);
      assert.deepEqual([w.failed.length, w.retries, w.errors], [0, 0, []]);
    }));

  it('answers null for a job Redis no longer has, so reconciliation queues its work again', () =>
    scenario(async (prefix) => {
      const queue = await openQueue(prefix);
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      assert.equal((await queue.get(id))?.state, 'waiting');
      // What a Redis restarted without its data, or an operator's DEL, leaves: the job's hash gone.
      const admin = new Redis(redis.url);
      await admin.del(`${prefix}:alpha:${toBullId(id)}`);
      admin.disconnect();
      assert.equal(await queue.get(id), null);
      assert.equal(await queue.cancel(id), false);
    }));

  it('refuses a Redis that may evict keys, naming the fix, and warns about one that does not persist', async () => {
    const admin = new Redis(redis.url);
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await assert.rejects(
        () => openQueue(uniquePrefix()),
        (error: unknown) => error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_CONFIG' && /allkeys-lru/.test(error.message) && /CONFIG SET maxmemory-policy noeviction/.test(error.message) && /redis\.conf/.test(error.message),
      );
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      assert.deepEqual((await openQueue(uniquePrefix())).warnings, [], 'a Redis with AOF on is fine');

      await admin.config('SET', 'appendonly', 'no');
      const queue = await openQueue(uniquePrefix());
      assert.equal(queue.warnings.length, 1);
      assert.match(queue.warnings[0] ?? '', /appendonly yes/);
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'appendonly', 'yes');
      admin.disconnect();
      for (const cleanup of cleanups.splice(0)) await cleanup();
    }
  });

  it('names the Redis it cannot reach, without its password, and does not hang', async () => {
    const link = await severableLink(redis.port);
    await link.sever(); // a port nothing listens on any more
    const url = link.url.replace('redis://', 'redis://user:hunter2@');
    const started = Date.now();
    await assert.rejects(
      () => BullJobQueue.open({ url, prefix: uniquePrefix() }),
      (error: unknown) => error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_CONFIG' && error.message.includes('user:***@127.0.0.1') && !error.message.includes('hunter2'),
    );
    assert.ok(Date.now() - started < 6_000, 'gave up within the first connection bound');
  });

  it('never runs more jobs of a name at once than its global cap, across two clients', () =>
    scenario(async (prefix) => {
      const globalConcurrency = { alpha: 2 };
      const queue = await openQueue(prefix, { globalConcurrency });
      const other = await openClient(prefix, { globalConcurrency });
      const ids = Array.from({ length: 12 }, jobId);
      for (const id of ids) await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 1 });
      let running = 0;
      let peak = 0;
      const handle = async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(60);
        running -= 1;
      };
      startWorker(queue, { concurrency: { alpha: 3 }, handle });
      startWorker(other.queue, { concurrency: { alpha: 3 }, handle });
      for (const id of ids) await waitForState(queue, id, 'completed', 10_000);
      assert.equal(peak, 2, `${peak} jobs ran at once`);
    }));
});

function jobId(): string {
  return randomBytes(8).toString('hex');
}

function pick(record: { state: JobState; attempts: number } | null): { state: JobState; attempts: number } | null {
  return record && { state: record.state, attempts: record.attempts };
}

async function waitForState(queue: JobQueue, id: string, state: JobState, ms: number): Promise<void> {
  // Reads fail while Redis is down; they are tried again until the deadline.
  await waitUntil(`job ${id} to be ${state}`, async () => (await queue.get(id).catch(() => null))?.state === state, ms, 20);
}
