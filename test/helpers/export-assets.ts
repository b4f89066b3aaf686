import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { ExportAsset, ExportClass, ExportEntry, ExportFrame, ExportOptions } from '../../src/domain/labeling/export-source.js';
import type { KeyFrame, Point, Track } from '../../src/domain/labeling/label-model.js';

/** Kili's rectangle from its top-left and bottom-right corners: bottom-left, top-left, top-right, bottom-right. */
export const rect = (x1: number, y1: number, x2: number, y2: number): Point[] => [
  { x: x1, y: y2 }, { x: x1, y: y1 }, { x: x2, y: y1 }, { x: x2, y: y2 },
];

export const key = (frame: number, category: string, points: Point[], outside = false): KeyFrame => ({ frame, outside, value: { categories: [{ name: category }], points } });

/** An object track of job VEHICLE (or `job`) from its keys. */
export function objectTrack(mid: string, tool: Track['tool'], keys: KeyFrame[], job = 'VEHICLE'): Track {
  return { job, mid, kind: 'object', tool, firstFrame: keys[0]!.frame, lastFrame: keys.at(-1)!.frame, keys };
}

export const CLASSES: ExportClass[] = [
  { job: 'VEHICLE', category: 'CAR', name: 'Car' },
  { job: 'VEHICLE', category: 'TRUCK', name: 'Truck & trailer' },
];

export const options = (overrides: Partial<ExportOptions> = {}): ExportOptions => ({ interpolate: true, annotatedOnly: false, classes: CLASSES, ...overrides });

/** An asset held in memory: `sizes` gives each frame's size (one size for all, or one per frame). */
export function memoryAsset(externalId: string, frameCount: number, tracks: Track[], sizes: { width: number; height: number } | { width: number; height: number }[] = { width: 640, height: 480 }): ExportAsset & { framesRead: number } {
  const asset = {
    id: `id-${externalId}`,
    externalId,
    frameCount,
    tracks,
    assetLevel: null,
    framesRead: 0,
    async *frames(): AsyncGenerator<ExportFrame> {
      asset.framesRead += 1;
      for (let index = 0; index < frameCount; index++) {
        const size = Array.isArray(sizes) ? sizes[index]! : sizes;
        yield { index, width: size.width, height: size.height, pts: index / 25 };
      }
    },
    async *keys(track: Track | ExportAsset['tracks'][number]): AsyncGenerator<KeyFrame> {
      yield* (track as Track).keys;
    },
  };
  return asset;
}

/**
 * A large asset generated on the fly, holding nothing per frame: `trackCount` rectangle tracks over
 * the whole asset, a key every `keyEvery` frames, each track drifting across the frame.
 */
export function generatedAsset(externalId: string, frameCount: number, trackCount: number, keyEvery: number): ExportAsset {
  const tracks = Array.from({ length: trackCount }, (_, k) => ({
    job: 'VEHICLE', mid: `track-${k}`, kind: 'object' as const, tool: 'rectangle' as const, firstFrame: 0, lastFrame: Math.floor((frameCount - 1) / keyEvery) * keyEvery,
  }));
  return {
    id: `id-${externalId}`,
    externalId,
    frameCount,
    tracks,
    assetLevel: null,
    async *frames() {
      for (let index = 0; index < frameCount; index++) yield { index, width: 1920, height: 1080, pts: index / 30 };
    },
    async *keys(track) {
      const k = Number(track.mid.slice('track-'.length));
      for (let frame = 0; frame < frameCount; frame += keyEvery) {
        const x = ((k * 0.017 + frame * 0.0001) % 0.8);
        const y = ((k * 0.013 + frame * 0.00007) % 0.8);
        yield { frame, outside: false, value: { categories: [{ name: k % 2 === 0 ? 'CAR' : 'TRUCK' }], points: rect(x, y, x + 0.1, y + 0.15) } };
      }
    },
  };
}

export async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** Reads every entry's content as text, in order. */
export async function readEntries(entries: AsyncIterable<ExportEntry>): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of entries) {
    let text = '';
    for await (const chunk of entry.content) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (files.has(entry.path)) throw new Error(`two entries named ${entry.path}`);
    files.set(entry.path, text);
  }
  return files;
}

let collect: (() => void) | null = null;

/** A full garbage collection (exposing `gc` at run time, as tests and benches run without --expose-gc). */
export function forceGc(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

export interface ExportMeasure {
  entries: number;
  bytes: number;
  seconds: number;
  /** CPU time of the process (user + system, all threads), which a loaded machine does not inflate as it does `seconds`. */
  cpuSeconds: number;
  /** The largest heap in use after a full collection, sampled while the export ran. */
  heapAfterGcMiB: number;
  /** The resident set when the export started (the process's own, before any export work). */
  startRssMiB: number;
  /** The largest resident set seen while the export ran. */
  peakRssMiB: number;
}

/**
 * Reads every entry to its end (counting bytes, keeping nothing), sampling the resident set every
 * 50 ms and the heap after a full collection every `gcEveryMs` (and once at the last chunk, while the
 * exporter still holds its state).
 */
export async function measureExport(entries: AsyncIterable<ExportEntry>, gcEveryMs = 1000): Promise<ExportMeasure> {
  forceGc();
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  let lastRss = started;
  let lastGc = started;
  let gcMs = 0;
  const startRssMiB = process.memoryUsage.rss() / 2 ** 20;
  const measure: ExportMeasure = { entries: 0, bytes: 0, seconds: 0, cpuSeconds: 0, heapAfterGcMiB: 0, startRssMiB, peakRssMiB: startRssMiB };
  const sampleHeap = (): void => {
    const t0 = performance.now();
    forceGc();
    measure.heapAfterGcMiB = Math.max(measure.heapAfterGcMiB, process.memoryUsage().heapUsed / 2 ** 20);
    gcMs += performance.now() - t0;
  };
  for await (const entry of entries) {
    measure.entries += 1;
    for await (const chunk of entry.content) {
      measure.bytes += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
      const now = performance.now();
      if (now - lastRss >= 50) {
        lastRss = now;
        measure.peakRssMiB = Math.max(measure.peakRssMiB, process.memoryUsage.rss() / 2 ** 20);
      }
      if (now - lastGc >= gcEveryMs) {
        sampleHeap();
        lastGc = performance.now();
      }
    }
  }
  sampleHeap();
  measure.seconds = (performance.now() - started - gcMs) / 1000;
  measure.cpuSeconds = cpuSecondsSince(cpuAtStart);
  return measure;
}

/** User + system CPU seconds since `start` (a process.cpuUsage() reading). */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}
