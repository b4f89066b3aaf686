import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { BlobStore } from '../src/adapters/blob/blob-store.js';
import { LocalBlobStore } from '../src/adapters/blob/local.blob-store.js';
import { S3BlobStore } from '../src/adapters/blob/s3.blob-store.js';
import { systemClock } from '../src/adapters/clock.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../src/adapters/db/database.js';
import { BullJobQueue } from '../src/adapters/queue/bull.job-queue.js';
import { DbJobQueue } from '../src/adapters/queue/db.job-queue.js';
import type { JobQueue } from '../src/adapters/queue/job-queue.js';
import { makeVideo } from '../test/helpers/media.js';
import { deleteKeys, startOwnRedis, type OwnRedis } from '../test/helpers/redis-server.js';
import { startFauxqs, startS3rver, type S3Server } from '../test/helpers/s3-server.js';
import { fmt, median, MiB, nowMs, ratio, runCommand, settleDisk, type Benchmark, type SummaryRow } from './lib/bench.js';
import { copyBuild, startServe, startWorker, type CamtroveChild } from './lib/build-copy.js';
import { makeTempDir, sizeFromEnv, writeRandomFile } from './lib/files.js';
import { inParallel, intFromEnv, postgresUnreachable, redisUnreachable } from './lib/loopback.js';
import { createSchema } from './lib/postgres.js';

// Loopback only; each can be overridden, "off" skips the parts that need it.
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const NAME = 'scale';
const NOOP = 'noop';
const QUEUE_CONCURRENCY = 64;
const ENQUEUERS = 8;
/** HTTP requests in flight while analyses are enqueued through the API. */
const API_CALLERS = 16;
const BUCKET = 'scale-bench';
const CLIP_SECONDS = 4;

/**
 * How camtrove scales out, in three parts:
 * (1) queue overhead: no-op jobs through the JobQueue port in this process (DbJobQueue on SQLite and
 *     PostgreSQL, BullJobQueue on the shared Redis and on a Redis of its own that fsyncs every write),
 *     against SQLite;
 * (2) analyses per second with 1, 2 and 4 `camtrove worker` processes on PostgreSQL + Redis + S3
 *     (s3rver), enqueued through one `camtrove serve --no-workers`: I/O-bound `sleep` and CPU-bound
 *     `thumbnail` (ffmpeg), against 1 worker;
 * (3) BlobStore put/get of one big stream and of many small objects on the local folder and on an S3
 *     emulator in this process (s3rver on disk; BENCH_SCALE_S3=s3rver,fauxqs adds fauxqs, in memory),
 *     each round under a new key prefix, against `cp` of the same bytes.
 */
export const scaleBenchmark: Benchmark = {
  name: NAME,
  description: 'scaling out: queue overhead per backend, analyses/s with 1-4 worker processes, S3 vs local blob throughput',
  needsBuild: true,
  async run({ rounds, log }) {
    const postgresUrl = process.env.BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
    const redisUrl = process.env.BENCH_REDIS_URL ?? DEFAULT_REDIS_URL;
    const noPostgres = postgresUrl === 'off' ? 'BENCH_POSTGRES_URL=off' : await postgresUnreachable(postgresUrl);
    const noRedis = redisUrl === 'off' ? 'BENCH_REDIS_URL=off' : await redisUnreachable(redisUrl);
    const parts = (process.env.BENCH_SCALE_PARTS ?? 'queue,workers,blobs').split(',').map((p) => p.trim());
    const rows: SummaryRow[] = [];
    if (parts.includes('queue')) rows.push(...(await queuePart(rounds, log, { postgresUrl, redisUrl, noPostgres, noRedis })));
    if (parts.includes('workers')) {
      const skip = noPostgres ?? noRedis;
      if (skip) {
        log(`worker processes skipped: ${skip}`);
        rows.push(row('workers: skipped (needs PostgreSQL and Redis)', '', '', ''));
      } else rows.push(...(await workersPart(rounds, log, postgresUrl, redisUrl)));
    }
    if (parts.includes('blobs')) rows.push(...(await blobsPart(rounds, log)));
    return rows;
  },
};

function row(metric: string, value: string, baseline: string, ratioText: string): SummaryRow {
  return { benchmark: NAME, metric, value, baseline, ratio: ratioText, goal: '', met: null };
}

// ---------------------------------------------------------------------------------------------
// (1) Queue overhead per job on each backend

interface QueueRound {
  enqueuePerS: number;
  jobsPerS: number;
  errors: number;
}

interface QueueBackend {
  label: string;
  /** A fresh, empty queue for one round; `completed` counts finished jobs as the backend records them. */
  open(): Promise<{ queue: JobQueue; completed(): Promise<number>; close(): Promise<void> }>;
}

async function queuePart(
  rounds: number,
  log: (m: string) => void,
  env: { postgresUrl: string; redisUrl: string; noPostgres: string | null; noRedis: string | null },
): Promise<SummaryRow[]> {
  const jobs = intFromEnv('BENCH_SCALE_QUEUE_JOBS', 2000, 100, 200_000);
  const dir = await makeTempDir('scale-queue');
  let ownRedis: OwnRedis | null = null;
  const backends: QueueBackend[] = [];
  const skipped: string[] = [];
  try {
    let sqliteRound = 0;
    backends.push({
      label: 'DbJobQueue on SQLite',
      open: async () => dbBackend(openDatabase({ dataDir: join(dir.path, `round-${(sqliteRound += 1)}`), databaseUrl: '' })),
    });
    if (env.noPostgres) skipped.push(`PostgreSQL (${env.noPostgres})`);
    else {
      backends.push({
        label: 'DbJobQueue on PostgreSQL',
        open: async () => {
          const schema = await createSchema(env.postgresUrl);
          const backend = await dbBackend(openDatabase({ dataDir: '', databaseUrl: schema.url }));
          return { ...backend, close: async () => (await backend.close(), await schema.drop()) };
        },
      });
    }
    if (env.noRedis) skipped.push(`shared Redis (${env.noRedis})`);
    else backends.push({ label: 'BullJobQueue, shared Redis', open: () => bullBackend(env.redisUrl, log) });
    if (process.env.BENCH_SCALE_OWN_REDIS !== 'off') {
      try {
        ownRedis = await startOwnRedis();
        const url = ownRedis.url;
        backends.push({ label: 'BullJobQueue, Redis AOF fsync always', open: () => bullBackend(url, log) });
      } catch (error) {
        skipped.push(`own Redis (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    for (const s of skipped) log(`queue: skipped ${s}`);

    const results = new Map<string, QueueRound[]>();
    for (let round = 1; round <= rounds; round += 1) {
      for (const backend of backends) {
        const opened = await backend.open();
        let result: QueueRound;
        try {
          result = await measureQueue(opened.queue, () => opened.completed(), jobs);
        } finally {
          await opened.close();
        }
        results.set(backend.label, [...(results.get(backend.label) ?? []), result]);
        log(`queue round ${round}, ${backend.label}: enqueue ${fmt(result.enqueuePerS, 0)} jobs/s, run ${jobs} no-op jobs ${fmt(result.jobsPerS, 0)} jobs/s (${fmt(1e6 / result.jobsPerS, 0)} µs/job)${result.errors ? `, ${result.errors} errors` : ''}`);
      }
    }

    const rows: SummaryRow[] = [];
    const base = results.get(backends[0]!.label)!;
    const baseRun = median(base.map((r) => r.jobsPerS));
    const baseEnqueue = median(base.map((r) => r.enqueuePerS));
    for (const backend of backends) {
      const rs = results.get(backend.label)!;
      const run = median(rs.map((r) => r.jobsPerS));
      const enqueue = median(rs.map((r) => r.enqueuePerS));
      const errors = rs.reduce((n, r) => n + r.errors, 0);
      rows.push(row(`queue: ${backend.label}, ${jobs} no-op jobs, jobs/s (µs/job)${errors ? ` [${errors} errors]` : ''}`, `${fmt(run, 0)} (${fmt(1e6 / run, 0)} µs)`, `SQLite ${fmt(baseRun, 0)}/s`, ratio(run, baseRun)));
      rows.push(row(`queue: ${backend.label}, enqueue by ${ENQUEUERS} callers, jobs/s`, fmt(enqueue, 0), `SQLite ${fmt(baseEnqueue, 0)}/s`, ratio(enqueue, baseEnqueue)));
    }
    for (const s of skipped) rows.push(row(`queue: skipped ${s.replace(/ \(.*$/, '')}`, '', '', ''));
    return rows;
  } finally {
    await ownRedis?.stop();
    await dir.remove();
  }
}

async function dbBackend(handle: DatabaseHandle): Promise<{ queue: JobQueue; completed(): Promise<number>; close(): Promise<void> }> {
  try {
    await migrateToLatest(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    queue: new DbJobQueue(handle.db, handle.dialect, systemClock),
    completed: async () => {
      const found = await handle.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number | string>().as('n')).where('state', '=', 'completed').executeTakeFirstOrThrow();
      return Number(found.n);
    },
    close: () => handle.close(),
  };
}

/** Start-up warnings already printed (one per Redis, not one per round). */
const warned = new Set<string>();

async function bullBackend(url: string, log: (m: string) => void): Promise<{ queue: JobQueue; completed(): Promise<number>; close(): Promise<void> }> {
  const prefix = `bench-scale-${randomBytes(6).toString('hex')}`;
  const queue = await BullJobQueue.open({ url, prefix });
  for (const warning of queue.warnings) {
    if (!warned.has(`${url} ${warning}`)) log(`queue: ${url}: ${warning}`);
    warned.add(`${url} ${warning}`);
  }
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const counter = new Queue(NOOP, { connection, prefix });
  return {
    queue,
    completed: () => counter.getCompletedCount(),
    close: async () => {
      await counter.close();
      connection.disconnect();
      await queue.close();
      await deleteKeys(url, prefix);
    },
  };
}

/** Enqueues `jobs` no-op jobs from a few callers, then times one worker (concurrency 64) until the backend records all as completed. */
async function measureQueue(queue: JobQueue, completed: () => Promise<number>, jobs: number): Promise<QueueRound> {
  const tag = randomBytes(4).toString('hex');
  const enqueueStart = nowMs();
  let nextId = 0;
  await Promise.all(
    Array.from({ length: ENQUEUERS }, async () => {
      while (nextId < jobs) {
        const id = `${tag}-${nextId++}`;
        await queue.enqueue({ id, name: NOOP, payload: { id }, maxAttempts: 3 });
      }
    }),
  );
  const enqueueMs = nowMs() - enqueueStart;

  let errors = 0;
  const start = nowMs();
  const worker = queue.startWorker({
    concurrency: { [NOOP]: QUEUE_CONCURRENCY },
    handle: async () => undefined,
    onFailed: async () => void (errors += 1),
    onError: () => void (errors += 1),
    leaseMs: 30_000,
    heartbeatMs: 2_000,
    pollMs: 500,
    timeoutMs: 60_000,
    backoff: { baseMs: 1_000, maxMs: 10_000 },
  });
  try {
    const deadline = start + 120_000;
    let done = 0;
    while (done < jobs) {
      if (nowMs() > deadline) throw new Error(`only ${done} of ${jobs} no-op jobs completed within 120 s (${errors} errors)`);
      await delay(20);
      done = await completed();
    }
    return { enqueuePerS: jobs / (enqueueMs / 1000), jobsPerS: jobs / ((nowMs() - start) / 1000), errors };
  } finally {
    await worker.close();
  }
}

// ---------------------------------------------------------------------------------------------
// (2) Analyses per second with 1, 2 and 4 worker processes

interface Workload {
  label: string;
  analysis: string;
  count: number;
  body(i: number, fileId: string): Record<string, unknown>;
}

async function workersPart(rounds: number, log: (m: string) => void, postgresUrl: string, redisUrl: string): Promise<SummaryRow[]> {
  const counts = (process.env.BENCH_SCALE_WORKERS ?? '1,2,4').split(',').map((n) => Number(n));
  if (counts.length === 0 || counts.some((n) => !Number.isSafeInteger(n) || n < 1 || n > 16)) throw new Error(`BENCH_SCALE_WORKERS must list worker counts 1-16, e.g. 1,2,4, not ${JSON.stringify(process.env.BENCH_SCALE_WORKERS)}`);
  const sleeps = intFromEnv('BENCH_SCALE_SLEEPS', 240, 10, 100_000);
  const thumbnails = intFromEnv('BENCH_SCALE_THUMBNAILS', 16, 4, 10_000);
  const sleepConcurrency = intFromEnv('BENCH_SCALE_SLEEP_CONCURRENCY', 8, 1, 256);
  const cpuConcurrency = intFromEnv('BENCH_SCALE_CPU_CONCURRENCY', 1, 1, 64);
  const workloads: Workload[] = [
    { label: `I/O-bound (${sleeps} × sleep 0.2 s, ${sleepConcurrency} at once per worker)`, analysis: 'sleep', count: sleeps, body: () => ({ analysis: 'sleep', params: { time: 0.2 } }) },
    {
      label: `CPU-bound (${thumbnails} × thumbnail of a 720p clip by ffmpeg, ${cpuConcurrency} at once per worker)`,
      analysis: 'thumbnail',
      count: thumbnails,
      // A different frame each time, so no two results are the same.
      body: (i, fileId) => ({ analysis: 'thumbnail', file_id: fileId, params: { t: Number((((i * 7) % 390) / 100).toFixed(2)), width: 320 } }),
    },
  ];
  log(`workers: PostgreSQL + Redis + s3rver, one API process (serve --no-workers), worker counts ${counts.join(', ')}; ${workloads.map((w) => w.label).join('; ')}`);

  const dir = await makeTempDir('scale-workers');
  const s3 = await startS3rver();
  // Every process runs a copy of dist/ taken now: the checkout may be rebuilt while this part runs.
  const build = await copyBuild();
  const started = new Set<CamtroveChild>();
  const track = (p: CamtroveChild) => (started.add(p), p);
  const stopStarted = async () => {
    await Promise.all([...started].map((p) => p.stop(5_000)));
    started.clear();
  };
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // workload label → worker count → per-round results
  const results = new Map<string, Map<number, { perS: number; enqueuePerS: number }[]>>();
  try {
    await s3.createBucket(BUCKET);
    const clip = await readFile(await makeVideo(join(dir.path, 'clip.mp4'), { seconds: CLIP_SECONDS, width: 1280, height: 720, fps: 25 }));
    for (let round = 1; round <= rounds; round += 1) {
      const schema = await createSchema(postgresUrl);
      const roundDir = join(dir.path, `round-${round}`);
      const host = (name: string): NodeJS.ProcessEnv => ({
        ...process.env,
        ...s3.env,
        CAMTROVE_DATA: join(roundDir, name),
        CAMTROVE_DATABASE_URL: schema.url,
        CAMTROVE_QUEUE: redisUrl,
        CAMTROVE_STORAGE: `s3://${BUCKET}/round-${round}-${randomBytes(3).toString('hex')}`,
        CAMTROVE_CONCURRENCY: `${cpuConcurrency},sleep=${sleepConcurrency}`,
      });
      const hostEnv = host('api');
      // Every process of the round must name the same storage: fix the random part once.
      const storage = hostEnv.CAMTROVE_STORAGE!;
      const database = new pg.Pool({ connectionString: schema.url, max: 2 });
      let libraryPrefix = '';
      try {
        const api = await startServe(build.bin, hostEnv, ['--no-workers']);
        track(api.process);
        const fileId = await uploadClip(api, clip);
        libraryPrefix = `camtrove:${String((await database.query<{ id: string }>('SELECT id FROM library_identity')).rows[0]?.id)}`;
        // The order of worker counts turns each round, so slow drift of the machine's load does not always favour one.
        const order = counts.map((_, k) => counts[(k + round - 1) % counts.length]!);
        for (const n of order) {
          // Enqueued while the queues are paused and the workers start; timed from the resume, so
          // neither the API's enqueue rate nor the workers' start-up is in the figure.
          const enqueued: { workload: Workload; enqueuePerS: number; queue: Queue }[] = [];
          for (const workload of workloads) {
            const queue = new Queue(workload.analysis, { connection: redis, prefix: libraryPrefix });
            await queue.pause();
            enqueued.push({ workload, queue, enqueuePerS: await enqueueBatch(api, workload, fileId) });
          }
          const workers = await Promise.all(Array.from({ length: n }, (_, k) => startWorker(build.bin, { ...host(`worker-${n}-${k}`), CAMTROVE_STORAGE: storage }).then(track)));
          try {
            for (const { workload, queue, enqueuePerS } of enqueued) {
              const perS = await runBatch(database, workload, () => queue.resume(), workers);
              const byCount = results.get(workload.label) ?? new Map<number, { perS: number; enqueuePerS: number }[]>();
              byCount.set(n, [...(byCount.get(n) ?? []), { perS, enqueuePerS }]);
              results.set(workload.label, byCount);
              log(`workers round ${round}, ${n} worker(s), ${workload.analysis}: ${fmt(perS, 1)} analyses/s (enqueued beforehand through the API at ${fmt(enqueuePerS, 0)}/s)`);
            }
          } finally {
            await stopAll(workers);
            for (const { queue } of enqueued) await queue.close();
          }
        }
      } finally {
        await stopStarted();
        await database.end();
        if (libraryPrefix !== '') await deleteKeys(redisUrl, libraryPrefix);
        await schema.drop();
        await rm(roundDir, { recursive: true, force: true });
      }
    }
  } finally {
    await stopStarted();
    await build.remove();
    redis.disconnect();
    await s3.stop();
    await dir.remove();
  }

  const rows: SummaryRow[] = [];
  for (const workload of workloads) {
    const byCount = results.get(workload.label)!;
    const base = median(byCount.get(counts[0]!)!.map((r) => r.perS));
    for (const n of counts) {
      const perS = median(byCount.get(n)!.map((r) => r.perS));
      rows.push(row(`workers: ${workload.label}, ${n} worker process(es), analyses/s`, fmt(perS, 1), `${counts[0]} worker ${fmt(base, 1)}/s`, ratio(perS, base)));
    }
    const enqueue = median([...byCount.values()].flat().map((r) => r.enqueuePerS));
    rows.push(row(`workers: ${workload.analysis} enqueued through POST /api/analyses, ${API_CALLERS} at once, analyses/s`, fmt(enqueue, 0), '', ''));
  }
  return rows;
}

async function uploadClip(api: { url: string }, clip: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([clip]), 'clip.mp4');
  const response = await fetch(`${api.url}/api/files`, { method: 'POST', body: form });
  const answer = (await response.json()) as { file_id?: string };
  if (!response.ok || typeof answer.file_id !== 'string') throw new Error(`POST /api/files: ${response.status} ${JSON.stringify(answer)}`);
  return answer.file_id;
}

/** Posts a workload's analyses to the API, a few requests at once; returns analyses enqueued per second. */
async function enqueueBatch(api: { url: string }, workload: Workload, fileId: string): Promise<number> {
  const start = nowMs();
  await inParallel(workload.count, API_CALLERS, async (i) => {
    const response = await fetch(`${api.url}/api/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(workload.body(i, fileId)) });
    const answer = await response.text();
    if (!response.ok) throw new Error(`POST /api/analyses: ${response.status} ${answer}`);
  });
  return workload.count / ((nowMs() - start) / 1000);
}

/**
 * Starts the workload's waiting analyses (`release` resumes their queue) and times them from then
 * until the last one finished (its finished_at in the database, epoch ms); analyses per second.
 */
async function runBatch(database: pg.Pool, workload: Workload, release: () => Promise<void>, workers: CamtroveChild[]): Promise<number> {
  const counts = async () => {
    const found = await database.query<{ state: string; n: string; last: string | null }>('SELECT state, count(*) AS n, max(finished_at) AS last FROM analyses WHERE analysis = $1 GROUP BY state', [workload.analysis]);
    const of = (state: string) => found.rows.find((r) => r.state === state);
    return { success: Number(of('SUCCESS')?.n ?? 0), failed: Number(of('FAILURE')?.n ?? 0) + Number(of('CANCELLED')?.n ?? 0), last: Number(of('SUCCESS')?.last ?? 0) };
  };
  const before = await counts();
  const startEpoch = Date.now();
  const start = nowMs();
  await release();
  const deadline = start + 300_000;
  for (;;) {
    const now = await counts();
    if (now.failed > before.failed) throw new Error(`${now.failed - before.failed} ${workload.analysis} analyses failed; worker output: ${workers.map((w) => w.stderr.slice(-1500)).join('\n')}`);
    if (now.success >= before.success + workload.count) {
      // The last analysis's end, without the polling interval.
      const elapsedMs = now.last > startEpoch ? now.last - startEpoch : nowMs() - start;
      return workload.count / (elapsedMs / 1000);
    }
    if (nowMs() > deadline) throw new Error(`only ${now.success - before.success} of ${workload.count} ${workload.analysis} analyses succeeded within 300 s`);
    if (workers.some((w) => !w.running)) throw new Error(`a worker exited: ${workers.map((w) => w.stderr.slice(-1500)).join('\n')}`);
    await delay(50);
  }
}

async function stopAll(workers: CamtroveChild[]): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
}

// ---------------------------------------------------------------------------------------------
// (3) Blob put/get throughput: S3 emulators against the local folder, against cp

interface BlobRound {
  bigPut: number;
  bigGet: number;
  smallPut: number;
  smallGet: number;
}

async function blobsPart(rounds: number, log: (m: string) => void): Promise<SummaryRow[]> {
  const bigSize = sizeFromEnv('BENCH_SCALE_STREAM_MIB', 256);
  const objects = intFromEnv('BENCH_SCALE_OBJECTS', 2000, 16, 100_000);
  const objectSize = intFromEnv('BENCH_SCALE_OBJECT_KIB', 64, 1, 65_536) * 1024;
  const width = intFromEnv('BENCH_SCALE_OBJECTS_AT_ONCE', 16, 1, 256);
  const emulators = (process.env.BENCH_SCALE_S3 ?? 's3rver').split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'off');
  for (const e of emulators) if (e !== 's3rver' && e !== 'fauxqs') throw new Error(`BENCH_SCALE_S3 lists s3rver and/or fauxqs (or off), not ${JSON.stringify(e)}`);
  log(`blobs: one ${fmt(bigSize / MiB, 0)} MiB stream and ${objects} objects of ${fmt(objectSize / 1024, 0)} KiB (${width} at once); put and get (into a local file); local folder, ${emulators.join(', ') || 'no S3 emulator'}, cp`);

  const dir = await makeTempDir('scale-blobs');
  const servers: S3Server[] = [];
  const results = new Map<string, BlobRound[]>();
  const add = (label: string, r: BlobRound) => results.set(label, [...(results.get(label) ?? []), r]);
  try {
    const bigFile = join(dir.path, 'big.bin');
    await writeRandomFile(bigFile, bigSize);
    const smallDir = join(dir.path, 'small');
    await mkdir(smallDir);
    const smallFiles = Array.from({ length: objects }, (_, i) => join(smallDir, `object-${i}.bin`));
    for (const path of smallFiles) await writeFile(path, randomBytes(objectSize));
    for (const name of emulators) {
      const server = name === 's3rver' ? await startS3rver() : await startFauxqs();
      servers.push(server);
      await server.createBucket(BUCKET);
    }

    for (let round = 1; round <= rounds; round += 1) {
      const roundDir = join(dir.path, `round-${round}`);
      await mkdir(roundDir);
      try {
        const cp = await measureCp(bigFile, smallDir, roundDir);
        add('cp', cp);
        log(`blobs round ${round}, cp: ${describeBlob(cp)}`);
        const local = new LocalBlobStore(join(roundDir, 'local-blobs'));
        await local.init();
        const localResult = await measureStore(local, bigFile, smallFiles, join(roundDir, 'local-out'), width);
        add('local folder', localResult);
        log(`blobs round ${round}, local folder: ${describeBlob(localResult)}`);
        await rm(join(roundDir, 'local-blobs'), { recursive: true, force: true });
        for (const server of servers) {
          const store = new S3BlobStore({ client: server.client(), endpoint: server.endpoint, bucket: BUCKET, prefix: `round-${round}`, cacheDir: join(roundDir, `${server.name}-cache`), cacheBytes: 64 * MiB });
          await store.init();
          try {
            const r = await measureStore(store, bigFile, smallFiles, join(roundDir, `${server.name}-out`), width);
            add(`S3 (${server.name})`, r);
            log(`blobs round ${round}, S3 (${server.name}): ${describeBlob(r)}`);
          } finally {
            await store.close();
          }
        }
      } finally {
        await rm(roundDir, { recursive: true, force: true });
      }
    }
  } finally {
    for (const server of servers) await server.stop();
    await dir.remove();
  }

  const m = (label: string, pick: (r: BlobRound) => number) => median((results.get(label) ?? []).map(pick));
  const rows: SummaryRow[] = [];
  const specs: { key: keyof BlobRound; what: string; unit: string }[] = [
    { key: 'bigPut', what: `put ${fmt(bigSize / MiB, 0)} MiB stream`, unit: 'MiB/s' },
    { key: 'bigGet', what: `get ${fmt(bigSize / MiB, 0)} MiB stream`, unit: 'MiB/s' },
    { key: 'smallPut', what: `put ${objects} × ${fmt(objectSize / 1024, 0)} KiB, ${width} at once`, unit: 'objects/s' },
    { key: 'smallGet', what: `get ${objects} × ${fmt(objectSize / 1024, 0)} KiB, ${width} at once`, unit: 'objects/s' },
  ];
  for (const spec of specs) {
    const base = m('cp', (r) => r[spec.key]);
    for (const label of [...results.keys()].filter((l) => l !== 'cp')) {
      const value = m(label, (r) => r[spec.key]);
      const mibPerS = spec.unit === 'objects/s' ? ` (${fmt((value * objectSize) / MiB, 0)} MiB/s)` : '';
      rows.push(row(`blobs: ${label}, ${spec.what}, ${spec.unit}`, `${fmt(value, 0)}${mibPerS}`, `cp ${fmt(base, 0)} ${spec.unit}`, ratio(value, base)));
    }
    // S3 against the local folder, the store it would replace.
    const local = m('local folder', (r) => r[spec.key]);
    for (const label of [...results.keys()].filter((l) => l.startsWith('S3'))) {
      const value = m(label, (r) => r[spec.key]);
      rows.push(row(`blobs: ${label} against the local folder, ${spec.what}, ${spec.unit}`, fmt(value, 0), `local ${fmt(local, 0)} ${spec.unit}`, ratio(value, local)));
    }
  }
  return rows;
}

function describeBlob(r: BlobRound): string {
  return `big put ${fmt(r.bigPut, 0)} MiB/s, get ${fmt(r.bigGet, 0)} MiB/s; small put ${fmt(r.smallPut, 0)}/s, get ${fmt(r.smallGet, 0)}/s`;
}

/** cp of the same bytes: the big file into a folder and back out, the small files as one `cp -r` each way. */
async function measureCp(bigFile: string, smallDir: string, roundDir: string): Promise<BlobRound> {
  const bigBytes = (await stat(bigFile)).size;
  const count = (await readdir(smallDir)).length;
  const stored = join(roundDir, 'cp-store');
  const out = join(roundDir, 'cp-out');
  await mkdir(stored);
  await mkdir(out);
  const time = async (args: string[]) => {
    await settleDisk();
    const t0 = nowMs();
    await runCommand('cp', args);
    return (nowMs() - t0) / 1000;
  };
  const bigPut = await time([bigFile, join(stored, 'big.bin')]);
  const bigGet = await time([join(stored, 'big.bin'), join(out, 'big.bin')]);
  const smallPut = await time(['-r', smallDir, join(stored, 'small')]);
  const smallGet = await time(['-r', join(stored, 'small'), join(out, 'small')]);
  await rm(stored, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
  return { bigPut: bigBytes / MiB / bigPut, bigGet: bigBytes / MiB / bigGet, smallPut: count / smallPut, smallGet: count / smallGet };
}

/**
 * Through the BlobStore port: the big file as one put() stream, then read() into a local file; the
 * small files each read and putBytes() (a camera frame's path), then each read() into a file.
 */
async function measureStore(store: BlobStore, bigFile: string, smallFiles: string[], outDir: string, width: number): Promise<BlobRound> {
  await mkdir(outDir, { recursive: true });
  const toFile = (from: Readable, path: string) => pipeline(from, createWriteStream(path));

  await settleDisk();
  let t0 = nowMs();
  const big = await store.put(createReadStream(bigFile));
  const bigPut = (nowMs() - t0) / 1000;
  await settleDisk();
  t0 = nowMs();
  await toFile(store.read(big.id), join(outDir, 'big.bin'));
  const bigGet = (nowMs() - t0) / 1000;

  await settleDisk();
  t0 = nowMs();
  const ids = await inParallel(smallFiles.length, width, async (i) => (await store.putBytes(await readFile(smallFiles[i]!))).id);
  const smallPut = (nowMs() - t0) / 1000;
  await settleDisk();
  t0 = nowMs();
  await inParallel(ids.length, width, (i) => toFile(store.read(ids[i]!), join(outDir, `object-${i}.bin`)));
  const smallGet = (nowMs() - t0) / 1000;

  await rm(outDir, { recursive: true, force: true });
  return { bigPut: big.size / MiB / bigPut, bigGet: big.size / MiB / bigGet, smallPut: smallFiles.length / smallPut, smallGet: smallFiles.length / smallGet };
}
