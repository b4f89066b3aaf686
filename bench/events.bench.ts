import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { request } from 'undici';
import { EventRepository, type EventRecord } from '../src/adapters/db/event.repository.js';
import { resolveConfig } from '../src/config/config.js';
import { EXPORT_FORMATS } from '../src/domain/events/event-export.js';
import { parseEventQuery } from '../src/domain/events/event-query.js';
import type { DominantColor, MotionEvent } from '../src/domain/motion/motion-types.js';
import { buildApp } from '../src/http/app.js';
import { openLibrary, type Library } from '../src/main.js';
import { fmt, median, nowMs, percentile, projectRoot, ratio, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir } from './lib/files.js';
import { createSchema } from './lib/postgres.js';
import { exitAndPeakRss } from './lib/server.js';

const camtrove = join(projectRoot, 'bin', 'camtrove.js');
const CAMERAS = 100;
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_MS = 365 * 86_400_000;
const LABELS = ['deer', 'fox', 'person', 'car', 'bird'];
const COLORS = ['black', 'white', 'grey', 'red', 'green', 'brown'];
const ZONES = ['trail', 'gate', 'road', 'pond'];
const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
const PER_MEDIA = 1000;

/**
 * Event search and export with a million events in the library, on SQLite and on PostgreSQL:
 * filtered searches over HTTP on loopback (p50/p99, against fetching one event by id), every export
 * format in events/s (against reading the same events' rows without writing them), and the peak
 * RSS of `camtrove events export` for one camera's events (1 %) against all of them.
 */
export const eventsBenchmark: Benchmark = {
  name: 'events',
  description: 'event search latency and export throughput with a million events (SQLite and PostgreSQL)',
  needsBuild: true,
  async run({ rounds, log }) {
    const count = Number(process.env.BENCH_EVENTS ?? 1_000_000);
    if (!Number.isSafeInteger(count) || count < PER_MEDIA) throw new Error(`BENCH_EVENTS must be a whole number of at least ${PER_MEDIA}`);
    const rows: SummaryRow[] = [];
    const dialects = (process.env.BENCH_EVENTS_ON ?? (process.env.BENCH_POSTGRES_URL === 'off' ? 'sqlite' : 'sqlite,postgres')).split(',').map((d) => d.trim());
    for (const dialect of ['sqlite', 'postgres'] as const) if (dialects.includes(dialect)) rows.push(...(await benchDialect(dialect, count, rounds, log)));
    return rows;
  },
};

async function benchDialect(dialect: 'sqlite' | 'postgres', count: number, rounds: number, log: (message: string) => void): Promise<SummaryRow[]> {
  const dir = await makeTempDir(`events-${dialect}`);
  const schema = dialect === 'postgres' ? await createSchema(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : null;
  const databaseUrl = schema?.url ?? '';
  const config = resolveConfig({ flags: { dataDir: join(dir.path, 'data'), databaseUrl, logLevel: 'silent', workers: false } });
  const library = await openLibrary(config, { logger: pino({ level: 'silent' }) });
  try {
    const seedStart = nowMs();
    await seed(library, count, (done) => log(`${dialect}: ${done.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} events written`));
    log(`${dialect}: seeded ${count.toLocaleString('en-US')} events in ${fmt((nowMs() - seedStart) / 1000)} s`);
    // After a bulk load, as autovacuum would: statistics for the planner, and pages marked
    // all-visible so that exports read the time index alone (an index-only scan).
    if (dialect === 'postgres') await sql`VACUUM ANALYZE`.execute(library.database.db);

    const app = await buildApp({ ...library, logger: false });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const searches = searchQueries();
    const latencies: number[] = [];
    const byId: number[] = [];
    const someIds = (await library.database.db.selectFrom('events').select('id').limit(200).execute()).map((r) => r.id);
    try {
      for (let round = 1; round <= rounds; round += 1) {
        for (const query of searches) {
          const times: number[] = [];
          for (let k = 0; k < 20; k += 1) times.push(await timedGet(`${base}/api/events?${query}`));
          latencies.push(...times);
          if (round === 1) log(`${dialect}: ${query}: median ${fmt(median(times), 2)} ms, slowest ${fmt(Math.max(...times), 2)} ms`);
        }
        for (const id of someIds) byId.push(await timedGet(`${base}/api/events/${id}`));
        const sorted = [...latencies].sort((a, b) => a - b);
        log(`${dialect} round ${round}: search p50 ${fmt(percentile(sorted, 50), 2)} ms, p99 ${fmt(percentile(sorted, 99), 2)} ms (${sorted.length} searches); by id p50 ${fmt(median(byId), 2)} ms`);
      }
    } finally {
      await app.close();
    }
    const sortedLatencies = latencies.sort((a, b) => a - b);
    const p99 = percentile(sortedLatencies, 99);

    // Export: each format over every event once a round (the median is kept), and the same events
    // read without being written, for scale.
    const rates: Record<string, number[]> = Object.fromEntries(EXPORT_FORMATS.map((format) => [format, []]));
    const readRates: number[] = [];
    const events = new EventRepository(library.database);
    const query = parseEventQuery({});
    for (let round = 1; round <= rounds; round += 1) {
      for (const format of EXPORT_FORMATS) {
        const start = nowMs();
        const { pieces, summary } = await library.events.exportEvents({}, format);
        let bytes = 0;
        for await (const piece of pieces) bytes += piece.length;
        const seconds = (nowMs() - start) / 1000;
        rates[format]!.push(summary.count / seconds);
        log(`${dialect} round ${round}: export ${format}: ${summary.count.toLocaleString('en-US')} events, ${fmt(bytes / 2 ** 20)} MiB in ${fmt(seconds)} s, ${fmt(summary.count / seconds, 0)} events/s`);
      }
      const readStart = nowMs();
      let read = 0;
      for await (const batch of events.exportBatches(query, 250)) read += batch.length;
      readRates.push(read / ((nowMs() - readStart) / 1000));
      log(`${dialect} round ${round}: reading the same events without writing them: ${fmt(readRates.at(-1)!, 0)} events/s`);
    }
    const readRate = median(readRates);
    const rate = (format: string) => median(rates[format]!);

    const oneCamera = await exportPeakRss(config.dataDir, databaseUrl, ['--camera', 'cam7']);
    const all = await exportPeakRss(config.dataDir, databaseUrl, []);
    log(`${dialect}: camtrove events export --format jsonl peak RSS: one camera ${fmt(oneCamera / 1024)} MiB, all ${fmt(all / 1024)} MiB`);

    const label = `${dialect}, ${(count / 1e6).toLocaleString('en-US')}M events`;
    return [
      { benchmark: 'events', metric: `${label}: filtered search p50, ms`, value: fmt(percentile(sortedLatencies, 50), 2), baseline: `one event by id ${fmt(median(byId), 2)}`, ratio: ratio(percentile(sortedLatencies, 50), median(byId)), goal: '', met: null },
      { benchmark: 'events', metric: `${label}: filtered search p99, ms`, value: fmt(p99, 2), baseline: '', ratio: '', goal: '< 50 ms', met: p99 < 50 },
      ...EXPORT_FORMATS.map((format): SummaryRow => ({
        benchmark: 'events',
        metric: `${label}: export ${format}, events/s`,
        value: fmt(rate(format), 0),
        baseline: `reading alone ${fmt(readRate, 0)}`,
        ratio: ratio(rate(format), readRate),
        goal: format === 'jsonl' ? '≥ 100,000' : '',
        met: format === 'jsonl' ? rate(format) >= 100_000 : null,
      })),
      { benchmark: 'events', metric: `${label}: export peak RSS, all events, MiB`, value: fmt(all / 1024), baseline: `one camera (1 %) ${fmt(oneCamera / 1024)}`, ratio: ratio(all, oneCamera), goal: 'within 20 %', met: all <= oneCamera * 1.2 },
    ];
  } finally {
    await library.close();
    await schema?.drop();
    await dir.remove();
  }
}

/** Searches people make: a camera's week, a label, a direction with a score, a region, the best of a month. */
function searchQueries(): string[] {
  const day = (n: number) => new Date(YEAR_START + n * 86_400_000).toISOString();
  return [
    `camera=cam3&from=${day(100)}&to=${day(107)}`,
    'camera=cam12&label=deer',
    'direction=W&min_score=0.8',
    `roi=0.5,0,0.5,0.5&camera=cam40&from=${day(30)}&to=${day(60)}`,
    'sort=score&min_duration=20',
    'label=fox&label=deer&label_match=any&sort=-time',
    `color=red&zone=trail&from=${day(200)}&to=${day(230)}`,
    `camera=cam5&camera=cam6&direction=90-180&to=${day(300)}&sort=-time`,
  ];
}

async function timedGet(url: string): Promise<number> {
  const start = nowMs();
  const response = await request(url);
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
  return nowMs() - start;
}

/** Events spread over a year and 100 cameras, 1,000 per video, with scores, directions, colours, zones, heatmaps; one in twenty labelled. */
async function seed(library: Library, count: number, progress: (done: number) => void): Promise<void> {
  const events = new EventRepository(library.database);
  let random = 42;
  const next = () => (random = (Math.imul(random, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)]!;
  for (let media = 0; media * PER_MEDIA < count; media += 1) {
    const mediaId = media.toString(16).padStart(64, '0');
    const camera = `cam${media % CAMERAS}`;
    const records: EventRecord[] = [];
    const labels: { event_id: string; name: string; score: number; source: string; created_at: number; at_ms: number; camera_id: string }[] = [];
    for (let k = 0; k < PER_MEDIA && media * PER_MEDIA + k < count; k += 1) {
      const id = (media * PER_MEDIA + k).toString(16).padStart(32, '0');
      const start = k * 30 + next() * 20;
      const duration = 2 + next() * 40;
      const startedAt = YEAR_START + Math.floor(next() * YEAR_MS);
      const direction = next() < 0.2 ? null : next() * 360;
      const heatmap = new Array<number>(256).fill(0);
      const [row, column] = [Math.floor(next() * 14), Math.floor(next() * 14)];
      for (const cell of [row * 16 + column, row * 16 + column + 1, (row + 1) * 16 + column, (row + 2) * 16 + column + 2]) heatmap[cell] = 0.3;
      const box = { x: column / 16, y: row / 16, w: 0.2, h: 0.25 };
      const samples = Array.from({ length: 8 }, (_, s) => start + (s * duration) / 8);
      const motion: MotionEvent = {
        start, end: start + duration, motionStart: start + 1, motionEnd: start + duration - 1, motionFrames: Math.round(duration * 5), peakMotionPct: next() * 10, meanMotionPct: next() * 5, box,
        boxTrack: samples.map((time) => ({ time, box })), trajectory: samples.map((time) => ({ time, point: { x: box.x + 0.1, y: box.y + 0.1 } })),
        directionDeg: direction, direction: direction === null ? null : COMPASS[Math.round(direction / 45) % 8]!, speed: next() * 0.3, heatmap,
        zones: next() < 0.5 ? [pick(ZONES)] : [], score: next(), peakTime: start + duration / 2, peakBox: box, objects: [],
      };
      const colors: DominantColor[] = [{ rgb: [120, 90, 60], hex: '#785a3c', name: pick(COLORS), share: 0.6 }, { rgb: [128, 128, 128], hex: '#808080', name: 'grey', share: 0.3 }];
      records.push({ id, mediaId, analysisId: null, cameraId: camera, motion, colors, startedAt, endedAt: startedAt + Math.round(duration * 1000), thumbnailFileId: null, clipFileId: null, createdAt: startedAt });
      if (next() < 0.05) labels.push({ event_id: id, name: pick(LABELS), score: next(), source: 'user', created_at: startedAt, at_ms: startedAt, camera_id: camera });
    }
    await events.replaceForMedia(mediaId, records);
    for (let at = 0; at < labels.length; at += 500) await library.database.db.insertInto('event_labels').values(labels.slice(at, at + 500)).execute();
    if ((media + 1) % 100 === 0) progress((media + 1) * PER_MEDIA);
  }
}

/** Peak RSS (KiB) of `camtrove events export --format jsonl` with the given filters, its output thrown away. */
async function exportPeakRss(dataDir: string, databaseUrl: string, filters: string[]): Promise<number> {
  const child = spawn(process.execPath, [camtrove, 'events', 'export', '--format', 'jsonl', ...filters], {
    env: { ...process.env, CAMTROVE_DATA: dataDir, CAMTROVE_DATABASE_URL: databaseUrl, CAMTROVE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const { code, peakRssKiB } = await exitAndPeakRss(child);
  if (code !== 0) throw new Error(`camtrove events export exited with ${code}: ${stderr}`);
  return peakRssKiB;
}
