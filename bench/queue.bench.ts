import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { systemClock } from '../src/adapters/clock.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../src/adapters/db/database.js';
import { DbJobQueue } from '../src/adapters/queue/db.job-queue.js';
import { fmt, median, nowMs, ratio, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir } from './lib/files.js';
import { postgresUnreachable } from './lib/loopback.js';
import { createSchema } from './lib/postgres.js';

/** Where the PostgreSQL half runs; BENCH_POSTGRES_URL overrides, "off" skips it. Loopback only. */
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const JOB_NAME = 'noop';
const CONCURRENCY = 64;
const GOAL_JOBS_PER_S = 1000;
const BASELINE_UPDATES = 1000;
const ENQUEUERS = 8;

/** Counts the statements a Kysely instance sends. */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count += 1;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

interface RoundResult {
  enqueuePerS: number;
  jobsPerS: number;
  /** SQL statements the worker sent per job while running them (claims, reaps, completions). */
  statementsPerJob: number;
  /** Sequential single-row UPDATEs by primary key through the same Kysely handle: the cost floor of one statement. */
  updatesPerS: number;
  errors: number;
}

/**
 * Enqueues N no-op jobs into DbJobQueue, then times one worker (concurrency 64) until all are
 * completed. Each round uses a fresh database: a new SQLite file, or a new PostgreSQL schema that
 * is dropped afterwards.
 */
export const queueBenchmark: Benchmark = {
  name: 'queue',
  description: `DbJobQueue throughput with no-op jobs on SQLite and PostgreSQL (concurrency ${CONCURRENCY})`,
  needsBuild: false,
  async run({ rounds, log }) {
    const jobs = countFromEnv('BENCH_QUEUE_JOBS', 10_000);
    const rows: SummaryRow[] = [];
    const dir = await makeTempDir('queue');
    try {
      const sqlite: RoundResult[] = [];
      for (let round = 1; round <= rounds; round += 1) {
        const handle = openDatabase({ dataDir: join(dir.path, `round-${round}`), databaseUrl: '' });
        const result = await measure(handle, jobs);
        sqlite.push(result);
        log(`sqlite round ${round}: ${describe(result, jobs)}`);
      }
      rows.push(...summarize('sqlite', sqlite, jobs));
    } finally {
      await dir.remove();
    }

    const postgresUrl = process.env.BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
    const skip = postgresUrl === 'off' ? 'BENCH_POSTGRES_URL=off' : await postgresUnreachable(postgresUrl);
    if (skip) {
      log(`PostgreSQL skipped: ${skip}`);
      rows.push({ benchmark: 'queue', metric: 'postgres: skipped', value: '', baseline: '', ratio: '', goal: '', met: null });
      return rows;
    }
    const postgres: RoundResult[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const schema = await createSchema(postgresUrl);
      try {
        const handle = openDatabase({ dataDir: '', databaseUrl: schema.url });
        const result = await measure(handle, jobs);
        postgres.push(result);
        log(`postgres round ${round}: ${describe(result, jobs)}`);
      } finally {
        await schema.drop();
      }
    }
    rows.push(...summarize('postgres', postgres, jobs));
    return rows;
  },
};

async function measure(handle: DatabaseHandle, jobs: number): Promise<RoundResult> {
  try {
    await migrateToLatest(handle);
    const counter = new StatementCounter();
    const queue = new DbJobQueue(handle.db.withPlugin(counter), handle.dialect, systemClock);
    const prefix = randomBytes(4).toString('hex');
    const ids = Array.from({ length: jobs }, (_, i) => `${prefix}-${i}`);

    // Enqueued by a few callers at once, as concurrent API requests would (and to keep PostgreSQL,
    // which commits each insert on its own, within the time budget).
    const enqueueStart = nowMs();
    let nextId = 0;
    const enqueueOne = async (): Promise<void> => {
      while (nextId < ids.length) {
        const id = ids[nextId++]!;
        await queue.enqueue({ id, name: JOB_NAME, payload: { n: id }, maxAttempts: 3 });
      }
    };
    await Promise.all(Array.from({ length: ENQUEUERS }, enqueueOne));
    const enqueueMs = nowMs() - enqueueStart;

    let errors = 0;
    let handled = 0;
    counter.count = 0;
    const start = nowMs();
    const worker = queue.startWorker({
      concurrency: { [JOB_NAME]: CONCURRENCY },
      handle: async () => {
        handled += 1;
      },
      onFailed: async () => {
        errors += 1;
      },
      onError: () => {
        errors += 1;
      },
      leaseMs: 30_000,
      heartbeatMs: 2_000,
      pollMs: 500,
      timeoutMs: 60_000,
      backoff: { baseMs: 1_000, maxMs: 10_000 },
    });
    // Completion is read from the database (the handler runs before the row is marked completed).
    const deadline = start + 120_000;
    let completed = 0;
    while (completed < jobs) {
      if (nowMs() > deadline) throw new Error(`only ${completed} of ${jobs} jobs completed within 120 s (${handled} handled, ${errors} errors)`);
      await delay(25);
      completed = await countCompleted(handle);
    }
    const jobsMs = nowMs() - start;
    const statements = counter.count;
    await worker.close();

    // Baseline: single-row UPDATEs by primary key, one after the other, each its own transaction.
    const sample = ids.slice(0, BASELINE_UPDATES);
    const updateStart = nowMs();
    for (const id of sample) await handle.db.updateTable('jobs').set({ lease_until: 1 }).where('id', '=', id).execute();
    const updateMs = nowMs() - updateStart;

    return {
      enqueuePerS: jobs / (enqueueMs / 1000),
      jobsPerS: jobs / (jobsMs / 1000),
      statementsPerJob: statements / jobs,
      updatesPerS: sample.length / (updateMs / 1000),
      errors,
    };
  } finally {
    await handle.close();
  }
}

async function countCompleted(handle: DatabaseHandle): Promise<number> {
  const row = await handle.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number | string>().as('n')).where('state', '=', 'completed').executeTakeFirstOrThrow();
  return Number(row.n);
}

function describe(r: RoundResult, jobs: number): string {
  return `enqueue ${fmt(r.enqueuePerS, 0)} jobs/s, run ${jobs} no-op jobs ${fmt(r.jobsPerS, 0)} jobs/s (${fmt(r.statementsPerJob, 2)} statements/job), single UPDATE ${fmt(r.updatesPerS, 0)}/s${r.errors ? `, ${r.errors} errors` : ''}`;
}

function summarize(dialect: string, results: RoundResult[], jobs: number): SummaryRow[] {
  const jobsPerS = median(results.map((r) => r.jobsPerS));
  const updatesPerS = median(results.map((r) => r.updatesPerS));
  const enqueuePerS = median(results.map((r) => r.enqueuePerS));
  const errors = results.reduce((n, r) => n + r.errors, 0);
  return [
    {
      benchmark: 'queue',
      metric: `${dialect}: ${jobs} no-op jobs (jobs/s)${errors ? ` [${errors} errors]` : ''}`,
      value: fmt(jobsPerS, 0),
      baseline: `1 UPDATE ${fmt(updatesPerS, 0)}/s`,
      ratio: ratio(jobsPerS, updatesPerS),
      goal: dialect === 'sqlite' ? `>= ${GOAL_JOBS_PER_S} jobs/s` : '',
      met: dialect === 'sqlite' ? jobsPerS >= GOAL_JOBS_PER_S && errors === 0 : null,
    },
    { benchmark: 'queue', metric: `${dialect}: worker SQL statements per job`, value: fmt(median(results.map((r) => r.statementsPerJob)), 2), baseline: '', ratio: '', goal: '', met: null },
    { benchmark: 'queue', metric: `${dialect}: enqueue, ${ENQUEUERS} callers (jobs/s)`, value: fmt(enqueuePerS, 0), baseline: `1 UPDATE ${fmt(updatesPerS, 0)}/s`, ratio: ratio(enqueuePerS, updatesPerS), goal: '', met: null },
  ];
}

function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 100 || n > 200_000) throw new Error(`${name} must be a whole number 100-200000, not ${JSON.stringify(raw)}`);
  return n;
}

