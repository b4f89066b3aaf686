import { Writable } from 'node:stream';
import { writeEntriesToZip } from '../src/adapters/labeling/export-sink.js';
import type { ExportEntry } from '../src/domain/labeling/export-source.js';
import { cpuSecondsSince, forceGc, generatedAsset, iterate, measureExport, options, type ExportMeasure } from '../test/helpers/export-assets.js';
import { EXPORTERS, KEY_EVERY, TRACKS } from '../test/helpers/measure-export.js';
import { fmt, median, ratio, type Benchmark, type SummaryRow } from './lib/bench.js';

const FORMATS = Object.entries(EXPORTERS);

/**
 * Label exports of one generated asset held in memory (no database, no disk: the output is read and
 * counted): 100,000 frames of 1920 × 1080 with 50 rectangle tracks over all of them, a key every 30
 * frames, every frame interpolated. Per format: seconds, frames/s and the peak resident set (of the
 * whole process, so a format may inherit memory an earlier one left); and the heap after a full
 * collection at 100,000 frames against 10,000, which stays the same if memory is flat (goal within 20 %).
 * Then the zip sink: the CVAT export (one 600 MiB file) and the YOLO export (100,000 small files)
 * deflated into a zip written to a stream that discards it.
 */
export const labelExportsBenchmark: Benchmark = {
  name: 'label-exports',
  description: 'label exports (CVAT, MOT, YOLO, COCO) of a 100,000-frame, 50-track asset: time, frames/s, peak RSS, heap at 10,000 vs 100,000 frames',
  needsBuild: false,
  async run({ rounds, log }) {
    const frames = countFromEnv('BENCH_LABEL_EXPORT_FRAMES', 100_000);
    const small = Math.max(1, Math.round(frames / 10));
    const rows: SummaryRow[] = [];
    for (const [name, exporter] of FORMATS) {
      const run = async (frameCount: number): Promise<ExportMeasure> => {
        const m = await measureExport(exporter(iterate([generatedAsset('clip', frameCount, TRACKS, KEY_EVERY)]), options()));
        log(`${name} ${fmt(frameCount, 0)} frames: ${fmt(m.seconds, 2)} s (${fmt(m.cpuSeconds, 2)} s of CPU), ${fmt(frameCount / m.seconds, 0)} frames/s, ${fmt(m.bytes / 2 ** 20)} MiB in ${fmt(m.entries, 0)} entries, heap after GC ${fmt(m.heapAfterGcMiB, 2)} MiB, peak RSS ${fmt(m.peakRssMiB)} MiB (${fmt(m.startRssMiB)} MiB at the start)`);
        return m;
      };
      const smallRuns: ExportMeasure[] = [];
      const largeRuns: ExportMeasure[] = [];
      for (let round = 0; round < rounds; round += 1) {
        smallRuns.push(await run(small));
        largeRuns.push(await run(frames));
      }
      const seconds = median(largeRuns.map((m) => m.seconds));
      const heapSmall = Math.max(...smallRuns.map((m) => m.heapAfterGcMiB));
      const heapLarge = Math.max(...largeRuns.map((m) => m.heapAfterGcMiB));
      rows.push(
        { benchmark: 'label-exports', metric: `${name}: ${fmt(frames, 0)} frames`, value: `${fmt(seconds, 1)} s, ${fmt(frames / seconds, 0)} frames/s, CPU ${fmt(median(largeRuns.map((m) => m.cpuSeconds)), 1)} s`, baseline: '', ratio: '', goal: '< 30 s', met: seconds < 30 },
        { benchmark: 'label-exports', metric: `${name}: peak RSS at ${fmt(frames, 0)} / ${fmt(small, 0)} frames`, value: `${fmt(Math.max(...largeRuns.map((m) => m.peakRssMiB)))} MiB`, baseline: `${fmt(Math.max(...smallRuns.map((m) => m.peakRssMiB)))} MiB`, ratio: '', goal: '', met: null },
        { benchmark: 'label-exports', metric: `${name}: heap after GC, ${fmt(frames, 0)} vs ${fmt(small, 0)} frames`, value: `${fmt(heapLarge, 2)} MiB`, baseline: `${fmt(heapSmall, 2)} MiB`, ratio: ratio(heapLarge, heapSmall), goal: '≤ 1.20×', met: heapLarge <= heapSmall * 1.2 },
      );
    }
    for (const [name, exporter] of FORMATS.filter(([n]) => n === 'cvat_video' || n === 'yolo_v8')) {
      const m = await measureZip(exporter(iterate([generatedAsset('clip', frames, TRACKS, KEY_EVERY)]), options()));
      log(`${name} into a zip, ${fmt(frames, 0)} frames: ${fmt(m.seconds, 2)} s (${fmt(m.cpuSeconds, 2)} s of CPU), ${fmt(frames / m.seconds, 0)} frames/s, ${fmt(m.bytes / 2 ** 20)} MiB of zip, heap after GC ${fmt(m.heapAfterGcMiB, 2)} MiB, peak RSS ${fmt(m.peakRssMiB)} MiB (${fmt(m.startRssMiB)} MiB at the start)`);
      rows.push({ benchmark: 'label-exports', metric: `${name} into a zip: ${fmt(frames, 0)} frames`, value: `${fmt(m.seconds, 1)} s, CPU ${fmt(m.cpuSeconds, 1)} s, peak RSS ${fmt(m.peakRssMiB)} MiB`, baseline: '', ratio: '', goal: '', met: null });
    }
    return rows;
  },
};

/** writeEntriesToZip into a stream that counts and drops the bytes, sampling memory as measureExport does. */
async function measureZip(entries: AsyncIterable<ExportEntry>): Promise<ExportMeasure> {
  forceGc();
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const startRssMiB = process.memoryUsage.rss() / 2 ** 20;
  const m: ExportMeasure = { entries: 0, bytes: 0, seconds: 0, cpuSeconds: 0, heapAfterGcMiB: 0, startRssMiB, peakRssMiB: startRssMiB };
  let lastRss = started;
  let lastGc = started;
  let gcMs = 0;
  const sampleHeap = (): void => {
    const t0 = performance.now();
    forceGc();
    m.heapAfterGcMiB = Math.max(m.heapAfterGcMiB, process.memoryUsage().heapUsed / 2 ** 20);
    gcMs += performance.now() - t0;
    lastGc = performance.now();
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      m.bytes += chunk.length;
      const now = performance.now();
      if (now - lastRss >= 50) {
        lastRss = now;
        m.peakRssMiB = Math.max(m.peakRssMiB, process.memoryUsage.rss() / 2 ** 20);
      }
      if (now - lastGc >= 1000) sampleHeap();
      callback();
    },
  });
  m.entries = (await writeEntriesToZip(entries, sink)).entries;
  sampleHeap();
  m.seconds = (performance.now() - started - gcMs) / 1000;
  m.cpuSeconds = cpuSecondsSince(cpuAtStart);
  return m;
}

function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 10) throw new Error(`${name} must be a whole number of at least 10, not ${JSON.stringify(raw)}`);
  return n;
}
