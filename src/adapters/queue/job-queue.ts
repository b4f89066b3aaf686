import type { BackoffPolicy } from '../../domain/backoff.js';
import type { Page } from '../db/pagination.js';
import type { CamtroveError } from '../../domain/errors.js';

export type JobState = 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  name: string;
  payload: unknown;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
}

/** A job that failed for good: its last error says why. */
export interface FailedJob extends JobRecord {
  createdAt: number;
  finishedAt: number;
}

export interface EnqueueInput {
  /** Callers may choose the id (an analysis uses its own id); enqueueing an existing id is a no-op. */
  id: string;
  name: string;
  payload: unknown;
  maxAttempts: number;
}

/** A job handed to a handler. `signal` aborts on cancellation, lease loss, timeout or shutdown. */
export interface RunningJob {
  id: string;
  name: string;
  payload: unknown;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
  signal: AbortSignal;
}

export interface WorkerOptions {
  /** Job names this worker takes, each with how many it runs at once. */
  concurrency: Readonly<Record<string, number>>;
  /** Runs one job; throw to fail it. A CamtroveError that is not retryable skips the remaining attempts. */
  handle: (job: RunningJob) => Promise<void>;
  /** Called once when the queue gives up on a job: a final error, or its worker lost as often as attempts allow. */
  onFailed: (job: RunningJob, error: CamtroveError) => Promise<void>;
  /** Called when a failed attempt will be retried after `delayMs`. */
  onRetry?: (job: RunningJob, error: CamtroveError, delayMs: number) => Promise<void>;
  leaseMs: number;
  heartbeatMs: number;
  pollMs: number;
  timeoutMs: number;
  backoff: BackoffPolicy;
  onError?: (error: unknown) => void;
}

export interface QueueWorker {
  /** Jobs running in this worker now. */
  readonly active: number;
  /** Stops taking jobs; running jobs are stopped and handed back to the queue without using an attempt. */
  close(): Promise<void>;
}

/**
 * A durable job queue. The default implementation lives in the metadata database; a BullMQ/Redis
 * one satisfies the same contract (test/queue/job-queue.contract.ts).
 */
export interface JobQueue {
  enqueue(input: EnqueueInput): Promise<void>;
  get(id: string): Promise<JobRecord | null>;
  /** Cancels a waiting job at once or asks its worker to stop a running one. False when already finished. */
  cancel(id: string): Promise<boolean>;
  startWorker(options: WorkerOptions): QueueWorker;
  /**
   * Deletes up to `limit` completed and cancelled jobs that finished before `finishedBefore` (epoch
   * ms), returning how many. Failed jobs stay, to be listed and retried.
   */
  prune(finishedBefore: number, limit: number): Promise<number>;
  /** Failed jobs, newest first. */
  failed(options: { limit: number; after?: string | null }): Promise<Page<FailedJob>>;
  /** Puts a failed job back in the queue with all its attempts again; false when it is not failed. */
  retry(id: string): Promise<boolean>;
}

/** Thrown into a handler's signal when its job is cancelled. */
export class JobCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelledError';
  }
}
