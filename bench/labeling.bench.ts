import { randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { LibraryClient } from '../src/adapters/remote/library-client.js';
import { resolveConfig } from '../src/config/config.js';
import { metadataIndexRows } from '../src/domain/labeling/asset-metadata.js';
import { buildApp } from '../src/http/app.js';
import { openLibrary } from '../src/main.js';
import { Camtrove, type AppendAnswer } from '../src/sdk/index.js';
import { makeVideo, uniqueMp4 } from '../test/helpers/media.js';
import { fmt, nowMs, percentile, ratio, runCommand, timed, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir } from './lib/files.js';
import { createSchema } from './lib/postgres.js';
import { untilPrepared } from './lib/prepared.js';
import { startServer } from './lib/server.js';

const INTERFACE = { jobs: { VEHICLE: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], content: { categories: { CAR: { name: 'Car' } }, input: 'radio' } } } };
/** Plain uploads at a time: as many as the SDK sends of one call's local files. */
const UPLOADS_AT_ONCE = 4;
const SITES = 10;
const CAMERAS = 1000;

/**
 * Labeling at scale, against `camtrove serve` on loopback through the SDK:
 * - 1,000 short local videos added to a project (uploaded, inserted, then prepared: probed and
 *   their frames indexed), in assets/s, against plain `POST /api/files` uploads of the same files
 *   to another fresh server;
 * - a 100,000-image frame list (distinct small JPEGs from ffmpeg's image2 muxer) as one asset;
 * - `assets()` and `countAssets()` with metadata filters over 100,000 assets (goal < 100 ms), the
 *   assets written straight into the tables (adding 100,000 through the API would be the first
 *   figure again, for minutes), on SQLite and, with BENCH_POSTGRES_URL, PostgreSQL.
 * The time to serve a random frame is bench/frame-access.bench.ts's.
 */
export const labelingBenchmark: Benchmark = {
  name: 'labeling',
  description: 'labeling: 1,000 videos added as assets vs plain uploads, a 100,000-image frame list, assets() with a metadata filter over 100,000 assets',
  needsBuild: true,
  async run({ rounds, log }) {
    const videos = countFromEnv('BENCH_LABELING_VIDEOS', 1000);
    const frames = countFromEnv('BENCH_LABELING_FRAMES', 100_000);
    const assets = countFromEnv('BENCH_LABELING_ASSETS', 100_000);
    const dir = await makeTempDir('labeling');
    try {
      const rows: SummaryRow[] = [];
      const baseline = await plainUploads(dir.path, videos, log);
      rows.push(...(await videoAssets(dir.path, videos, baseline, log)));
      rows.push(...(await frameList(dir.path, frames, baseline, log)));
      const dialects = process.env.BENCH_POSTGRES_URL && process.env.BENCH_POSTGRES_URL !== 'off' ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
      for (const dialect of dialects) rows.push(...(await filteredAssets(dir.path, dialect, assets, rounds, log)));
      return rows;
    } finally {
      await dir.remove();
    }
  },
};

function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, not ${JSON.stringify(raw)}`);
  return n;
}

/** `count` distinct 1-second clips (one render, each made unique by a trailing box). */
async function writeVideos(dir: string, count: number): Promise<string[]> {
  await mkdir(join(dir, 'videos'), { recursive: true });
  const base = await readFile(await makeVideo(join(dir, 'base.mp4'), { seconds: 1, width: 160, height: 120, fps: 10 }));
  const paths = Array.from({ length: count }, (_, k) => join(dir, 'videos', `clip-${k}.mp4`));
  for (const [k, path] of paths.entries()) await writeFile(path, uniqueMp4(base, `clip ${k}`));
  return paths;
}

/** The baseline: the same kind of files, uploaded with POST /api/files one after the other (as the SDK sends them) to a fresh server. Files/s. */
async function plainUploads(dir: string, count: number, log: (m: string) => void): Promise<number> {
  const paths = await writeVideos(join(dir, 'plain'), count);
  const server = await startServer({ dataDir: join(dir, 'plain-data'), logFile: join(dir, 'plain.log') });
  const client = new LibraryClient(new URL(server.url), null);
  try {
    const { ms } = await timed(() => inPool(paths, UPLOADS_AT_ONCE, (path) => client.files.add(path, () => undefined)));
    const rate = count / (ms / 1000);
    log(`POST /api/files of ${count} clips: ${fmt(ms / 1000)} s, ${fmt(rate)} files/s`);
    return rate;
  } finally {
    await client.close();
    await server.stop();
  }
}

async function videoAssets(dir: string, count: number, baseline: number, log: (m: string) => void): Promise<SummaryRow[]> {
  const paths = await writeVideos(join(dir, 'assets'), count);
  const server = await startServer({ dataDir: join(dir, 'assets-data'), logFile: join(dir, 'assets.log') });
  try {
    const sdk = new Camtrove({ apiEndpoint: server.url });
    const { id: projectId } = await sdk.createProject({ title: 'bench videos', inputType: 'VIDEO', jsonInterface: INTERFACE });
    const start = nowMs();
    const answer = await sdk.appendManyToDataset({ projectId, contentArray: paths, externalIdArray: paths.map((_, k) => `clip-${k}`), waitUntilAvailability: false });
    const added = nowMs() - start;
    const status = await untilPrepared(sdk, server.url, projectId, (answer as Partial<AppendAnswer>).batchId ?? null);
    const ready = nowMs() - start;
    log(`appendManyToDataset of ${count} local clips: added in ${fmt(added / 1000)} s, all prepared in ${fmt(ready / 1000)} s (${status.ready} ready, ${status.failed} failed)`);
    const addedRate = count / (added / 1000);
    const readyRate = count / (ready / 1000);
    return [
      { benchmark: 'labeling', metric: `${count} local videos added as assets (assets/s)`, value: fmt(addedRate), baseline: `POST /api/files ${fmt(baseline)}/s`, ratio: ratio(addedRate, baseline), goal: '', met: null },
      { benchmark: 'labeling', metric: 'same, until all prepared (assets/s)', value: fmt(readyRate), baseline: `POST /api/files ${fmt(baseline)}/s`, ratio: ratio(readyRate, baseline), goal: '', met: status.failed === 0 ? null : false },
    ];
  } finally {
    await server.stop();
  }
}

async function frameList(dir: string, count: number, baseline: number, log: (m: string) => void): Promise<SummaryRow[]> {
  const folder = join(dir, 'frames');
  await mkdir(folder, { recursive: true });
  // Distinct images: testsrc2 draws a moving pattern and a frame counter.
  const generated = await timed(() => runCommand('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-frames:v', String(count), '-q:v', '8', join(folder, 'f%06d.jpg')]));
  log(`ffmpeg wrote ${count} JPEGs in ${fmt(generated.ms / 1000)} s`);
  const paths = Array.from({ length: count }, (_, k) => join(folder, `f${String(k + 1).padStart(6, '0')}.jpg`));
  const server = await startServer({ dataDir: join(dir, 'frames-data'), logFile: join(dir, 'frames.log') });
  try {
    const sdk = new Camtrove({ apiEndpoint: server.url });
    const { id: projectId } = await sdk.createProject({ title: 'bench frames', inputType: 'VIDEO', jsonInterface: INTERFACE });
    const start = nowMs();
    const answer = await sdk.appendManyToDataset({ projectId, jsonContentArray: [paths], externalIdArray: ['frames'], waitUntilAvailability: false });
    const added = nowMs() - start;
    const status = await untilPrepared(sdk, server.url, projectId, (answer as Partial<AppendAnswer>).batchId ?? null);
    const ready = nowMs() - start;
    const [asset] = await sdk.assets({ projectId, externalIdStrictlyIn: ['frames'], fields: ['id', 'numberOfFrames'] });
    log(`a ${count}-image frame list as one asset: added in ${fmt(added / 1000)} s, prepared in ${fmt(ready / 1000)} s, ${asset?.numberOfFrames ?? '?'} frames (${status.failed} failed)`);
    const rate = count / (ready / 1000);
    return [
      { benchmark: 'labeling', metric: `${count}-image frame list as one asset (s)`, value: fmt(ready / 1000), baseline: `added ${fmt(added / 1000)}`, ratio: '', goal: '', met: asset?.numberOfFrames === count ? null : false },
      { benchmark: 'labeling', metric: 'same, images/s', value: fmt(rate), baseline: `POST /api/files ${fmt(baseline)}/s`, ratio: ratio(rate, baseline), goal: '', met: null },
    ];
  } finally {
    await server.stop();
  }
}


/** Writes `count` assets straight into the tables, then times assets() and countAssets() with metadata filters through the SDK over HTTP. */
async function filteredAssets(dir: string, dialect: 'sqlite' | 'postgres', count: number, rounds: number, log: (m: string) => void): Promise<SummaryRow[]> {
  const schema = dialect === 'postgres' ? await createSchema(process.env.BENCH_POSTGRES_URL!) : null;
  const config = resolveConfig({ flags: { dataDir: join(dir, `query-${dialect}`), databaseUrl: schema?.url ?? '', logLevel: 'silent', workers: false } });
  const library = await openLibrary(config, { logger: pino({ level: 'silent' }) });
  const app = await buildApp({ ...library, logger: false });
  try {
    const apiEndpoint = await app.listen({ host: '127.0.0.1', port: 0 });
    const sdk = new Camtrove({ apiEndpoint });
    const { id: projectId } = await sdk.createProject({ title: 'bench query', inputType: 'VIDEO', jsonInterface: INTERFACE });
    const seeded = await timed(() => seedAssets(library.database.db as unknown as Kysely<Tables>, projectId, count));
    log(`${dialect}: wrote ${count} assets with their metadata rows in ${fmt(seeded.ms / 1000)} s`);
    // After a bulk load, as autovacuum would: statistics for the planner.
    if (dialect === 'postgres') await sql`ANALYZE`.execute(library.database.db);

    const repeats = Math.max(30, rounds * 10);
    const measure = async (what: string, call: () => Promise<unknown>) => {
      await call(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < repeats; i += 1) times.push((await timed(call)).ms);
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 50);
      log(`${dialect}: ${what}: p50 ${fmt(p50)} ms, p99 ${fmt(percentile(times, 99))} ms (${repeats} calls)`);
      return { p50 };
    };
    const unfiltered = await measure('assets(first 100), no filter', () => sdk.assets({ projectId, first: 100 }));
    const cases: [string, () => Promise<unknown>][] = [
      ['assets(metadataWhere {site}: 10 %, first 100)', () => sdk.assets({ projectId, metadataWhere: { site: 'site-7' }, first: 100 })],
      [`assets(metadataWhere {camera}: ${Math.round(count / CAMERAS)} assets)`, () => sdk.assets({ projectId, metadataWhere: { camera: 'cam-0042' }, first: 100 })],
      ['assets(metadataWhere {speed: [10, 10.5]}, first 100)', () => sdk.assets({ projectId, metadataWhere: { speed: [10, 10.5] }, first: 100 })],
      ['assets(metadataWhere {site, speed range}, first 100)', () => sdk.assets({ projectId, metadataWhere: { site: 'site-7', speed: [0, 50] }, first: 100 })],
      ['countAssets(metadataWhere {site}: 10 %)', () => sdk.countAssets({ projectId, metadataWhere: { site: 'site-7' } })],
    ];
    const rows: SummaryRow[] = [];
    for (const [what, call] of cases) {
      const { p50 } = await measure(what, call);
      rows.push({ benchmark: 'labeling', metric: `${dialect} ${count} assets: ${what} p50 (ms)`, value: fmt(p50), baseline: `no filter ${fmt(unfiltered.p50)}`, ratio: ratio(p50, unfiltered.p50), goal: '< 100 ms', met: p50 < 100 });
    }
    return rows;
  } finally {
    await app.close();
    await library.close();
    await schema?.drop();
  }
}

/** The tables as the bench writes them (their Kysely types live with the repositories). */
type Tables = Record<'label_assets' | 'label_asset_metadata', Record<string, string | number | null>>;

/** Assets in one project, 1,000 per statement, each with site (10 values), camera (1,000 values) and speed (0-100) in its metadata. */
async function seedAssets(db: Kysely<Tables>, projectId: string, count: number): Promise<void> {
  const now = Date.now();
  const fileId = randomBytes(32).toString('hex');
  for (let at = 0; at < count; at += 1000) {
    const assets: Record<string, string | number | null>[] = [];
    const metadata: Record<string, string | number | null>[] = [];
    for (let k = at; k < Math.min(count, at + 1000); k += 1) {
      const id = randomBytes(16).toString('hex');
      const jsonMetadata = { site: `site-${k % SITES}`, camera: `cam-${String(k % CAMERAS).padStart(4, '0')}`, speed: (k * 37) % 1000 / 10 };
      assets.push({
        id, project_id: projectId, external_id: `asset-${k}`, content: `camtrove:file/${fileId}`, json_content: null, source_kind: 'file', file_id: fileId, event_id: null,
        range_start: null, range_end: null, json_metadata: JSON.stringify(jsonMetadata), processing_parameters: null, status: 'TODO', processing_state: 'READY',
        error_code: null, error_message: null, batch_id: 'bench', width: 160, height: 120, rotation: 0, frame_count: 10, fps: 10, codec: 'h264', start_time: 0, duration: 1,
        created_at_us: now * 1000 + k, updated_at: now,
      });
      for (const row of metadataIndexRows(jsonMetadata)) metadata.push({ asset_id: id, key: row.key, text_value: row.text, num_value: row.num });
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('label_assets').values(assets).execute();
      for (let m = 0; m < metadata.length; m += 1000) await trx.insertInto('label_asset_metadata').values(metadata.slice(m, m + 1000)).execute();
    });
  }
}

/** Runs `work` on every item, `width` at a time. */
async function inPool<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}
