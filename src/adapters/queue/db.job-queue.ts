import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { retryDelayMs } from '../../domain/backoff.js';
import { formatDurationMs } from '../../domain/duration.js';
import { CamtroveError, toCamtroveError } from '../../domain/errors.js';
import type { Clock } from '../clock.js';
import { isTransientConflict, type DialectName } from '../db/database.js';
import { decodeCursor, olderThan, toPage, type Page } from '../db/pagination.js';
import type { Database, JobsTable } from '../db/schema.js';
import { JobCancelledError, type EnqueueInput, type FailedJob, type JobQueue, type JobRecord, type JobState, type QueueWorker, type RunningJob, type WorkerOptions } from './job-queue.js';

/** Jobs enqueued in this process wake this process's idle workers at once (others poll). */
const wakeups = new EventEmitter();
wakeups.setMaxListeners(0);

/** How often a job's outcome is written again after meeting a deadlock or a busy database. */
const FINISH_RETRIES = 4;

/**
 * The embedded durable queue: jobs are rows of the metadata database, claimed with a single
 * UPDATE … RETURNING (plus FOR UPDATE SKIP LOCKED on PostgreSQL) so several processes share it.
 * A claim takes a lease that heartbeats renew; a job whose lease ran out is claimed again.
 */
export class DbJobQueue implements JobQueue {
  private readonly localCancels = new Map<string, () => void>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
  ) {}

  async enqueue(input: EnqueueInput): Promise<void> {
    const now = this.clock.now();
    await this.db
      .insertInto('jobs')
      .values({
        id: input.id,
        name: input.name,
        payload: JSON.stringify(input.payload),
        state: 'waiting',
        attempts: 0,
        max_attempts: input.maxAttempts,
        run_at: now,
        cancel_requested: 0,
        created_at: now,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        finished_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    wakeups.emit('job', input.name);
  }

  async get(id: string): Promise<JobRecord | null> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async cancel(id: string): Promise<boolean> {
    const now = this.clock.now();
    // One statement, so a job moving between waiting and active meanwhile cannot slip through.
    const row = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        state: eb.case().when('state', '=', 'waiting').then('cancelled').else(eb.ref('state')).end(),
        finished_at: eb.case().when('state', '=', 'waiting').then(now).else(eb.ref('finished_at')).end(),
        cancel_requested: 1,
      }))
      .where('id', '=', id)
      .where('state', 'in', ['waiting', 'active'])
      .returning('state')
      .executeTakeFirst();
    if (!row) return false;
    // A running job in this process stops now; other processes notice at their next heartbeat.
    if (row.state === 'active') this.localCancels.get(id)?.();
    return true;
  }

  startWorker(options: WorkerOptions): QueueWorker {
    return new DbQueueWorker(this.db, this.dialect, this.clock, options, this.localCancels);
  }

  async prune(finishedBefore: number, limit: number): Promise<number> {
    // A bounded batch per statement: a year of jobs goes in steps that never hold the table long.
    const batch = this.db.selectFrom('jobs').select('id').where('state', 'in', ['completed', 'cancelled']).where('finished_at', '<', finishedBefore).limit(limit);
    const result = await this.db.deleteFrom('jobs').where('id', 'in', batch).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async failed(options: { limit: number; after?: string | null }): Promise<Page<FailedJob>> {
    let query = this.db.selectFrom('jobs').selectAll().where('state', '=', 'failed').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
    const cursor = decodeCursor(options.after);
    if (cursor) query = query.where(olderThan(cursor));
    const rows = await query.execute();
    return toPage(rows.map((row) => ({ ...toRecord(row), createdAt: row.created_at, finishedAt: row.finished_at ?? row.created_at })), options.limit);
  }

  async retry(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ state: 'waiting', attempts: 0, run_at: this.clock.now(), lease_owner: null, lease_until: null, cancel_requested: 0, last_error: null, finished_at: null })
      .where('id', '=', id)
      .where('state', '=', 'failed')
      .returning('name')
      .executeTakeFirst();
    if (result) wakeups.emit('job', result.name);
    return result !== undefined;
  }
}

interface Running {
  job: RunningJob;
  controller: AbortController;
  done: Promise<void>;
}

class DbQueueWorker implements QueueWorker {
  private readonly owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private readonly running = new Map<string, Running>();
  private closed = false;
  private renewing = false;
  private wake: (() => void) | null = null;
  private readonly loopDone: Promise<void>;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly onWakeup = (name: string) => {
    if (name in this.options.concurrency) this.wake?.();
  };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
    private readonly options: WorkerOptions,
    private readonly localCancels: Map<string, () => void>,
  ) {
    wakeups.on('job', this.onWakeup);
    this.heartbeat = setInterval(() => void this.beat(), options.heartbeatMs);
    this.loopDone = this.loop();
  }

  get active(): number {
    return this.running.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    wakeups.off('job', this.onWakeup);
    this.wake?.();
    await this.loopDone;
    for (const run of this.running.values()) run.controller.abort(new ShutdownError());
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    clearInterval(this.heartbeat);
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let claimed = 0;
      try {
        await this.reapLost();
        claimed = await this.claimFreeSlots();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (claimed === 0 && !this.closed) await this.sleep(this.options.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /**
   * Settles jobs whose worker died: cancelled if a cancel was asked for meanwhile (no worker is
   * left to act on it), failed if they were tried as often as allowed. Others are claimed again.
   */
  private async reapLost(): Promise<void> {
    const now = this.clock.now();
    const names = Object.keys(this.options.concurrency);
    if (names.length === 0) return;
    await this.db
      .updateTable('jobs')
      .set({ state: 'cancelled', finished_at: now, lease_owner: null, lease_until: null })
      .where('state', '=', 'active')
      .where('lease_until', '<', now)
      .where('name', 'in', names)
      .where('cancel_requested', '=', 1)
      .execute();
    const lost = await this.db
      .updateTable('jobs')
      .set({ state: 'failed', finished_at: now, lease_owner: null, lease_until: null, last_error: 'worker lost' })
      .where('state', '=', 'active')
      .where('lease_until', '<', now)
      .where('name', 'in', names)
      .where('cancel_requested', '=', 0)
      .whereRef('attempts', '>=', 'max_attempts')
      .returningAll()
      .execute();
    for (const row of lost) {
      const job = this.toRunning(row, new AbortController().signal);
      const error = new CamtroveError('CAMTROVE_ERR_WORKER_LOST', `the worker running this job stopped ${row.attempts} time(s); giving up`);
      // The row is failed already: each job's onFailed runs, whatever the others' do.
      await this.options.onFailed(job, error).catch((e: unknown) => this.options.onError?.(e));
    }
  }

  private async claimFreeSlots(): Promise<number> {
    let total = 0;
    for (const [name, limit] of Object.entries(this.options.concurrency)) {
      const busy = [...this.running.values()].filter((r) => r.job.name === name).length;
      const free = limit - busy;
      if (free <= 0 || this.closed) continue;
      const rows = await this.claim(name, free);
      for (const row of rows) this.start(row);
      total += rows.length;
    }
    return total;
  }

  private async claim(name: string, limit: number): Promise<Selectable<JobsTable>[]> {
    const now = this.clock.now();
    // A job still running here whose lease lapsed (heartbeats delayed) is not taken twice by this worker.
    const runningHere = [...this.running.keys()];
    let candidates = this.db
      .selectFrom('jobs')
      .select('id')
      .where('name', '=', name)
      .where('cancel_requested', '=', 0)
      .$if(runningHere.length > 0, (qb) => qb.where('id', 'not in', runningHere))
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'waiting'), eb('run_at', '<=', now)]),
          eb.and([eb('state', '=', 'active'), eb('lease_until', '<', now), eb('attempts', '<', eb.ref('max_attempts'))]),
        ]),
      )
      .orderBy('run_at')
      .orderBy('created_at')
      .limit(limit);
    // SQLite runs one writer at a time, so the single statement is already exclusive there.
    if (this.dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
    // The candidates are materialized first: as a plain IN (subquery), PostgreSQL may run the
    // locking subquery again while rechecking a row another worker changed, and claim past the limit.
    return this.db
      .with((cte) => cte('candidates').materialized(), () => candidates)
      .updateTable('jobs')
      .set({
        state: 'active',
        attempts: sql<number>`attempts + 1`,
        lease_owner: this.owner,
        lease_until: now + this.options.leaseMs,
      })
      .where('id', 'in', (eb) => eb.selectFrom('candidates').select('candidates.id'))
      .returningAll()
      .execute();
  }

  private start(row: Selectable<JobsTable>): void {
    const controller = new AbortController();
    const job = this.toRunning(row, controller.signal);
    const timeout = setTimeout(() => controller.abort(new TimeoutError(this.options.timeoutMs)), this.options.timeoutMs);
    this.localCancels.set(job.id, () => controller.abort(new JobCancelledError()));
    const done = this.execute(job, controller)
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        clearTimeout(timeout);
        this.localCancels.delete(job.id);
        this.running.delete(job.id);
        this.wake?.();
      });
    this.running.set(job.id, { job, controller, done });
  }

  private async execute(job: RunningJob, controller: AbortController): Promise<void> {
    let failure: { reason: unknown } | null = null;
    try {
      await this.options.handle(job);
      if (controller.signal.aborted) failure = { reason: controller.signal.reason };
    } catch (thrown) {
      failure = { reason: controller.signal.aborted ? controller.signal.reason : thrown };
    }
    // Recording the outcome is kept apart from the work: a database hiccup while saying "done"
    // must not run a finished job again.
    if (failure) await this.settleFailure(job, failure.reason);
    else await this.finish(job.id, { state: 'completed', finished_at: this.clock.now() });
  }

  private async settleFailure(job: RunningJob, reason: unknown): Promise<void> {
    const now = this.clock.now();
    if (reason instanceof ShutdownError) {
      // Handing back: this attempt does not count.
      await this.requeue(job.id, { attempts: sql<number>`attempts - 1`, run_at: now });
      return;
    }
    if (reason instanceof LeaseLostError) return; // another worker owns it now
    if (reason instanceof JobCancelledError) {
      await this.finish(job.id, { state: 'cancelled', finished_at: now });
      return;
    }
    const error = reason instanceof TimeoutError
      ? new CamtroveError('CAMTROVE_ERR_ANALYSIS_TIMEOUT', `stopped after running longer than ${formatDurationMs(reason.ms)} (analysisTimeoutMs)`)
      : toCamtroveError(reason);
    if (error.retryable && job.attempt < job.maxAttempts) {
      const delayMs = retryDelayMs(job.attempt, this.options.backoff);
      const moved = await this.requeue(job.id, { run_at: now + delayMs, last_error: error.message });
      if (moved) await this.options.onRetry?.(job, error, delayMs);
      return;
    }
    const moved = await this.finish(job.id, { state: 'failed', finished_at: now, last_error: error.message });
    if (moved) await this.options.onFailed(job, error);
  }

  /**
   * Puts a job this worker owns back to waiting; false when it did not. A cancel asked for from
   * another process while the attempt ran wins: the job ends cancelled instead of running again.
   */
  private async requeue(id: string, values: Record<string, unknown>): Promise<boolean> {
    if (await this.finish(id, { ...values, state: 'waiting' }, { unlessCancelRequested: true })) return true;
    await this.finish(id, { state: 'cancelled', finished_at: this.clock.now() });
    return false;
  }

  /**
   * Updates a job this worker still owns; false when the lease was lost meanwhile. A statement
   * that lost a deadlock or met a busy database changed nothing and is sent again.
   */
  private async finish(id: string, values: Record<string, unknown>, options: { unlessCancelRequested?: boolean } = {}): Promise<boolean> {
    for (let retry = 0; ; retry += 1) {
      try {
        const result = await this.db
          .updateTable('jobs')
          .set({ ...values, lease_owner: null, lease_until: null })
          .where('id', '=', id)
          .where('lease_owner', '=', this.owner)
          .where('state', '=', 'active')
          .$if(options.unlessCancelRequested === true, (qb) => qb.where('cancel_requested', '=', 0))
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      } catch (error) {
        if (retry >= FINISH_RETRIES || !isTransientConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * (retry + 1)));
      }
    }
  }

  /**
   * Renews the leases of the jobs running here; stops those cancelled elsewhere or taken over by
   * another worker. One renewal at a time: on a slow database, overlapping ones would queue for
   * connections ahead of claims and results, and lock the same rows in different orders.
   */
  private async beat(): Promise<void> {
    if (this.running.size === 0 || this.renewing) return;
    this.renewing = true;
    try {
      // Only jobs running before the renewal was sent: one claimed while it was on its way has a
      // fresh lease and would be missing from the answer, though nobody else owns it.
      const runs = [...this.running.values()];
      const now = this.clock.now();
      const rows = await this.db
        .updateTable('jobs')
        .set({ lease_until: now + this.options.leaseMs })
        .where('id', 'in', runs.map((r) => r.job.id))
        .where('lease_owner', '=', this.owner)
        .where('state', '=', 'active')
        .returning(['id', 'cancel_requested'])
        .execute();
      const owned = new Map(rows.map((r) => [r.id, r.cancel_requested]));
      for (const run of runs) {
        const cancel = owned.get(run.job.id);
        if (cancel === undefined) run.controller.abort(new LeaseLostError());
        else if (cancel) run.controller.abort(new JobCancelledError());
      }
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.renewing = false;
    }
  }

  private toRunning(row: Selectable<JobsTable>, signal: AbortSignal): RunningJob {
    return {
      id: row.id,
      name: row.name,
      payload: JSON.parse(row.payload) as unknown,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      signal,
    };
  }
}

class ShutdownError extends Error {
  constructor() {
    super('worker shutting down');
  }
}

class LeaseLostError extends Error {
  constructor() {
    super('lease lost to another worker');
  }
}

class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

function toRecord(row: Selectable<JobsTable>): JobRecord {
  return {
    id: row.id,
    name: row.name,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state as JobState,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
  };
}
