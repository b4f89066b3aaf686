import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { JobCancelledError, type JobQueue, type JobRecord, type JobState, type QueueWorker, type RunningJob } from '../../src/adapters/queue/job-queue.js';
import { retryDelayMs, type BackoffPolicy } from '../../src/domain/backoff.js';
import { CamtroveError } from '../../src/domain/errors.js';

/**
 * The contract every JobQueue implementation passes. It uses nothing but the JobQueue interface,
 * so the database queue and a BullMQ/Redis queue run the same tests.
 */

/** Another client of the same queue, as a second process would open it (its own connections). */
export interface QueueClient {
  queue: JobQueue;
  /**
   * Simulates this process dying: its connections to the queue drop with no clean-up, so its
   * workers stop renewing leases and never report back. Their handlers may still be running in
   * memory; nothing they do afterwards may reach the queue.
   */
  crash(): Promise<void>;
  dispose(): Promise<void>;
}

export interface QueueFixture {
  /** A fresh, empty queue. */
  queue: JobQueue;
  connect(): Promise<QueueClient>;
  dispose(): Promise<void>;
}

/** Short timings so retries, leases and polling take milliseconds. */
const timing = { pollMs: 20, heartbeatMs: 50, leaseMs: 600, timeoutMs: 10_000 } as const;
const backoff: BackoffPolicy = { baseMs: 20, maxMs: 200 };
/** Long enough for several polls: what has not happened by then is not about to. */
const settleMs = timing.pollMs * 8;
/** Upper bound for any single wait; a queue that needs longer is broken. */
const waitMs = 5_000;

interface WorkerSpec {
  concurrency: Record<string, number>;
  handle: (job: RunningJob) => Promise<void>;
  timeoutMs?: number;
  heartbeatMs?: number;
  leaseMs?: number;
  backoff?: BackoffPolicy;
}

interface TestWorker {
  worker: QueueWorker;
  failed: { job: RunningJob; error: CamtroveError }[];
  retries: { job: RunningJob; error: CamtroveError; delayMs: number }[];
  errors: unknown[];
}

/** What each test gets: a fresh queue, and helpers whose workers and clients close when it ends. */
interface Scenario {
  queue: JobQueue;
  connect: () => Promise<QueueClient>;
  /** Starts a worker (on `on`, else the fixture's queue) that records what it reports. */
  startWorker: (spec: WorkerSpec, options?: { on?: JobQueue; mayReportErrors?: boolean }) => TestWorker;
  /** A promise the test resolves when it likes; resolved anyway when the test ends. */
  gate: () => Gate;
}

interface Gate {
  promise: Promise<void>;
  open(): void;
}

export function jobQueueContract(name: string, open: () => Promise<QueueFixture>): void {
  const test = (title: string, body: (s: Scenario) => Promise<void>): void => {
    it(title, () => runScenario(open, body));
  };

  describe(`${name}: JobQueue contract`, () => {
    test('runs a job once, with its payload and attempt 1, and marks it completed', async ({ queue, startWorker }) => {
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: { camera: 'gate', n: 7 }, maxAttempts: 3 });
      assert.deepEqual(await queue.get(id), { id, name: 'alpha', payload: { camera: 'gate', n: 7 }, state: 'waiting', attempts: 0, maxAttempts: 3, lastError: null });

      const runs: { job: RunningJob; abortedAtStart: boolean }[] = [];
      const w = startWorker({ concurrency: { alpha: 1 }, handle: async (job) => void runs.push({ job, abortedAtStart: job.signal.aborted }) });
      await waitForState(queue, id, 'completed');
      await sleep(settleMs);

      assert.equal(runs.length, 1);
      const [run] = runs;
      assert.deepEqual(
        { id: run?.job.id, name: run?.job.name, payload: run?.job.payload, attempt: run?.job.attempt, maxAttempts: run?.job.maxAttempts, aborted: run?.abortedAtStart },
        { id, name: 'alpha', payload: { camera: 'gate', n: 7 }, attempt: 1, maxAttempts: 3, aborted: false },
      );
      assert.deepEqual(await queue.get(id), { id, name: 'alpha', payload: { camera: 'gate', n: 7 }, state: 'completed', attempts: 1, maxAttempts: 3, lastError: null });
      assert.deepEqual([w.failed.length, w.retries.length], [0, 0]);
    });

    test('enqueueing an id that already exists is a no-op, before and after the job ran', async ({ queue, startWorker }) => {
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: { v: 1 }, maxAttempts: 2 });
      await queue.enqueue({ id, name: 'alpha', payload: { v: 2 }, maxAttempts: 5 });
      assert.deepEqual(await queue.get(id), { id, name: 'alpha', payload: { v: 1 }, state: 'waiting', attempts: 0, maxAttempts: 2, lastError: null });

      const payloads: unknown[] = [];
      startWorker({ concurrency: { alpha: 1 }, handle: async (job) => void payloads.push(job.payload) });
      await waitForState(queue, id, 'completed');
      await queue.enqueue({ id, name: 'alpha', payload: { v: 3 }, maxAttempts: 2 });
      await sleep(settleMs);

      assert.deepEqual(payloads, [{ v: 1 }]);
      assert.deepEqual(await queue.get(id), { id, name: 'alpha', payload: { v: 1 }, state: 'completed', attempts: 1, maxAttempts: 2, lastError: null });
    });

    test('get of an unknown id is null and cancelling it is false', async ({ queue }) => {
      assert.equal(await queue.get(jobId()), null);
      assert.equal(await queue.cancel(jobId()), false);
    });

    test('prunes completed and cancelled jobs finished before a time, a batch at a time, and keeps failed and waiting ones', async ({ queue, startWorker }) => {
      const [done1, done2, cancelled, failed, waiting] = [jobId(), jobId(), jobId(), jobId(), jobId()];
      await queue.enqueue({ id: done1, name: 'alpha', payload: null, maxAttempts: 1 });
      await queue.enqueue({ id: done2, name: 'alpha', payload: null, maxAttempts: 1 });
      await queue.enqueue({ id: failed, name: 'beta', payload: null, maxAttempts: 1 });
      await queue.enqueue({ id: cancelled, name: 'idle', payload: null, maxAttempts: 1 });
      await queue.enqueue({ id: waiting, name: 'idle', payload: null, maxAttempts: 1 });
      assert.equal(await queue.cancel(cancelled), true);
      startWorker({
        concurrency: { alpha: 2, beta: 1 },
        handle: async (job) => {
          if (job.name === 'beta') throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'not a video');
        },
      });
      await Promise.all([waitForState(queue, done1, 'completed'), waitForState(queue, done2, 'completed'), waitForState(queue, failed, 'failed')]);

      assert.equal(await queue.prune(Date.now() - 60_000, 10), 0, 'nothing finished a minute ago');
      const later = Date.now() + 1000;
      assert.equal(await queue.prune(later, 2), 2);
      assert.equal(await queue.prune(later, 2), 1);
      assert.equal(await queue.prune(later, 2), 0);
      for (const id of [done1, done2, cancelled]) assert.equal(await queue.get(id), null);
      assert.deepEqual([pick(await queue.get(failed)), pick(await queue.get(waiting))], [{ state: 'failed', attempts: 1 }, { state: 'waiting', attempts: 0 }]);
    });

    test('lists failed jobs newest first, a page at a time; a retried one runs again with all its attempts', async ({ queue, startWorker }) => {
      const [older, newer, fine] = [jobId(), jobId(), jobId()];
      let broken = true;
      const w = startWorker({
        concurrency: { alpha: 1 },
        handle: async (job) => {
          if (broken && job.id !== fine) throw new CamtroveError('CAMTROVE_ERR_ANALYSIS_FAILED', `broken ${job.attempt}`);
        },
        backoff: { baseMs: 1, maxMs: 1 },
      });
      await queue.enqueue({ id: older, name: 'alpha', payload: { n: 1 }, maxAttempts: 2 });
      await waitForState(queue, older, 'failed');
      // Apart in time: the list is by when each job was queued.
      await sleep(5);
      await queue.enqueue({ id: newer, name: 'alpha', payload: { n: 2 }, maxAttempts: 2 });
      await queue.enqueue({ id: fine, name: 'alpha', payload: null, maxAttempts: 2 });
      await Promise.all([waitForState(queue, newer, 'failed'), waitForState(queue, fine, 'completed')]);

      const first = await queue.failed({ limit: 1 });
      assert.deepEqual(first.items.map((j) => [j.id, j.state, j.attempts, j.lastError]), [[newer, 'failed', 2, 'broken 2']]);
      assert.ok(first.items[0]!.finishedAt >= first.items[0]!.createdAt);
      assert.ok(first.next);
      const second = await queue.failed({ limit: 1, after: first.next });
      assert.deepEqual([second.items.map((j) => j.id), second.next], [[older], null]);

      broken = false;
      assert.equal(await queue.retry(older), true);
      await waitForState(queue, older, 'completed');
      assert.deepEqual(pick(await queue.get(older)), { state: 'completed', attempts: 1 }, 'its attempts counted again from the start');
      assert.deepEqual((await queue.failed({ limit: 10 })).items.map((j) => j.id), [newer]);
      assert.equal(await queue.retry(older), false, 'not failed any more');
      assert.equal(await queue.retry(jobId()), false, 'unknown');
      assert.equal(w.failed.length, 2);
    });

    test('runs at most the configured number of jobs of each name at once, and only names it was given', async ({ queue, startWorker }) => {
      const ids = { alpha: Array.from({ length: 6 }, () => jobId()), beta: Array.from({ length: 3 }, () => jobId()) };
      for (const [name, list] of Object.entries(ids)) {
        for (const id of list) await queue.enqueue({ id, name, payload: null, maxAttempts: 1 });
      }
      const other = jobId();
      await queue.enqueue({ id: other, name: 'gamma', payload: null, maxAttempts: 1 });

      const now: Record<string, number> = {};
      const peak: Record<string, number> = {};
      startWorker({
        concurrency: { alpha: 2, beta: 1 },
        handle: async (job) => {
          const running = (now[job.name] ?? 0) + 1;
          now[job.name] = running;
          peak[job.name] = Math.max(peak[job.name] ?? 0, running);
          await untilAborted(job.signal, 60);
          now[job.name] = (now[job.name] ?? 1) - 1;
        },
      });
      for (const id of [...ids.alpha, ...ids.beta]) await waitForState(queue, id, 'completed');

      assert.deepEqual(peak, { alpha: 2, beta: 1 });
      assert.equal((await queue.get(other))?.state, 'waiting');
    });

    test('retries a retryable failure after the backoff delay, with attempts 1, 2, 3', async ({ queue, startWorker }) => {
      const policy = { baseMs: 40, maxMs: 1_000 };
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 4 });
      const starts: { attempt: number; at: number }[] = [];
      const w = startWorker({
        concurrency: { alpha: 1 },
        backoff: policy,
        handle: async (job) => {
          starts.push({ attempt: job.attempt, at: performance.now() });
          if (job.attempt < 3) throw new CamtroveError('CAMTROVE_ERR_ANALYSIS_FAILED', `flaky on attempt ${job.attempt}`);
        },
      });
      await waitForState(queue, id, 'completed');
      await sleep(settleMs);

      assert.deepEqual(starts.map((s) => s.attempt), [1, 2, 3]);
      assert.deepEqual(w.retries.map((r) => [r.job.attempt, r.error.code, r.error.message]), [
        [1, 'CAMTROVE_ERR_ANALYSIS_FAILED', 'flaky on attempt 1'],
        [2, 'CAMTROVE_ERR_ANALYSIS_FAILED', 'flaky on attempt 2'],
      ]);
      for (const [i, retry] of w.retries.entries()) {
        const attempt = i + 1;
        const delay = retry.delayMs;
        assert.ok(delay >= retryDelayMs(attempt, policy, () => 0) && delay <= retryDelayMs(attempt, policy, () => 1), `delay ${delay} ms after attempt ${attempt} follows the policy`);
        // A lower bound only: a loaded machine starts the retry later, never sooner.
        const gap = (starts[attempt]?.at ?? 0) - (starts[attempt - 1]?.at ?? 0);
        assert.ok(gap >= delay - 2, `attempt ${attempt + 1} started ${gap.toFixed(1)} ms after attempt ${attempt}, before its ${delay} ms backoff`);
      }
      const record = await queue.get(id);
      assert.deepEqual([record?.state, record?.attempts], ['completed', 3]);
      assert.equal(w.failed.length, 0);
    });

    test('fails a non-retryable CamtroveError at once, without retrying, calling onFailed once', async ({ queue, startWorker }) => {
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      const attempts: number[] = [];
      const w = startWorker({
        concurrency: { alpha: 1 },
        handle: async (job) => {
          attempts.push(job.attempt);
          throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'not a video');
        },
      });
      await waitFor('onFailed', () => w.failed.length > 0);
      await sleep(settleMs);

      assert.deepEqual(attempts, [1]);
      assert.deepEqual(w.failed.map((f) => [f.job.id, f.job.attempt, f.error.code, f.error.message]), [[id, 1, 'CAMTROVE_ERR_MEDIA_UNREADABLE', 'not a video']]);
      assert.equal(w.retries.length, 0);
      const record = await queue.get(id);
      assert.deepEqual([record?.state, record?.attempts], ['failed', 1]);
      assert.match(record?.lastError ?? '', /not a video/);
    });

    test('fails a job whose attempts are used up, calling onFailed once with the last error', async ({ queue, startWorker }) => {
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 2 });
      const attempts: number[] = [];
      const w = startWorker({
        concurrency: { alpha: 1 },
        handle: async (job) => {
          attempts.push(job.attempt);
          throw new Error(`boom ${job.attempt}`);
        },
      });
      await waitFor('onFailed', () => w.failed.length > 0);
      await sleep(settleMs);

      assert.deepEqual(attempts, [1, 2]);
      assert.deepEqual(w.retries.map((r) => [r.job.attempt, r.error.message]), [[1, 'boom 1']]);
      // A plain Error is an unexpected one: retryable, reported as CAMTROVE_ERR_INTERNAL.
      assert.deepEqual(w.failed.map((f) => [f.job.id, f.job.attempt, f.error.code, f.error.message]), [[id, 2, 'CAMTROVE_ERR_INTERNAL', 'boom 2']]);
      const record = await queue.get(id);
      assert.deepEqual([record?.state, record?.attempts], ['failed', 2]);
      assert.match(record?.lastError ?? '', /boom 2/);
    });

    test('cancelling a waiting job ends it cancelled and it never runs', async ({ queue, startWorker }) => {
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 1 });
      assert.equal(await queue.cancel(id), true);
      assert.equal((await queue.get(id))?.state, 'cancelled');

      let runs = 0;
      startWorker({ concurrency: { alpha: 1 }, handle: async () => void (runs += 1) });
      await sleep(settleMs);

      assert.equal(runs, 0);
      assert.deepEqual(await queue.get(id), { id, name: 'alpha', payload: null, state: 'cancelled', attempts: 0, maxAttempts: 1, lastError: null });
      assert.equal(await queue.cancel(id), false);
    });

    test('cancelling a job that waits to be retried stops its retries', async ({ queue, startWorker }) => {
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      const attempts: number[] = [];
      const w = startWorker({
        concurrency: { alpha: 1 },
        backoff: { baseMs: 400, maxMs: 400 },
        handle: async (job) => {
          attempts.push(job.attempt);
          throw new Error('try later');
        },
      });
      await waitFor('a retry to be scheduled', () => w.retries.length > 0);
      assert.equal((await queue.get(id))?.state, 'waiting');
      assert.equal(await queue.cancel(id), true);
      await sleep(600);

      assert.deepEqual(attempts, [1]);
      assert.equal((await queue.get(id))?.state, 'cancelled');
      assert.equal(w.failed.length, 0);
    });

    test('cancelling a running job aborts its signal at once and ends it cancelled', async ({ queue, startWorker }) => {
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      const started = deferred();
      let abortedAt = 0;
      let reason: unknown = null;
      // Heartbeats far apart (and a lease longer still): within the test, only the cancel's own
      // in-process path can reach the handler, so "at once" holds however loaded the machine is.
      const slowBeats = { heartbeatMs: 60_000, leaseMs: 120_000 };
      const w = startWorker({
        concurrency: { alpha: 1 },
        ...slowBeats,
        handle: async (job) => {
          started.resolve();
          if (await untilAborted(job.signal, waitMs)) {
            abortedAt = performance.now();
            reason = job.signal.reason;
          }
          // Returns normally, as a handler that merely stops early would: still cancelled.
        },
      });
      await bounded(started.promise, waitMs, 'the job to start');
      assert.equal((await queue.get(id))?.state, 'active');

      const cancelledAt = performance.now();
      assert.equal(await queue.cancel(id), true);
      await waitForState(queue, id, 'cancelled');

      await waitFor('the handler to see its signal abort', () => abortedAt > 0);
      assert.ok(abortedAt - cancelledAt < slowBeats.heartbeatMs, `aborted ${(abortedAt - cancelledAt).toFixed(0)} ms after cancel, before any heartbeat`);
      assert.ok(reason instanceof JobCancelledError, 'the abort reason is a JobCancelledError');
      await sleep(settleMs);
      const record = await queue.get(id);
      assert.deepEqual([record?.state, record?.attempts], ['cancelled', 1]);
      assert.deepEqual([w.failed.length, w.retries.length], [0, 0]);
      assert.equal(await queue.cancel(id), false);
    });

    test('cancelling from another process aborts the running job within a few heartbeats', async ({ queue, connect, startWorker }) => {
      const other = await connect();
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      const started = deferred();
      let abortedAt = 0;
      let aborted = false;
      const w = startWorker({
        concurrency: { alpha: 1 },
        handle: async (job) => {
          started.resolve();
          aborted = await untilAborted(job.signal, waitMs);
          abortedAt = performance.now();
          job.signal.throwIfAborted();
        },
      });
      await bounded(started.promise, waitMs, 'the job to start');

      const cancelledAt = performance.now();
      assert.equal(await other.queue.cancel(id), true);
      await waitForState(queue, id, 'cancelled');

      // How many heartbeats it takes depends on how loaded the machine is; what matters is that one
      // carried the cancel to the handler, which would otherwise have run on for 5 s.
      assert.ok(aborted, `the handler ran on to its end: ${(abortedAt - cancelledAt).toFixed(0)} ms after cancel`);
      await sleep(settleMs);
      assert.equal((await queue.get(id))?.state, 'cancelled');
      assert.deepEqual([w.failed.length, w.retries.length], [0, 0]);
    });

    test('a cancel from another process wins over retrying an attempt that fails meanwhile', async ({ queue, connect, startWorker }) => {
      const other = await connect();
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      const started = deferred();
      const failNow = deferred();
      const attempts: number[] = [];
      const w = startWorker({
        concurrency: { alpha: 1 },
        handle: async (job) => {
          attempts.push(job.attempt);
          started.resolve();
          await Promise.race([failNow.promise, untilAborted(job.signal, waitMs)]);
          throw new CamtroveError('CAMTROVE_ERR_ANALYSIS_FAILED', 'failed while being cancelled');
        },
      });
      await bounded(started.promise, waitMs, 'the job to start');
      assert.equal(await other.queue.cancel(id), true);
      failNow.resolve(); // fails before the worker hears of the cancel

      await waitForState(queue, id, 'cancelled', 2_000);
      await sleep(settleMs);
      assert.deepEqual(attempts, [1]);
      assert.equal((await queue.get(id))?.state, 'cancelled');
      assert.deepEqual([w.failed.length, w.retries.length], [0, 0]);
    });

    test('cancelling a finished job returns false and leaves it as it was', async ({ queue, startWorker }) => {
      const done = jobId();
      const broken = jobId();
      const dropped = jobId();
      await queue.enqueue({ id: done, name: 'alpha', payload: null, maxAttempts: 1 });
      await queue.enqueue({ id: broken, name: 'alpha', payload: null, maxAttempts: 1 });
      await queue.enqueue({ id: dropped, name: 'alpha', payload: null, maxAttempts: 1 });
      assert.equal(await queue.cancel(dropped), true);
      startWorker({
        concurrency: { alpha: 1 },
        handle: async (job) => {
          if (job.id === broken) throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'unreadable');
        },
      });
      await waitForState(queue, done, 'completed');
      await waitForState(queue, broken, 'failed');

      for (const [id, state] of [[done, 'completed'], [broken, 'failed'], [dropped, 'cancelled']] as const) {
        assert.equal(await queue.cancel(id), false, `cancel of a ${state} job`);
        assert.equal((await queue.get(id))?.state, state);
      }
    });

    test('a job whose worker died runs again on another worker after the lease expires, and completes once', async ({ queue, connect, startWorker, gate }) => {
      const doomed = await connect();
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: { clip: 1 }, maxAttempts: 3 });
      const started = deferred();
      const forever = gate();
      // A lease of 30 heartbeats: a loaded machine may delay a renewal, not by that much.
      const leaseMs = timing.heartbeatMs * 30;
      const dead = startWorker(
        {
          concurrency: { alpha: 1 },
          leaseMs,
          handle: async (job) => {
            started.resolve();
            await Promise.race([forever.promise, untilAborted(job.signal, 60_000)]);
          },
        },
        { on: doomed.queue, mayReportErrors: true },
      );
      await bounded(started.promise, waitMs, 'the first worker to take the job');

      const runs: { attempt: number; payload: unknown }[] = [];
      const survivor = startWorker({ concurrency: { alpha: 1 }, handle: async (job) => void runs.push({ attempt: job.attempt, payload: job.payload }) });
      // While its worker lives, the lease is renewed and nobody else takes the job.
      await sleep(leaseMs * 1.5);
      assert.equal(runs.length, 0, 'a job with a live lease was taken by another worker');
      assert.deepEqual(pick(await queue.get(id)), { state: 'active', attempts: 1 });

      await doomed.crash();
      const crashedAt = performance.now();
      await waitForState(queue, id, 'completed', leaseMs * 3 + waitMs);
      const tookOverAfter = performance.now() - crashedAt;
      await sleep(settleMs);

      assert.deepEqual(runs, [{ attempt: 2, payload: { clip: 1 } }]);
      // The last renewal came at most a (possibly late) heartbeat before the crash: half a lease is a safe lower bound.
      assert.ok(tookOverAfter >= leaseMs / 2, `taken over ${tookOverAfter.toFixed(0)} ms after the crash, before the lease could expire`);
      assert.equal(dead.worker.active, 1, 'the dead worker never finished its copy');
      assert.deepEqual(pick(await queue.get(id)), { state: 'completed', attempts: 2 });
      assert.deepEqual([survivor.failed.length, survivor.retries.length], [0, 0]);
    });

    test('a lost job that used all its attempts fails with CAMTROVE_ERR_WORKER_LOST, onFailed once', async ({ queue, connect, startWorker, gate }) => {
      const doomed = await connect();
      const neighbour = await connect();
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 1 });
      const started = deferred();
      const forever = gate();
      startWorker(
        {
          concurrency: { alpha: 1 },
          handle: async (job) => {
            started.resolve();
            await Promise.race([forever.promise, untilAborted(job.signal, 60_000)]);
          },
        },
        { on: doomed.queue, mayReportErrors: true },
      );
      await bounded(started.promise, waitMs, 'the first worker to take the job');
      await doomed.crash();

      let runs = 0;
      const handle = async () => void (runs += 1);
      const survivors = [startWorker({ concurrency: { alpha: 1 }, handle }), startWorker({ concurrency: { alpha: 1 }, handle }, { on: neighbour.queue })];
      await waitForState(queue, id, 'failed', timing.leaseMs * 3 + waitMs);
      await waitFor('onFailed', () => survivors.some((s) => s.failed.length > 0));
      await sleep(settleMs);

      assert.equal(runs, 0);
      const failed = survivors.flatMap((s) => s.failed);
      assert.deepEqual(failed.map((f) => [f.job.id, f.error.code]), [[id, 'CAMTROVE_ERR_WORKER_LOST']]);
      const record = await queue.get(id);
      assert.deepEqual([record?.state, record?.attempts], ['failed', 1]);
      assert.ok(record?.lastError, 'the record says why it failed');
    });

    test('a job cancelled while its worker is dead ends cancelled once the lease expires', async ({ queue, connect, startWorker, gate }) => {
      const doomed = await connect();
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: null, maxAttempts: 3 });
      const started = deferred();
      const forever = gate();
      startWorker(
        {
          concurrency: { alpha: 1 },
          handle: async (job) => {
            started.resolve();
            await Promise.race([forever.promise, untilAborted(job.signal, 60_000)]);
          },
        },
        { on: doomed.queue, mayReportErrors: true },
      );
      await bounded(started.promise, waitMs, 'the first worker to take the job');
      await doomed.crash();
      assert.equal(await queue.cancel(id), true);

      let runs = 0;
      const survivor = startWorker({ concurrency: { alpha: 1 }, handle: async () => void (runs += 1) });
      await waitForState(queue, id, 'cancelled', timing.leaseMs * 3 + waitMs);
      await sleep(settleMs);

      assert.equal(runs, 0);
      assert.equal((await queue.get(id))?.state, 'cancelled');
      assert.deepEqual([survivor.failed.length, survivor.retries.length], [0, 0]);
    });

    test('closing a worker hands its running jobs back without using an attempt, and it takes no more', async ({ queue, startWorker }) => {
      const first = jobId();
      await queue.enqueue({ id: first, name: 'alpha', payload: null, maxAttempts: 2 });
      const started = deferred();
      let reason: unknown = null;
      // A lease far longer than the waits below: a handed-back job that waited for it would time them out.
      const leaving = startWorker({
        concurrency: { alpha: 1 },
        leaseMs: 60_000,
        handle: async (job) => {
          started.resolve();
          await untilAborted(job.signal, waitMs);
          reason = job.signal.reason;
          job.signal.throwIfAborted();
        },
      });
      await bounded(started.promise, waitMs, 'the job to start');
      assert.equal(leaving.worker.active, 1);

      await bounded(leaving.worker.close(), waitMs, 'close()');
      assert.equal(leaving.worker.active, 0);
      assert.ok(reason !== null && !(reason instanceof JobCancelledError), 'the handler was stopped, not cancelled');
      assert.deepEqual(pick(await queue.get(first)), { state: 'waiting', attempts: 0 });

      const second = jobId();
      await queue.enqueue({ id: second, name: 'alpha', payload: null, maxAttempts: 2 });
      await sleep(settleMs);
      assert.equal((await queue.get(second))?.state, 'waiting', 'a closed worker took a job');

      const attempts = new Map<string, number>();
      const staying = startWorker({ concurrency: { alpha: 1 }, handle: async (job) => void attempts.set(job.id, job.attempt) });
      await waitForState(queue, first, 'completed', waitMs);
      await waitForState(queue, second, 'completed');
      assert.deepEqual(Object.fromEntries(attempts), { [first]: 1, [second]: 1 });
      assert.deepEqual([leaving.failed.length, leaving.retries.length, staying.failed.length, staying.retries.length], [0, 0, 0, 0]);
    });

    test('aborts a handler that runs longer than timeoutMs and fails it with CAMTROVE_ERR_ANALYSIS_TIMEOUT, retrying while attempts remain', async ({ queue, startWorker }) => {
      const timeoutMs = 150;
      const once = jobId();
      const twice = jobId();
      await queue.enqueue({ id: once, name: 'alpha', payload: null, maxAttempts: 1 });
      await queue.enqueue({ id: twice, name: 'alpha', payload: null, maxAttempts: 2 });
      const ran: Record<string, { attempt: number; ms: number; aborted: boolean }[]> = { [once]: [], [twice]: [] };
      const w = startWorker({
        concurrency: { alpha: 2 },
        timeoutMs,
        handle: async (job) => {
          const start = performance.now();
          if (job.id === twice && job.attempt === 2) return;
          const aborted = await untilAborted(job.signal, waitMs);
          ran[job.id]?.push({ attempt: job.attempt, ms: performance.now() - start, aborted });
          job.signal.throwIfAborted();
        },
      });
      await waitForState(queue, twice, 'completed');
      await waitFor('onFailed', () => w.failed.length > 0);
      await sleep(settleMs);

      for (const run of [...(ran[once] ?? []), ...(ran[twice] ?? [])]) {
        // Never before the limit; how long after depends on the machine's load, but the abort came (the handler would have waited 5 s).
        assert.ok(run.aborted && run.ms >= timeoutMs - 5, `aborted after ${run.ms.toFixed(0)} ms, for a ${timeoutMs} ms limit`);
      }
      assert.deepEqual(ran[once]?.map((r) => r.attempt), [1]);
      assert.deepEqual(w.failed.map((f) => [f.job.id, f.error.code]), [[once, 'CAMTROVE_ERR_ANALYSIS_TIMEOUT']]);
      assert.deepEqual(pick(await queue.get(once)), { state: 'failed', attempts: 1 });
      assert.deepEqual(w.retries.map((r) => [r.job.id, r.job.attempt, r.error.code]), [[twice, 1, 'CAMTROVE_ERR_ANALYSIS_TIMEOUT']]);
      assert.deepEqual(pick(await queue.get(twice)), { state: 'completed', attempts: 2 });
    });

    test('a worker whose heartbeat is late does not take its own running job a second time', async ({ queue, startWorker }) => {
      const id = jobId();
      await queue.enqueue({ id, name: 'alpha', payload: {}, maxAttempts: 3 });
      let runs = 0;
      // Heartbeats slower than the lease: the lease lapses while the job still runs here.
      startWorker({ concurrency: { alpha: 2 }, heartbeatMs: timing.leaseMs * 4, handle: async (job) => {
        runs += 1;
        await untilAborted(job.signal, timing.leaseMs * 1.5);
      } });
      await waitForState(queue, id, 'completed', waitMs);
      await sleep(settleMs);
      assert.equal(runs, 1);
      assert.deepEqual(pick(await queue.get(id)), { state: 'completed', attempts: 1 });
    });

    test('workers in two processes sharing the queue run each job exactly once', async ({ queue, connect, startWorker }) => {
      const other = await connect();
      const ids = Array.from({ length: 40 }, () => jobId());
      for (const [i, id] of ids.entries()) await (i % 2 ? other.queue : queue).enqueue({ id, name: 'alpha', payload: { i }, maxAttempts: 3 });

      const runs = new Map<string, string[]>();
      const handler = (worker: string) => async (job: RunningJob) => {
        // The attempt tells a double claim (two first attempts) from a lease taken over (attempt 2).
        runs.set(job.id, [...(runs.get(job.id) ?? []), `${worker}#${job.attempt}`]);
        await untilAborted(job.signal, 10);
      };
      // Frequent heartbeats, so lease renewals keep crossing claims of new jobs; a lease long
      // enough that a stalled event loop on a loaded machine cannot lose it.
      const heartbeatMs = 5;
      const leaseMs = waitMs;
      const workers = [
        startWorker({ concurrency: { alpha: 2 }, heartbeatMs, leaseMs, handle: handler('here-1') }),
        startWorker({ concurrency: { alpha: 2 }, heartbeatMs, leaseMs, handle: handler('here-2') }),
        startWorker({ concurrency: { alpha: 2 }, heartbeatMs, leaseMs, handle: handler('there') }, { on: other.queue }),
      ];
      for (const id of ids) await waitForState(queue, id, 'completed');
      await sleep(settleMs);

      assert.deepEqual([...runs.keys()].sort(), [...ids].sort());
      const twice = [...runs].filter(([, by]) => by.length !== 1);
      assert.deepEqual(twice, [], 'jobs run more than once');
      for (const id of ids) assert.deepEqual(pick(await queue.get(id)), { state: 'completed', attempts: 1 });
      const byWorker = [...runs.values()].flat().map((run) => run.split('#')[0]);
      for (const worker of ['here-1', 'here-2', 'there']) assert.ok(byWorker.includes(worker), `worker ${worker} took no job`);
      assert.deepEqual(workers.flatMap((w) => [...w.failed, ...w.retries]), []);
    });
  });
}

async function runScenario(open: () => Promise<QueueFixture>, body: (s: Scenario) => Promise<void>): Promise<void> {
  const fixture = await open();
  const workers: (TestWorker & { mayReportErrors: boolean })[] = [];
  const clients: QueueClient[] = [];
  const gates: Gate[] = [];
  let failure: { error: unknown } | null = null;
  try {
    await body({
      queue: fixture.queue,
      connect: async () => {
        const client = await fixture.connect();
        clients.push(client);
        return client;
      },
      startWorker: (spec, options = {}) => {
        const record: TestWorker & { mayReportErrors: boolean } = { worker: null as unknown as QueueWorker, failed: [], retries: [], errors: [], mayReportErrors: options.mayReportErrors ?? false };
        record.worker = (options.on ?? fixture.queue).startWorker({
          ...timing,
          backoff,
          ...spec,
          onFailed: async (job, error) => void record.failed.push({ job, error }),
          onRetry: async (job, error, delayMs) => void record.retries.push({ job, error, delayMs }),
          onError: (error) => void record.errors.push(error),
        });
        workers.push(record);
        return record;
      },
      gate: () => {
        const d = deferred();
        const g = { promise: d.promise, open: d.resolve };
        gates.push(g);
        return g;
      },
    });
    const errors = workers.filter((w) => !w.mayReportErrors).flatMap((w) => w.errors);
    assert.deepEqual(errors, [], 'workers reported errors');
  } catch (error) {
    failure = { error };
  }
  for (const g of gates) g.open();
  const closing = await Promise.allSettled(workers.map((w) => bounded(w.worker.close(), waitMs, 'closing a worker')));
  await Promise.allSettled(clients.map((c) => c.dispose()));
  await fixture.dispose();
  if (failure) throw failure.error;
  const stuck = closing.find((c) => c.status === 'rejected');
  if (stuck) throw stuck.reason;
}

function jobId(): string {
  return randomBytes(8).toString('hex');
}

function pick(record: JobRecord | null): { state: JobState; attempts: number } | null {
  return record && { state: record.state, attempts: record.attempts };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves true when `signal` aborts, or false after `limitMs`, whichever comes first. */
function untilAborted(signal: AbortSignal, limitMs: number): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, limitMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `promise`, or a rejection naming `what` after `ms`. */
async function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, ms = waitMs): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

async function waitForState(queue: JobQueue, id: string, state: JobState, ms = waitMs): Promise<void> {
  let last: JobRecord | null = null;
  try {
    await waitFor(`job ${id} to be ${state}`, async () => (last = await queue.get(id))?.state === state, ms);
  } catch (error) {
    throw new Error(`${(error as Error).message}; it is ${JSON.stringify(last)}`);
  }
}
