import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { retryDelayMs } from '../../domain/backoff.js';
import { formatDurationMs } from '../../domain/duration.js';
import { CamtroveError, toCamtroveError } from '../../domain/errors.js';
import { CANCEL_FIELD, CANCELLED_RESULT, fromBullId } from './bull-keys.js';
import { JobCancelledError, type QueueWorker, type RunningJob, type WorkerOptions } from './job-queue.js';

/**
 * Stalls a job may go through before BullMQ fails it on its own. Camtrove counts them itself, against
 * each job's maxAttempts (a lost attempt is an attempt), so BullMQ's limit is set out of reach.
 */
const BULL_STALL_LIMIT = 1_000_000;

export interface BullWorkerContext {
  /** This worker's own connection (BullMQ adds a blocking one per job name), closed with it. */
  connection: Redis;
  /** Subscribed to the cancel channel; closed with the worker. */
  subscriber: Redis;
  cancelChannel: string;
  prefix: string;
  /** Job id → stop it, for cancels asked for in this process. */
  localCancels: Map<string, () => void>;
}

interface Running {
  job: RunningJob;
  /** Its BullMQ hash, which holds the cancel flag. */
  jobKey: string;
  controller: AbortController;
}

/** The data camtrove stores in a BullMQ job. */
export interface BullJobData {
  payload: unknown;
  maxAttempts: number;
}

/**
 * One BullMQ Worker per job name, each running up to its concurrency. Camtrove decides every outcome
 * itself (retry, fail, cancel, hand back) and moves the job with the lock token; the processor then
 * throws BullMQ's DelayedError, which tells BullMQ the job was moved already.
 */
export class BullQueueWorker implements QueueWorker {
  private readonly running = new Map<string, Running>();
  private readonly workers: Worker[] = [];
  private closing: Promise<void> | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly context: BullWorkerContext,
    private readonly options: WorkerOptions,
  ) {
    for (const [name, concurrency] of Object.entries(options.concurrency)) {
      if (concurrency <= 0) continue;
      const worker = new Worker(name, (job: Job, token?: string) => this.process(job, token ?? ''), {
        connection: context.connection,
        prefix: context.prefix,
        concurrency,
        lockDuration: options.leaseMs,
        // Never slower than half a lease: a late renewal would let another worker take the job.
        lockRenewTime: Math.min(options.heartbeatMs, options.leaseMs / 2),
        stalledInterval: Math.max(Math.round(options.leaseMs / 2), 10),
        maxStalledCount: BULL_STALL_LIMIT,
      });
      worker.on('lockRenewalFailed', (ids) => {
        for (const id of ids) this.running.get(fromBullId(id))?.controller.abort(new Stop('lease lost'));
      });
      worker.on('error', (error) => {
        if (!isLostLock(error)) this.options.onError?.(error);
      });
      this.workers.push(worker);
    }
    context.subscriber.on('message', (channel: string, id: string) => {
      if (channel === context.cancelChannel) this.running.get(id)?.controller.abort(new JobCancelledError());
    });
    void context.subscriber.subscribe(context.cancelChannel).catch((error: unknown) => this.options.onError?.(error));
    this.heartbeat = setInterval(() => void this.checkCancels(), options.heartbeatMs);
  }

  get active(): number {
    return this.running.size;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Closing first stops the fetching; the jobs running are then stopped and handed back.
    clearInterval(this.heartbeat);
    const closed = this.workers.map((w) => w.close());
    for (const run of this.running.values()) run.controller.abort(new Stop('shutdown'));
    const results = await Promise.allSettled(closed);
    for (const result of results) if (result.status === 'rejected') this.options.onError?.(result.reason);
    this.context.subscriber.disconnect();
    this.context.connection.disconnect();
  }

  /**
   * Pub/sub delivers at most once (a cancel published while the subscriber reconnects is lost), so
   * each heartbeat also reads the cancel flags of the jobs running here; one read in flight at a time.
   */
  private async checkCancels(): Promise<void> {
    if (this.running.size === 0 || this.checking || this.closing) return;
    this.checking = true;
    try {
      const runs = [...this.running.values()];
      const pipeline = this.context.connection.pipeline();
      for (const run of runs) pipeline.hget(run.jobKey, CANCEL_FIELD);
      const answers = (await pipeline.exec()) ?? [];
      for (const [i, run] of runs.entries()) {
        if (answers[i]?.[1] != null) run.controller.abort(new JobCancelledError());
      }
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.checking = false;
    }
  }

  private async process(bullJob: Job, token: string): Promise<unknown> {
    const data = bullJob.data as BullJobData;
    const controller = new AbortController();
    const job: RunningJob = { id: fromBullId(bullJob.id ?? ''), name: bullJob.name, payload: data.payload, attempt: bullJob.attemptsStarted, maxAttempts: data.maxAttempts, signal: controller.signal };
    const jobKey = `${this.context.prefix}:${bullJob.queueName}:${bullJob.id ?? ''}`;
    if (this.closing) controller.abort(new Stop('shutdown'));
    this.running.set(job.id, { job, jobKey, controller });
    this.context.localCancels.set(job.id, () => controller.abort(new JobCancelledError()));
    const timeout = setTimeout(() => controller.abort(new Stop('timeout')), this.options.timeoutMs);
    try {
      const reason = await this.run(job, jobKey, controller);
      return await this.settle(bullJob, token, job, jobKey, reason);
    } finally {
      clearTimeout(timeout);
      this.context.localCancels.delete(job.id);
      this.running.delete(job.id);
    }
  }

  /** Runs the handler unless the job is to end before it starts; the reason it stopped, or null when it succeeded. */
  private async run(job: RunningJob, jobKey: string, controller: AbortController): Promise<unknown> {
    if (!controller.signal.aborted) {
      const cancelAsked = await this.context.connection.hget(jobKey, CANCEL_FIELD);
      if (cancelAsked !== null) return new NotStarted(new JobCancelledError());
      // Taken again after its worker was lost as often as its attempts allow.
      if (job.attempt > job.maxAttempts) return new NotStarted(new CamtroveError('CAMTROVE_ERR_WORKER_LOST', `the worker running this job stopped ${job.maxAttempts} time(s); giving up`));
    }
    if (controller.signal.aborted) return controller.signal.reason;
    try {
      await this.options.handle(job);
      return controller.signal.aborted ? controller.signal.reason : null;
    } catch (thrown) {
      return controller.signal.aborted ? controller.signal.reason : thrown;
    }
  }

  private async settle(bullJob: Job, token: string, job: RunningJob, jobKey: string, stopped: unknown): Promise<unknown> {
    if (stopped === null) return null; // BullMQ records it completed
    let reason: unknown = stopped;
    const stop = reason instanceof Stop ? reason.why : null;
    if (reason instanceof NotStarted || stop === 'shutdown') {
      // This start does not count as an attempt. The lock is still ours, so nobody reads the count meanwhile.
      await this.context.connection.hincrby(jobKey, 'ats', -1);
      job = { ...job, attempt: job.attempt - 1 };
      if (reason instanceof NotStarted) reason = reason.reason;
    }
    if (stop === 'shutdown') return this.moved(() => bullJob.moveToWait(token));
    if (stop === 'lease lost') throw new DelayedError(); // another worker owns it now
    if (reason instanceof JobCancelledError) return CANCELLED_RESULT;
    const error = stop === 'timeout'
      ? new CamtroveError('CAMTROVE_ERR_ANALYSIS_TIMEOUT', `stopped after running longer than ${formatDurationMs(this.options.timeoutMs)} (analysisTimeoutMs)`)
      : toCamtroveError(reason);
    if (error.retryable && job.attempt < job.maxAttempts) {
      // A cancel asked for while the attempt ran wins over retrying it.
      if ((await this.context.connection.hget(jobKey, CANCEL_FIELD)) !== null) return CANCELLED_RESULT;
      const delayMs = retryDelayMs(job.attempt, this.options.backoff);
      return this.moved(async () => {
        await this.context.connection.hset(jobKey, 'failedReason', error.message);
        await bullJob.moveToDelayed(Date.now() + delayMs, token);
        await this.options.onRetry?.(job, error, delayMs);
      });
    }
    return this.moved(async () => {
      await bullJob.moveToFailed(new UnrecoverableError(error.message), token, false);
      // Only the worker that moved it to failed gets here, once.
      await this.options.onFailed(job, error);
    });
  }

  /** Runs a move made with the lock token, then tells BullMQ the job was moved (it would otherwise record an outcome). */
  private async moved(move: () => Promise<unknown>): Promise<never> {
    try {
      await move();
    } catch (error) {
      if (!isLostLock(error)) this.options.onError?.(error);
    }
    throw new DelayedError();
  }
}

/**
 * A job whose lock this worker lost (renewal refused, an outcome refused): another worker owns it
 * now. Not reported, as the database queue does not report a lost lease.
 */
function isLostLock(error: unknown): boolean {
  return error instanceof Error && /^(could not renew lock for job|Missing lock for job|Lock mismatch for job)/.test(error.message);
}

/** A job ended before its handler ran: cancelled, or lost too often. */
class NotStarted {
  constructor(readonly reason: unknown) {}
}

/** Why the worker itself stopped a handler: shutting down (the job is handed back), its lock lost, or its time up. */
class Stop extends Error {
  constructor(readonly why: 'shutdown' | 'lease lost' | 'timeout') {
    super(`stopped: ${why}`);
  }
}
