// Labels end to end through camtrove's services on SQLite. `npm run bench:labels` runs the whole
// thing; the measuring itself happens in child processes (`node --import tsx bench/labels.bench.ts
// seed|export ...`, printing JSON): one writes and reads the label, then one per export format opens
// the same library and exports, so each peak resident set is that step's own, not what an earlier
// step left behind.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pino from 'pino';
import { LabelAssetRepository, type AssetFrameRecord, type AssetRecord } from '../src/adapters/db/label-asset.repository.js';
import { resolveConfig } from '../src/config/config.js';
import { openLibrary, type Library } from '../src/main.js';
import { EXPORT_FORMATS } from '../src/services/labeling/label-export.service.js';
import { forceGc } from '../test/helpers/export-assets.js';
import { fmt, projectRoot, ratio, runCommand, type Benchmark, type SummaryRow } from './lib/bench.js';
import { keyFramesResponse } from './lib/key-frames-label.js';
import { makeTempDir } from './lib/files.js';

const JOB = 'VEHICLE';
const INTERFACE = { jobs: { [JOB]: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], content: { categories: { CAR: { name: 'Car' }, PERSON: { name: 'Person' } }, input: 'radio' } } } };
const KEY_EVERY = 30;
const FPS = 25;
/** Each export of the large asset should finish within this on 2 cores. */
const EXPORT_GOAL_S = 30;
/** The live heap of a step at the large size against the small one: flat means within 20 % (or 8 MiB, V8's own movement on a small heap). */
const FLAT = 1.2;
const FLAT_SLACK_MIB = 8;

/** What the children measured at one size, per step. */
interface SizeRun extends SeedRun {
  exports: Record<string, ExportRun>;
}
/** The seeding child: the asset written, its label appended and read back. */
interface SeedRun {
  frames: number;
  tracks: number;
  keyFrames: number;
  projectId: string;
  seedS: number;
  write: Step;
  read: Step & { bytes: number };
}
type ExportRun = Step & { zipBytes: number; copyS: number };
interface Step {
  seconds: number;
  /** The resident set after a full collection, as the step started: what earlier steps left. */
  startRssMiB: number;
  peakRssMiB: number;
  /** The most live heap seen: sampled after a full collection every second, above what the step started with. */
  liveHeapMiB: number;
}

/**
 * One asset of 100,000 frames (1920 × 1080, 25 fps, written straight into the asset tables: no
 * media) with one label of 50 rectangle tracks, a key frame every 30 frames:
 * - writing the label (`labels.append` of a key-frames-only jsonResponse), in key frames/s;
 * - reading it back as every-frame jsonResponse text (`labels.jsonResponseText`, streamed), in frames/s;
 * - each export format through the export job and its worker, start to DONE, in frames/s (goal < 30 s),
 *   against copying the finished zip out of the library (the baseline: the bytes alone);
 * - the memory of each step at 100,000 frames against the same run at 10,000: the peak resident
 *   set, and the live heap (goal: flat, within 20 %).
 * One run per size (the large one takes minutes); `--rounds` does not repeat it. Each export runs in
 * a process of its own that opens the library the seeding process wrote, so its peak resident set is
 * the export's (with the process itself, some 170 MiB); the write and the read share the seeding
 * process, so the read's peak may be the write's.
 */
export const labelsBenchmark: Benchmark = {
  name: 'labels',
  description: 'labels end to end on SQLite: write, read and export (kili, cvat_video, mot, yolo_v8, coco) a 100,000-frame, 50-track label; peak RSS and live heap at 100,000 vs 10,000 frames',
  needsBuild: false,
  async run({ log }) {
    const frames = countFromEnv('BENCH_LABELS_FRAMES', 100_000);
    const small = countFromEnv('BENCH_LABELS_SMALL_FRAMES', 10_000);
    const tracks = countFromEnv('BENCH_LABELS_TRACKS', 50);
    const smallRun = await childRun(small, tracks);
    logRun(smallRun, log);
    const run = await childRun(frames, tracks);
    logRun(run, log);

    const rows: SummaryRow[] = [];
    const row = (metric: string, value: string, extra: Partial<SummaryRow> = {}): void => {
      rows.push({ benchmark: 'labels', metric, value, baseline: '', ratio: '', goal: '', met: null, ...extra });
    };
    const at = `${fmt(frames, 0)} frames`;
    // Flat memory is judged on the live heap: the resident set's peak also holds garbage not yet
    // collected, which grows with how long a step runs (ten times longer at the large size).
    const rss = (name: string, large: Step, smallStep: Step): void => {
      row(`${name}: peak RSS ${fmt(frames, 0)} vs ${fmt(small, 0)} frames`, `${fmt(large.peakRssMiB)} MiB`, { baseline: `${fmt(smallStep.peakRssMiB)} MiB`, ratio: ratio(large.peakRssMiB, smallStep.peakRssMiB) });
      row(`${name}: live heap ${fmt(frames, 0)} vs ${fmt(small, 0)} frames`, `${fmt(large.liveHeapMiB)} MiB`, { baseline: `${fmt(smallStep.liveHeapMiB)} MiB`, ratio: ratio(large.liveHeapMiB, smallStep.liveHeapMiB), goal: `≤ ${fmt(FLAT, 2)}× or ${FLAT_SLACK_MIB} MiB`, met: large.liveHeapMiB <= Math.max(smallStep.liveHeapMiB * FLAT, smallStep.liveHeapMiB + FLAT_SLACK_MIB) });
    };
    row(`write (append), ${fmt(run.keyFrames, 0)} key frames × ${tracks} tracks`, `${fmt(run.write.seconds, 1)} s, ${fmt(run.keyFrames / run.write.seconds, 0)} key frames/s`);
    rss('write', run.write, smallRun.write);
    row(`read jsonResponse, ${at}`, `${fmt(run.read.seconds, 1)} s, ${fmt(frames / run.read.seconds, 0)} frames/s, ${fmt(run.read.bytes / 2 ** 20)} MiB`);
    rss('read', run.read, smallRun.read);
    for (const format of EXPORT_FORMATS) {
      const e = run.exports[format]!;
      row(`export ${format}, ${at}`, `${fmt(e.seconds, 1)} s, ${fmt(frames / e.seconds, 0)} frames/s, zip ${fmt(e.zipBytes / 2 ** 20)} MiB`, { baseline: `copy of the zip ${fmt(e.copyS, 2)} s`, ratio: ratio(e.seconds, e.copyS), goal: `< ${EXPORT_GOAL_S} s`, met: e.seconds < EXPORT_GOAL_S });
      rss(`export ${format}`, e, smallRun.exports[format]!);
    }
    return rows;
  },
};

function logRun(run: SizeRun, log: (m: string) => void): void {
  const at = `${fmt(run.frames, 0)} frames`;
  log(`${at}: asset and frame table written in ${fmt(run.seedS, 2)} s`);
  log(`${at}: append of ${fmt(run.keyFrames, 0)} key frames × ${run.tracks} tracks: ${fmt(run.write.seconds, 2)} s, ${fmt(run.keyFrames / run.write.seconds, 0)} key frames/s, ${rssOf(run.write)}`);
  log(`${at}: jsonResponseText: ${fmt(run.read.seconds, 2)} s, ${fmt(run.frames / run.read.seconds, 0)} frames/s, ${fmt(run.read.bytes / 2 ** 20)} MiB, ${rssOf(run.read)}`);
  for (const [format, e] of Object.entries(run.exports)) {
    log(`${at}: export ${format}: ${fmt(e.seconds, 2)} s, ${fmt(run.frames / e.seconds, 0)} frames/s, zip ${fmt(e.zipBytes / 2 ** 20)} MiB (copied out in ${fmt(e.copyS, 2)} s), ${rssOf(e)}`);
  }
}

function rssOf(step: Step): string {
  return `peak RSS ${fmt(step.peakRssMiB)} MiB (${fmt(step.startRssMiB)} MiB at the start), live heap ${fmt(step.liveHeapMiB)} MiB above the start`;
}

async function childRun(frames: number, tracks: number): Promise<SizeRun> {
  const dir = await makeTempDir('labels');
  try {
    const child = async <T>(args: string[]): Promise<T> => {
      const out = await runCommand(process.execPath, ['--import', 'tsx', 'bench/labels.bench.ts', ...args], { cwd: projectRoot });
      return JSON.parse(out.trim().split('\n').pop()!) as T;
    };
    const seeded = await child<SeedRun>(['seed', dir.path, String(frames), String(tracks)]);
    const exports: Record<string, ExportRun> = {};
    for (const format of EXPORT_FORMATS) exports[format] = await child<ExportRun>(['export', dir.path, seeded.projectId, format]);
    return { ...seeded, exports };
  } finally {
    await dir.remove();
  }
}

/** The library of a child process, in `dir`, with its workers. */
async function openIn(dir: string): Promise<{ library: Library; close: () => Promise<void> }> {
  const config = resolveConfig({ flags: { dataDir: join(dir, 'data'), databaseUrl: '', logLevel: 'silent', pollMs: 20 } });
  const library = await openLibrary(config, { logger: pino({ level: 'silent' }) });
  const workers = library.startWorkers();
  return {
    library,
    close: async () => {
      await workers.close();
      await library.close();
    },
  };
}

/** The seeding child: one library in `dir`, one asset of `frames` frames, its label written and read. */
async function seedSize(dir: string, frames: number, tracks: number): Promise<SeedRun> {
  const { library, close } = await openIn(dir);
  try {
    const { id: projectId } = await library.projects.create({ title: 'bench labels', inputType: 'VIDEO', jsonInterface: INTERFACE });
    const seedStart = performance.now();
    const assetId = await seedAsset(library, projectId, frames);
    const seedS = (performance.now() - seedStart) / 1000;

    const keyFrames = Math.ceil(frames / KEY_EVERY);
    // The jsonResponse is built inside the step (the caller holds it while writing) and let go after it.
    const write = await sampled(() => library.labels.append(projectId, { assetIdArray: [assetId], jsonResponseArray: [keyFramesResponse(frames, tracks, { job: JOB, keyEvery: KEY_EVERY })] }));
    const labelId = write.value.labels[0]!.id;

    const read = await sampled(async () => {
      let bytes = 0;
      // Counted as it streams; the text is never held whole.
      for await (const chunk of await library.labels.jsonResponseText(await library.labels.get(labelId))) bytes += Buffer.byteLength(chunk);
      return bytes;
    });
    const { value: _written, ...writeStep } = write;
    return { frames, tracks, keyFrames, projectId, seedS, write: writeStep, read: { seconds: read.seconds, startRssMiB: read.startRssMiB, peakRssMiB: read.peakRssMiB, liveHeapMiB: read.liveHeapMiB, bytes: read.value } };
  } finally {
    await close();
  }
}

/** An export child: the library in `dir`, one export through the job and its worker, start to DONE. */
async function exportOnce(dir: string, projectId: string, fmt: string): Promise<ExportRun> {
  const { library, close } = await openIn(dir);
  try {
    const done = await sampled(async () => {
      const { id } = await library.labelExports.start(projectId, { fmt });
      for (;;) {
        const record = await library.labelExports.get(id);
        if (record.status === 'DONE') return record;
        if (record.status === 'FAILED') throw new Error(`export ${fmt} failed: ${record.errorMessage ?? 'unknown error'}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    // The baseline: the finished zip read out of the library and written to a file.
    const copyStart = performance.now();
    const file = await library.labelExports.file(done.value.id);
    const copy = join(dir, `copy-${fmt}.zip`);
    await pipeline(file.body, createWriteStream(copy));
    const copyS = (performance.now() - copyStart) / 1000;
    await rm(copy);
    const { value: _record, ...step } = done;
    return { ...step, zipBytes: file.size, copyS };
  } finally {
    await close();
  }
}

/**
 * Runs `work` after a full collection, sampling the resident set every 20 ms while it runs, and the
 * live heap (after a full collection, some 20 ms each) every second. The resident set also holds
 * what the collector has not reclaimed yet, which grows with how long a step allocates; the live
 * heap is what the step holds.
 */
async function sampled<T>(work: () => Promise<T>): Promise<Step & { value: T }> {
  forceGc();
  const start = process.memoryUsage.rss();
  const startHeap = process.memoryUsage().heapUsed;
  let peak = start;
  let live = 0;
  const rssTimer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const heapTimer = setInterval(() => {
    forceGc();
    live = Math.max(live, process.memoryUsage().heapUsed - startHeap);
  }, 1000);
  const started = performance.now();
  try {
    const value = await work();
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds, startRssMiB: start / 2 ** 20, peakRssMiB: peak / 2 ** 20, liveHeapMiB: live / 2 ** 20 };
  } finally {
    clearInterval(rssTimer);
    clearInterval(heapTimer);
  }
}

/** A READY video asset of `frames` frames of 1920 × 1080 at 25 fps, written through the repository without any media. */
async function seedAsset(library: Library, projectId: string, frames: number): Promise<string> {
  const repository = new LabelAssetRepository(library.database.db, library.database.dialect);
  const id = randomBytes(16).toString('hex');
  const now = Date.now();
  const fileId = randomBytes(32).toString('hex');
  const asset: AssetRecord = {
    id, projectId, externalId: 'clip', content: `camtrove:file/${fileId}`, jsonContent: null, sourceKind: 'file', fileId, eventId: null,
    rangeStart: null, rangeEnd: null, jsonMetadata: {}, processingParameters: null, status: 'TODO', processingState: 'PENDING',
    errorCode: null, errorMessage: null, batchId: 'bench', width: null, height: null, rotation: null, frameCount: null, fps: null, codec: null,
    startTime: null, duration: null, createdAtMicros: now * 1000, updatedAt: now, preannotation: null,
  };
  await repository.insertMany([{ asset, frameFileIds: [] }]);
  const table = Array.from({ length: frames }, (_, index): AssetFrameRecord => ({ index, pts: index / FPS, sourceIndex: index, keyPts: Math.floor(index / 250) * 250 / FPS, width: 1920, height: 1080, fileId: null }));
  const { ready } = await repository.markReady(id, { width: 1920, height: 1080, rotation: 0, frameCount: frames, fps: FPS, codec: 'h264', startTime: 0, duration: frames / FPS }, table, now);
  if (!ready) throw new Error('the bench asset did not become READY');
  return id;
}

function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, not ${JSON.stringify(raw)}`);
  return n;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [step, dir, ...rest] = process.argv.slice(2);
  const result = step === 'seed' ? await seedSize(dir!, Number(rest[0]), Number(rest[1])) : await exportOnce(dir!, rest[0]!, rest[1]!);
  console.log(JSON.stringify(result));
}
