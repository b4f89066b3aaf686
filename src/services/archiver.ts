import { createHash } from 'node:crypto';
import type { CameraFrame, FrameSource } from '../adapters/cameras/frame-source.js';
import type { Clock } from '../adapters/clock.js';
import { sourceUrl, type Camera, type CameraCredentials } from '../domain/cameras/camera.js';
import { CircuitBreaker, defaultCircuitBreaker, type CircuitBreakerOptions } from '../domain/cameras/circuit-breaker.js';
import { decideSave, type GrayImage } from '../domain/cameras/frame-change.js';
import { imageSize, type ImageKind } from '../domain/cameras/image-bytes.js';
import { isCamtroveError } from '../domain/errors.js';
import { blameFor, noMissed, type MissedCounts, type MissedReason } from '../domain/cameras/missed-ticks.js';
import { KeyedLimiter, Limiter } from './limiter.js';

/** A camera to archive, with the credentials it needs. */
export interface ArchiveTarget {
  camera: Camera;
  credentials: CameraCredentials | null;
}

/** What a caller learns of, and decides about, each camera's ticks. */
export interface TickHooks {
  signal?: AbortSignal;
  onFrame?: (report: CameraReport) => void;
  /** Whether the tick due at this time (epoch ms) may run; without it, every tick does. */
  mayTick?: (due: number) => boolean;
}

/** A frame worth keeping, as the sinks receive it. */
export interface KeptFrame {
  cameraId: string;
  /** Epoch microseconds, UTC, when the fetch began. */
  capturedAtMicros: number;
  bytes: Buffer;
  /** SHA-256 of `bytes`, hex: computed once, for change detection and the blob store alike. */
  sha256: string;
  contentType: ImageKind;
  width: number | null;
  height: number | null;
  /** % of pixels changed against the last kept frame (100 for the first). */
  changeScore: number;
}

/** Where kept frames go: the library, an --out folder tree, or both. */
export interface FrameSink {
  save(frame: KeptFrame): Promise<void>;
}

export interface ArchiveOptions {
  durationMs: number;
  intervalMs: number;
  /** Keep a frame when at least this % of pixels changed; 0 keeps every frame. */
  diffPct: number;
  /** Fetches in flight at once, across all cameras. */
  concurrency: number;
  /** Fetches in flight at once to one host. */
  perHost: number;
  /** Deadline of one fetch (connect, headers, body). */
  timeoutMs: number;
  maxBytes: number;
  /** Extra attempts within a tick after a failure that may pass, while the tick has time left. */
  retries: number;
  breaker?: CircuitBreakerOptions;
}

/** What happened to one camera during a run. */
export interface CameraReport {
  id: string;
  url: string | null;
  ticks: number;
  saved: number;
  unchanged: number;
  failed: number;
  /** Ticks that came while the previous one was still at work (a slow camera, or the caps full). */
  missed: number;
  /** `missed` by what held the previous tick longest: the per-host cap, the concurrency cap, the camera, storing. */
  missedBy: MissedCounts;
  /** Ticks skipped while the camera rested after repeated failures. */
  rested: number;
  bytes: number;
  lastError: string | null;
  /** Epoch ms. */
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  /** Failed ticks since the last frame. */
  consecutiveFailures: number;
  meanLatencyMs: number | null;
}

/** Caps on fetches in flight, shared by every camera of a run (or of the continuous archiver). */
export interface SharedCaps {
  global: Limiter;
  hosts: KeyedLimiter;
}

export interface ArchivePorts {
  /** The camera's driver (snapshot, MJPEG, HLS, RTSP); throws when the camera cannot be archived. */
  open(target: ArchiveTarget): FrameSource;
  decode(bytes: Buffer): Promise<GrayImage>;
  sinks: FrameSink[];
  /** The schedule, backoffs, rests and capture times; a fetch's own deadline is the driver's, in real time. */
  clock: Clock;
}

/** What a tick is doing now, and how long it spent in each phase so far: a missed tick blames the longest. */
interface TickPhase {
  phase: MissedReason;
  since: number;
  spentMs: MissedCounts;
}

/**
 * Samples cameras every `intervalMs` for `durationMs`, each on its own schedule (start times
 * staggered across the interval so they do not all fire at once), under a global cap and a per-host
 * cap on fetches in flight. A tick that comes while the camera's previous one is still working is
 * counted as missed, never queued up, and blamed on what held that one longest (a cap, the camera,
 * storing); a camera that keeps failing rests (its ticks counted) and is probed again later, never
 * dropped; a slow camera holds only its own slot. Frames are kept when they changed enough
 * (decideSave) and handed to every sink. Time, waits and capture times come from the Clock.
 */
export class Archiver {
  private readonly clock: Clock;

  constructor(private readonly ports: ArchivePorts) {
    this.clock = ports.clock;
  }

  /** Archives until the duration ends or `signal` aborts; `onStart` gets the live reports, which change as the run goes. */
  async run(targets: readonly ArchiveTarget[], options: ArchiveOptions, hooks: { signal?: AbortSignal; onFrame?: (report: CameraReport) => void; onStart?: (reports: readonly CameraReport[]) => void } = {}): Promise<CameraReport[]> {
    const shared: SharedCaps = { global: new Limiter(options.concurrency), hosts: new KeyedLimiter(options.perHost) };
    const start = this.clock.now();
    const reports = targets.map((target) => emptyCameraReport(target.camera));
    hooks.onStart?.(reports);
    await Promise.all(
      targets.map((target, index) => {
        const offset = targets.length > 1 ? Math.floor((index / targets.length) * options.intervalMs) : 0;
        return this.archiveCamera(target, reports[index]!, { start: start + offset, end: start + options.durationMs }, options, { ...shared, ...hooks });
      }),
    );
    return reports;
  }

  /**
   * Archives one camera from `start` until `end` (Infinity: until the signal aborts), updating
   * `report` as it goes. Caps are shared with the other cameras of the same run or service.
   */
  async archiveCamera(target: ArchiveTarget, report: CameraReport, when: { start: number; end: number }, options: ArchiveOptions, shared: SharedCaps & TickHooks): Promise<void> {
    let source: FrameSource;
    try {
      source = this.ports.open(target);
    } catch (error) {
      report.lastError = error instanceof Error ? error.message : String(error);
      return;
    }
    try {
      await this.runCamera(target, source, report, { ...when, options, global: shared.global, hosts: shared.hosts, hooks: shared });
    } finally {
      await source.close();
    }
  }

  private async runCamera(
    target: ArchiveTarget,
    source: FrameSource,
    report: CameraReport,
    run: { start: number; end: number; options: ArchiveOptions; global: Limiter; hosts: KeyedLimiter; hooks: TickHooks },
  ): Promise<void> {
    const { options, hooks } = run;
    const url = report.url!;
    const host = new URL(url).host;
    const breaker = new CircuitBreaker(options.breaker ?? defaultCircuitBreaker);
    const state: { previous: GrayImage | null; previousHash: string | null; latencySum: number; latencyCount: number } = { previous: null, previousHash: null, latencySum: 0, latencyCount: 0 };
    let working: Promise<void> | null = null;
    let phase: TickPhase | null = null;
    for (let tick = 0; ; tick += 1) {
      const due = run.start + tick * options.intervalMs;
      if (due >= run.end || hooks.signal?.aborted) break;
      const wait = due - this.clock.now();
      if (wait > 0) {
        try {
          await this.clock.sleep(wait, hooks.signal);
        } catch {
          break;
        }
      }
      // A tick another process may own now (this one's claim on the camera ran out) is not ours to take.
      if (hooks.mayTick && !hooks.mayTick(due)) continue;
      report.ticks += 1;
      if (working) {
        report.missed += 1;
        if (phase) report.missedBy[blameFor(spentSoFar(phase, this.clock.now()), phase.phase)] += 1;
        continue;
      }
      if (!breaker.allows(this.clock.now())) {
        report.rested += 1;
        continue;
      }
      const nextTick = due + options.intervalMs;
      const current: TickPhase = { phase: 'per_host', since: this.clock.now(), spentMs: noMissed() };
      phase = current;
      const enter = (next: MissedReason) => {
        const now = this.clock.now();
        current.spentMs[current.phase] += now - current.since;
        current.phase = next;
        current.since = now;
      };
      working = this.tick(target, source, report, state, breaker, { url, host, nextTick, run, enter }).finally(() => {
        working = null;
        hooks.onFrame?.(report);
      });
    }
    if (working) await working;
  }

  private async tick(
    target: ArchiveTarget,
    source: FrameSource,
    report: CameraReport,
    state: { previous: GrayImage | null; previousHash: string | null; latencySum: number; latencyCount: number },
    breaker: CircuitBreaker,
    where: { url: string; host: string; nextTick: number; run: { options: ArchiveOptions; global: Limiter; hosts: KeyedLimiter; hooks: { signal?: AbortSignal } }; enter: (phase: MissedReason) => void },
  ): Promise<void> {
    const { options, global, hosts, hooks } = where.run;
    let releaseHost: (() => void) | null = await hosts.acquire(where.host);
    where.enter('concurrency');
    const releaseGlobal = await global.acquire();
    try {
      for (let attempt = 0; ; attempt += 1) {
        where.enter('camera');
        const askedAtMicros = this.clock.nowMicros();
        try {
          const image = await source.latest({ deadlineMs: options.timeoutMs, maxBytes: options.maxBytes, signal: hooks.signal });
          const capturedAtMicros = image.receivedAtMicros ?? askedAtMicros;
          // The per-host cap spares the camera's host; storing the frame does not touch it.
          releaseHost?.();
          releaseHost = null;
          where.enter('storing');
          await this.keep(target.camera.id, image, capturedAtMicros, report, state, options.diffPct);
          state.latencySum += image.latencyMs;
          state.latencyCount += 1;
          report.meanLatencyMs = Math.round(state.latencySum / state.latencyCount);
          breaker.succeeded();
          report.lastSuccessAt = Math.floor(capturedAtMicros / 1000);
          report.lastError = null;
          report.consecutiveFailures = 0;
          return;
        } catch (error) {
          if (hooks.signal?.aborted) return;
          const message = error instanceof Error ? error.message : String(error);
          // A frame fetched but not stored is not fetched again: the store, not the camera, failed.
          const retryable = releaseHost !== null && isCamtroveError(error) && error.code !== 'CAMTROVE_ERR_CAMERA_AUTH';
          // Back off 250 ms, 500 ms, … with jitter, as long as the retry still ends before the next tick.
          const backoff = 250 * 2 ** attempt * (0.5 + Math.random());
          if (retryable && attempt < options.retries && this.clock.now() + backoff + options.timeoutMs < where.nextTick) {
            await this.clock.sleep(backoff, hooks.signal).catch(() => undefined);
            if (hooks.signal?.aborted) return;
            continue;
          }
          report.failed += 1;
          report.lastError = message;
          report.lastFailureAt = this.clock.now();
          report.consecutiveFailures += 1;
          breaker.failed(this.clock.now(), Math.random());
          return;
        }
      }
    } finally {
      releaseGlobal();
      releaseHost?.();
    }
  }

  private async keep(cameraId: string, image: CameraFrame, capturedAtMicros: number, report: CameraReport, state: { previous: GrayImage | null; previousHash: string | null }, diffPct: number): Promise<void> {
    const hash = createHash('sha256').update(image.bytes).digest('hex');
    const sameBytes = hash === state.previousHash;
    // Identical bytes are never decoded; with diff 0 nothing is.
    const current = diffPct > 0 && !sameBytes ? await this.ports.decode(image.bytes) : null;
    const decision = decideSave({ diffPct, previous: state.previous, current, sameBytes: sameBytes && state.previousHash !== null });
    if (!decision.save) {
      report.unchanged += 1;
      return;
    }
    // Without a decode (diff 0, or the same bytes again) the size comes from the image's header.
    const size = current ? { width: current.sourceWidth, height: current.sourceHeight } : imageSize(image.bytes);
    const frame: KeptFrame = { cameraId, capturedAtMicros, bytes: image.bytes, sha256: hash, contentType: image.contentType, width: size?.width ?? null, height: size?.height ?? null, changeScore: decision.score };
    for (const sink of this.ports.sinks) await sink.save(frame);
    if (current) state.previous = current;
    state.previousHash = hash;
    report.saved += 1;
    report.bytes += image.bytes.length;
  }

}

/** A camera's report before its first tick. */
export function emptyCameraReport(camera: Camera): CameraReport {
  return { id: camera.id, url: sourceUrl(camera), ticks: 0, saved: 0, unchanged: 0, failed: 0, missed: 0, missedBy: noMissed(), rested: 0, bytes: 0, lastError: null, lastSuccessAt: null, lastFailureAt: null, consecutiveFailures: 0, meanLatencyMs: null };
}

/** A tick's time in each phase, the current one counted up to `now`. */
function spentSoFar(phase: TickPhase, now: number): MissedCounts {
  return { ...phase.spentMs, [phase.phase]: phase.spentMs[phase.phase] + now - phase.since };
}
