import type { Logger } from 'pino';
import type { Clock } from '../adapters/clock.js';
import type { ArchiverRegistry } from '../adapters/db/archiver-registry.js';
import type { CameraHealthRepository } from '../adapters/db/camera-health.repository.js';
import type { Camera, CameraCredentials } from '../domain/cameras/camera.js';
import { preferredArchiver } from '../domain/cameras/camera-assignment.js';
import { addMissed, describeMissed, MISSED_REASONS, noMissed, type MissedCounts } from '../domain/cameras/missed-ticks.js';
import { emptyCameraReport, type ArchiveOptions, type Archiver, type CameraReport } from './archiver.js';
import { CameraHealthRecorder } from './camera-health-recorder.js';
import type { CameraService } from './camera.service.js';
import type { FrameRetention } from './frame-retention.js';
import { KeyedLimiter, Limiter } from './limiter.js';

export interface ContinuousArchiverOptions {
  /** How often the camera list is read again (cameras added, changed, removed) and claims renewed. */
  refreshMs: number;
  /** How long a claim on a camera holds without renewal: another process takes over after it. */
  claimMs: number;
  healthMs: number;
  retentionMs: number;
  /** Per-fetch settings; each camera's interval is its own `archive_interval`. */
  fetch: Omit<ArchiveOptions, 'durationMs' | 'intervalMs'>;
}

export const defaultContinuousOptions: Omit<ContinuousArchiverOptions, 'fetch'> = { refreshMs: 30_000, claimMs: 90_000, healthMs: 5000, retentionMs: 60_000 };

interface Running {
  stop: AbortController;
  done: Promise<void>;
  report: CameraReport;
  /** The camera as it was when its loop started: a change (a newer updatedAt) restarts the loop. */
  camera: Camera;
  /** Until when (epoch ms) this process's claim on the camera holds, as last renewed. */
  claimedUntil: number;
}

/**
 * Ticks stop this long before a claim runs out unrenewed: another process may take the camera once
 * it has, by its own clock. Hosts' clocks agree far better than this (NTP).
 */
const CLAIM_MARGIN_MS = 250;

/**
 * Archives every enabled camera with an `archive_interval`, indefinitely, inside `serve` and
 * `worker`. The processes doing so announce themselves in the library and divide the cameras among
 * those present (preferredArchiver). Each camera is claimed before it is archived, and the claim is
 * renewed on every refresh, so each camera is archived by exactly one process; when a process dies,
 * its presence and claims lapse and the others take its cameras over. Cameras added, changed,
 * disabled or removed are picked up on the next refresh; health is written every few seconds and
 * retention applied every minute.
 */
export class ContinuousArchiver {
  private readonly running = new Map<string, Running>();
  private readonly caps: { global: Limiter; hosts: KeyedLimiter };
  private readonly recorder: CameraHealthRecorder;
  private readonly archived = new Set<string>();
  /** Ends the refresh, health and retention loops, which wait on the clock. */
  private readonly stopLoops = new AbortController();
  private readonly loops: Promise<void>[] = [];
  /** Missed ticks per camera already logged: each summary says what is new. */
  private readonly missedLogged = new Map<string, MissedCounts>();
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(
    private readonly deps: {
      cameras: CameraService;
      health: CameraHealthRepository;
      registry: Pick<ArchiverRegistry, 'announce' | 'live' | 'leave'>;
      archiver: Archiver;
      retention: FrameRetention;
      clock: Clock;
      logger: Logger;
      owner: string;
    },
    private readonly options: ContinuousArchiverOptions,
  ) {
    this.caps = { global: new Limiter(options.fetch.concurrency), hosts: new KeyedLimiter(options.fetch.perHost) };
    this.recorder = new CameraHealthRecorder(deps.health, deps.clock, this.archived);
  }

  /** Starts the loops; the first refresh is awaited, so errors reading the cameras surface here. */
  async start(): Promise<void> {
    await this.refresh();
    const every = (ms: number, work: () => Promise<unknown>, what: string) =>
      this.loops.push(
        (async () => {
          for (;;) {
            try {
              await this.deps.clock.sleep(ms, this.stopLoops.signal);
            } catch {
              return;
            }
            await work().catch((error: unknown) => this.deps.logger.warn({ err: error }, `continuous archiving: ${what} failed`));
          }
        })(),
      );
    every(this.options.refreshMs, () => this.refresh(), 'reading the cameras');
    every(this.options.healthMs, () => this.recorder.flush(this.reports()), 'writing camera health');
    every(this.options.retentionMs, async () => {
      this.logMissedTicks();
      await this.applyRetention();
    }, 'applying retention');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopLoops.abort();
    await Promise.all(this.loops);
    await this.refreshing;
    // Gone from the list first: the others take these cameras on their next refresh.
    await this.deps.registry.leave(this.deps.owner).catch((error: unknown) => this.deps.logger.warn({ err: error }, 'continuous archiving: could not leave the list of archiving processes; others take over once this one lapses'));
    await Promise.all([...this.running.keys()].map((id) => this.stopCamera(id)));
    for (const cleanup of this.cleanups) await cleanup();
  }

  /** Work to do once stopped (closing the connections the drivers share). */
  onStop(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** Cameras being archived by this process now. */
  cameraIds(): string[] {
    return [...this.running.keys()];
  }

  private refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.reconcile());
    return this.refreshing;
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const targets = await this.deps.cameras.scheduledTargets();
    const wanted = new Map(targets.map((t) => [t.camera.id, t]));
    for (const [id, running] of this.running) {
      const target = wanted.get(id);
      if (!target || target.camera.updatedAt !== running.camera.updatedAt) await this.stopCamera(id);
    }
    const now = this.deps.clock.now();
    const { owner, registry } = this.deps;
    await registry.announce(owner, now + this.options.claimMs);
    const owners = await registry.live(now);
    if (!owners.includes(owner)) owners.push(owner);
    // Cameras that belong to another live process are handed over: stopping releases their claims.
    const mine = targets.filter((t) => preferredArchiver(t.camera.id, owners) === owner);
    const mineIds = new Set(mine.map((t) => t.camera.id));
    for (const id of [...this.running.keys()]) if (!mineIds.has(id)) await this.stopCamera(id);
    const until = now + this.options.claimMs;
    const claimed = mine.length > 0 ? await this.deps.health.claim([...mineIds], owner, until, now) : new Set<string>();
    for (const target of mine) {
      const running = this.running.get(target.camera.id);
      if (!claimed.has(target.camera.id)) {
        if (running) await this.stopCamera(target.camera.id);
      } else if (running) running.claimedUntil = until;
      else this.startCamera(target, until);
    }
  }

  private startCamera(target: { camera: Camera; credentials: CameraCredentials | null }, claimedUntil: number): void {
    const { camera } = target;
    const intervalMs = Math.max(1, camera.archiveInterval! * 1000);
    const stop = new AbortController();
    const report = emptyCameraReport(camera);
    // Ticks fall on one grid per camera, whichever process runs it: a camera handed over is never
    // fetched twice for one tick, and cameras added together do not fire together (the grid's phase
    // comes from the id).
    const phase = [...camera.id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % intervalMs;
    const now = this.deps.clock.now();
    const start = now + ((phase - (now % intervalMs) + intervalMs) % intervalMs);
    this.archived.add(camera.id);
    const running: Running = { stop, done: Promise.resolve(), report, camera, claimedUntil };
    running.done = this.deps.archiver
      .archiveCamera(target, report, { start, end: Infinity }, { ...this.options.fetch, intervalMs, durationMs: Infinity }, { ...this.caps, signal: stop.signal, mayTick: (due) => due < running.claimedUntil - CLAIM_MARGIN_MS })
      .catch((error: unknown) => this.deps.logger.error({ err: error, camera: camera.id }, 'continuous archiving of a camera stopped with an error'));
    this.running.set(camera.id, running);
    this.deps.logger.info({ camera: camera.id, interval_s: camera.archiveInterval }, 'archiving camera continuously');
  }

  private async stopCamera(id: string): Promise<void> {
    const running = this.running.get(id);
    if (!running) return;
    running.stop.abort();
    await running.done;
    await this.recorder.flush([running.report]);
    this.recorder.forget(id);
    this.missedLogged.delete(id);
    this.archived.delete(id);
    this.running.delete(id);
    await this.deps.health.release(id, this.deps.owner);
    this.deps.logger.info({ camera: id }, 'stopped archiving camera');
  }

  private reports(): CameraReport[] {
    return [...this.running.values()].map((r) => r.report);
  }

  /**
   * Logs the ticks missed since the last summary and why: with many cameras on one host, the
   * per-host cap is what holds them back, and nothing else would say so.
   */
  private logMissedTicks(): void {
    let fresh = noMissed();
    for (const { report } of this.running.values()) {
      const before = this.missedLogged.get(report.id) ?? noMissed();
      fresh = addMissed(fresh, Object.fromEntries(MISSED_REASONS.map((r) => [r, report.missedBy[r] - before[r]])) as MissedCounts);
      this.missedLogged.set(report.id, { ...report.missedBy });
    }
    const total = MISSED_REASONS.reduce((sum, r) => sum + fresh[r], 0);
    if (total === 0) return;
    const { perHost, concurrency } = this.options.fetch;
    this.deps.logger.warn(
      { missed: fresh, per_host: perHost, concurrency },
      `continuous archiving missed ${total} tick${total === 1 ? '' : 's'} since the last summary: ${describeMissed(fresh)} (at most ${perHost} fetches at once to one host, ${concurrency} in all)`,
    );
  }

  private async applyRetention(): Promise<void> {
    // The cameras as their loops run them: a change to retention restarts the loop, so these are current.
    const { frames, blobs } = await this.deps.retention.sweep([...this.running.values()].map((r) => r.camera));
    if (frames > 0 || blobs > 0) this.deps.logger.info({ frames, blobs }, 'retention: old frames deleted');
  }
}
