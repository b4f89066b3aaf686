import { Job, Queue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { decodeCursor, toPage, type Page } from '../db/pagination.js';
import { CANCEL_FIELD, CANCEL_SCRIPT, CANCELLED_RESULT, fromBullId, isCancelledResult, ownKeys, toBullId } from './bull-keys.js';
import { BullQueueWorker, type BullJobData } from './bull.worker.js';
import type { EnqueueInput, FailedJob, JobQueue, JobRecord, JobState, QueueWorker, WorkerOptions } from './job-queue.js';
import { checkRedis } from './redis-check.js';
import { connectRedis, createRedis } from './redis-connection.js';

/** The connection with CANCEL_SCRIPT defined on it (ioredis sends it by its hash after the first time). */
type RedisWithCancel = Redis & { camtroveCancel(...args: string[]): Promise<number> };

export interface BullJobQueueOptions {
  /** redis://[user:password@]host[:port][/db] or rediss://… */
  url: string;
  /** Namespace of every key; several libraries (or tests) can share one Redis with different prefixes. */
  prefix?: string;
  /** Job name → how many such jobs may run at once across all workers of all hosts. */
  globalConcurrency?: Readonly<Record<string, number>>;
  /** Extra ioredis options for every connection this queue and its workers open. */
  redisOptions?: RedisOptions;
  /** Connection errors after the first connection (reconnects follow on their own). */
  onError?: (error: unknown) => void;
}

/**
 * The JobQueue on BullMQ and Redis: one BullMQ queue per job name, the job's BullMQ id derived from
 * ours. Cancelled jobs stay among BullMQ's completed jobs with a marker as their result, so they are
 * reported, and pruned, like completed ones.
 */
export class BullJobQueue implements JobQueue {
  private readonly queues = new Map<string, Queue>();
  private readonly localCancels = new Map<string, () => void>();
  private readonly keys: ReturnType<typeof ownKeys>;
  private readonly prefix: string;

  private constructor(
    private readonly redis: Redis,
    private readonly options: BullJobQueueOptions,
    /** What the start-up check found worth a warning (Redis not persisting). */
    readonly warnings: string[],
  ) {
    this.prefix = options.prefix ?? 'camtrove';
    this.keys = ownKeys(this.prefix);
    redis.defineCommand('camtroveCancel', { numberOfKeys: 7, lua: CANCEL_SCRIPT });
  }

  /** Connects (bounded), checks the Redis is fit to hold jobs, and sets the global caps. */
  static async open(options: BullJobQueueOptions): Promise<BullJobQueue> {
    const redis = await connectRedis(options.url, { redisOptions: options.redisOptions, onError: options.onError });
    try {
      const warnings = await checkRedis(redis);
      const queue = new BullJobQueue(redis, options, warnings);
      for (const [name, limit] of Object.entries(options.globalConcurrency ?? {})) await queue.queue(name).setGlobalConcurrency(limit);
      return queue;
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }

  async enqueue(input: EnqueueInput): Promise<void> {
    // The first name recorded for an id stays: an id queued again under another name is a no-op too.
    await this.redis.multi().hsetnx(this.keys.names, input.id, input.name).sadd(this.keys.queues, input.name).exec();
    if ((await this.redis.hget(this.keys.names, input.id)) !== input.name) return;
    const data: BullJobData = { payload: input.payload, maxAttempts: input.maxAttempts };
    // BullMQ adds nothing when a job with this id exists, waiting or finished.
    await this.queue(input.name).add(input.name, data, { jobId: toBullId(input.id), attempts: input.maxAttempts });
  }

  async get(id: string): Promise<JobRecord | null> {
    const found = await this.find(id);
    if (!found) return null;
    return toRecord(found.job, await found.job.getState());
  }

  async cancel(id: string): Promise<boolean> {
    const name = await this.redis.hget(this.keys.names, id);
    if (name === null) return false;
    const queue = this.queue(name);
    const bullId = toBullId(id);
    const keys = ['', 'wait', 'paused', 'delayed', 'prioritized', 'completed', 'failed'].map((type) => (type === '' ? queue.toKey(bullId) : queue.toKey(type)));
    const outcome = await (this.redis as RedisWithCancel).camtroveCancel(...keys, bullId, String(Date.now()), JSON.stringify(CANCELLED_RESULT), CANCEL_FIELD);
    if (outcome === 2) {
      // Running: stopped at once here, or by the worker of another process that hears the channel.
      this.localCancels.get(id)?.();
      await this.redis.publish(this.keys.cancels, id);
    }
    return outcome !== 0;
  }

  startWorker(options: WorkerOptions): QueueWorker {
    const connect = (maxRetriesPerRequest: number | null) => createRedis(this.options.url, { redisOptions: this.options.redisOptions, maxRetriesPerRequest, onError: options.onError });
    return new BullQueueWorker(
      { connection: connect(null), subscriber: connect(null), cancelChannel: this.keys.cancels, prefix: this.prefix, localCancels: this.localCancels },
      options,
    );
  }

  async prune(finishedBefore: number, limit: number): Promise<number> {
    let deleted = 0;
    for (const name of await this.names()) {
      if (deleted >= limit) break;
      // clean() takes an age; a time ahead of now is a negative one, which it accepts.
      const ids = await this.queue(name).clean(Date.now() - finishedBefore, limit - deleted, 'completed');
      if (ids.length > 0) await this.redis.hdel(this.keys.names, ...ids.map(fromBullId));
      deleted += ids.length;
    }
    return deleted;
  }

  async failed(options: { limit: number; after?: string | null }): Promise<Page<FailedJob>> {
    const cursor = decodeCursor(options.after);
    const all: FailedJob[] = [];
    for (const name of await this.names()) {
      for (const job of await this.queue(name).getFailed(0, -1)) {
        const record = toRecord(job, 'failed');
        all.push({ ...record, createdAt: job.timestamp, finishedAt: job.finishedOn ?? job.timestamp });
      }
    }
    const newestFirst = all.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const after = cursor ? newestFirst.filter((j) => j.createdAt < cursor.time || (j.createdAt === cursor.time && j.id < cursor.id)) : newestFirst;
    return toPage(after.slice(0, options.limit + 1), options.limit);
  }

  async retry(id: string): Promise<boolean> {
    const found = await this.find(id);
    if (!found || (await found.job.getState()) !== 'failed') return false;
    await this.redis.hdel(found.queue.toKey(toBullId(id)), CANCEL_FIELD);
    try {
      await found.job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    } catch {
      return false; // retried or removed meanwhile
    }
  }

  /** Closes the queue's connections (workers close on their own). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.redis.disconnect();
  }

  private async find(id: string): Promise<{ queue: Queue; job: Job } | null> {
    const name = await this.redis.hget(this.keys.names, id);
    if (name === null) return null;
    const queue = this.queue(name);
    // Null too when Redis no longer has the job (lost, or pruned): reconciliation queues it again.
    const job = await Job.fromId(queue, toBullId(id));
    return job ? { queue, job } : null;
  }

  private async names(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.queues)).sort();
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.prefix });
      queue.on('error', (error) => this.options.onError?.(error));
      this.queues.set(name, queue);
    }
    return queue;
  }
}

function toRecord(job: Job, bullState: string): JobRecord {
  const data = job.data as BullJobData;
  return {
    id: fromBullId(job.id ?? ''),
    name: job.name,
    payload: data.payload,
    state: toState(bullState, job),
    attempts: job.attemptsStarted,
    maxAttempts: data.maxAttempts,
    lastError: job.failedReason ? job.failedReason : null,
  };
}

function toState(bullState: string, job: Job): JobState {
  switch (bullState) {
    case 'active':
      return 'active';
    case 'completed':
      return isCancelledResult(job.returnvalue) ? 'cancelled' : 'completed';
    case 'failed':
      return 'failed';
    default:
      return 'waiting'; // waiting, delayed (a retry's backoff), prioritized, or between two of them
  }
}
