import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/db/database.js';
import { Processes, waitUntil, type CamtroveProcess, type Server } from '../helpers/cli.js';
import { makeFrames, startCameraSimulator, type CameraSimulator } from '../helpers/camera-simulator.js';
import { fileForm } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { startFauxqs, type S3Server } from '../helpers/s3-server.js';
import { createTestEnv, testDatabaseUrl, type TestEnv } from '../helpers/test-library.js';

// camtrove as it runs on several hosts: API processes and workers that share only PostgreSQL, Redis
// (BullMQ) and an S3 store, each with a data folder of its own. One worker is killed and Redis is
// restarted while they work.

const ANALYSES = 1000;
const THUMBNAILS = 100;
const CAMERAS = 200;
const ARCHIVE_INTERVAL_S = 5;
const LEASE_MS = 3000;
const BUCKET = 'fleet';
const PREFIX = 'library';

const noPostgres = testDatabaseUrl ? false : 'PostgreSQL only: runs in the PostgreSQL pass';

describe('camtrove on several hosts: PostgreSQL, Redis and S3', () => {
  let env: TestEnv;
  let redis: OwnRedis;
  let s3: S3Server;
  let cameras: CameraSimulator;
  const processes = new Processes();

  before(async () => {
    if (noPostgres) return;
    env = await createTestEnv();
    redis = await startOwnRedis();
    s3 = await startFauxqs();
    await s3.createBucket(BUCKET);
    cameras = await startCameraSimulator(await makeFrames(4, '160x120'));
  });
  after(async () => {
    if (noPostgres) return;
    await processes.killAll();
    await cameras?.close();
    await s3?.stop();
    await redis?.stop();
    await env?.cleanup();
  });

  /** The environment of one host: the shared services, and a data folder of its own. */
  const host = (name: string): NodeJS.ProcessEnv => ({
    ...env.env(),
    ...s3.env,
    CAMTROVE_DATA: join(env.dir, name),
    CAMTROVE_QUEUE: redis.url,
    CAMTROVE_STORAGE: `s3://${BUCKET}/${PREFIX}`,
    CAMTROVE_LEASE: String(LEASE_MS),
    CAMTROVE_CONCURRENCY: '8',
    CAMTROVE_ARCHIVE_DIFF: '0',
  });

  it('finishes every analysis once, archives every camera in one worker at a time, and loses or orphans no blob, through a worker kill -9 and a Redis restart', { skip: noPostgres, timeout: 400_000 }, async () => {
    const apis: Server[] = [await processes.serve(host('api-1'), ['--no-workers']), await processes.serve(host('api-2'), ['--no-workers'])];
    const workers: CamtroveProcess[] = [];
    for (let i = 1; i <= 3; i += 1) workers.push(await processes.worker(host(`worker-${i}`)));
    const database = openDatabase(env.config());
    try {
      // Files through one API, cameras and analyses through both, as a load balancer would spread them.
      const clip = await readFile(await makeVideo(join(env.dir, 'clip.mp4'), { seconds: 2, width: 160, height: 90 }));
      const uploaded = await post(apis[0]!, '/api/files', fileForm(clip, 'clip.mp4'));
      const fileId = String(uploaded.file_id);
      await inParallel(CAMERAS, 16, (i) => post(apis[i % 2]!, '/api/cameras', { id: `cam-${i}`, type: 'snapshot', snapshot_url: `${cameras.url}/unique.jpg?cam=${i}`, archive_interval: ARCHIVE_INTERVAL_S }));
      const ids = await inParallel(ANALYSES, 16, async (i) => {
        const body = i < THUMBNAILS ? { analysis: 'thumbnail', file_id: fileId, params: { t: (i % 19) / 10, width: 64 } } : { analysis: 'sleep', params: { time: 0.05 } };
        return String((await post(apis[i % 2]!, '/api/analyses', body)).analysis_id);
      });
      assert.equal(new Set(ids).size, ANALYSES);

      // In the middle: one worker dies without a word, then Redis is killed and comes back.
      await waitUntil('a third of the analyses finish', async () => (await succeeded(database)) >= ANALYSES / 3, 120_000, 200);
      const victim = workers[0]!;
      const victimCameras = await camerasOf(database, victim);
      victim.kill('SIGKILL');
      await victim.exited;
      const killedAt = Date.now();
      await redis.kill();
      await sleep(500);
      await redis.restart();

      await waitUntil(`all ${ANALYSES} analyses succeed`, async () => (await succeeded(database)) === ANALYSES || undefined, 120_000, 250).catch(async (error: unknown) => {
        const problems = [...apis.map((a) => a.process), ...workers].flatMap((p) => p.logs().filter((l) => Number(l.level) >= 40).map((l) => `${p.args.join(' ')}: ${l.msg} ${(l.err as { message?: string } | undefined)?.message ?? ''}`));
        const failed = await database.db.selectFrom('analyses').select(['id', 'analysis', 'attempts', 'error_code', 'error_message']).where('state', '=', 'FAILURE').limit(5).execute();
        throw new Error(`${(error as Error).message}; analyses by state: ${JSON.stringify(await analysesByState(database))}; failed: ${JSON.stringify(failed)}; warnings and errors:\n${[...new Set(problems)].slice(-30).join('\n')}`);
      });
      assert.deepEqual(await analysesByState(database), [['SUCCESS', ANALYSES]]);
      // No analysis is recorded as succeeded by two processes (each says so in its log after the
      // database's conditional update; the killed worker may have died between the two).
      const successes = new Map<string, number>();
      for (const worker of workers) for (const line of worker.logs()) if (line.msg === 'analysis succeeded') successes.set(String(line.analysisId), (successes.get(String(line.analysisId)) ?? 0) + 1);
      assert.deepEqual([...successes].filter(([, n]) => n > 1), [], 'no analysis succeeded twice');

      // The dead worker's cameras are taken over by the living: three leases, one refresh, one interval.
      assert.ok(victimCameras.length > 0, `the killed worker (pid ${victim.child.pid}) was archiving cameras; claims are held by ${JSON.stringify((await database.db.selectFrom('camera_health').select('archiver').distinct().execute()).map((r) => r.archiver))}`);
      const takenOverBy = killedAt + 4 * LEASE_MS + ARCHIVE_INTERVAL_S * 1000;
      await waitUntil('every camera has frames after the takeover', async () => (await camerasWithFramesSince(database, takenOverBy + 2000)) === CAMERAS || undefined, 60_000, 500);
      for (const worker of workers.slice(1)) {
        worker.kill('SIGTERM');
        await worker.exited;
      }

      // Every frame due is stored once: no camera has two frames in one interval.
      const frames = await database.db.selectFrom('frames').select(['camera_id', 'captured_at_us']).orderBy('camera_id').orderBy('captured_at_us').execute();
      const byCamera = new Map<string, number[]>();
      for (const f of frames) byCamera.set(f.camera_id, [...(byCamera.get(f.camera_id) ?? []), Number(f.captured_at_us) / 1000]);
      assert.equal(byCamera.size, CAMERAS);
      for (const [camera, times] of byCamera) {
        const gaps = times.slice(1).map((t, k) => t - times[k]!);
        assert.ok(Math.min(...gaps) >= (ARCHIVE_INTERVAL_S * 1000) / 2, `${camera} was archived twice in one interval: gaps ${gaps.map((g) => Math.round(g)).join(', ')} ms`);
      }

      // No blob is lost or orphaned: the bucket holds exactly the library's files, each under its hash,
      // once the sweep has taken what the killed worker stored without recording (workers run it daily).
      const swept = await processes.run(['storage', 'sweep', '--older-than', '0s', '--json'], host('operator'), { timeoutMs: 60_000 });
      assert.equal(swept.code, 0, swept.stderr);
      const rows = new Set((await database.db.selectFrom('files').select('id').execute()).map((r) => r.id));
      const objects = await listKeys(s3.client(), `${PREFIX}/sha256/`);
      const stored = new Set(objects.map((key) => key.slice(`${PREFIX}/sha256/`.length)));
      assert.deepEqual([...rows].filter((id) => !stored.has(id)), [], 'files whose bytes are missing');
      assert.deepEqual([...stored].filter((id) => !rows.has(id)), [], 'blobs no file refers to');
      for (const id of [...stored].slice(0, 20)) {
        const body = await s3.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/sha256/${id}` }));
        assert.equal(createHash('sha256').update(await body.Body!.transformToByteArray()).digest('hex'), id);
      }
    } finally {
      await database.close();
    }
  });
});

async function post(server: Server, path: string, body: FormData | Record<string, unknown>): Promise<Record<string, unknown>> {
  const init = body instanceof FormData ? { method: 'POST', body } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(`${server.url}${path}`, init);
  const answer = (await response.json()) as Record<string, unknown>;
  assert.ok(response.status === 200 || response.status === 201, `${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Runs `count` calls, at most `width` at once, and returns their results in order. */
async function inParallel<T>(count: number, width: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await call(i);
    }
  }));
  return results;
}

async function analysesByState(database: DatabaseHandle): Promise<[string, number][]> {
  const rows = await database.db.selectFrom('analyses').select(['state']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('state').orderBy('state').execute();
  return rows.map((r) => [r.state, Number(r.n)]);
}

async function succeeded(database: DatabaseHandle): Promise<number> {
  const row = await database.db.selectFrom('analyses').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'SUCCESS').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The cameras a worker process holds now (its claims carry its pid). */
async function camerasOf(database: DatabaseHandle, worker: CamtroveProcess): Promise<string[]> {
  const rows = await database.db.selectFrom('camera_health').select(['camera_id', 'archiver']).where('archiver', 'is not', null).execute();
  return rows.filter((r) => r.archiver!.split(':')[1] === String(worker.child.pid)).map((r) => r.camera_id);
}

async function camerasWithFramesSince(database: DatabaseHandle, sinceMs: number): Promise<number> {
  const row = await database.db.selectFrom('frames').select((eb) => eb.fn.count<number>('camera_id').distinct().as('n')).where('captured_at_us', '>=', sinceMs * 1000).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function listKeys(client: S3Client, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
