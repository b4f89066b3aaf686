import type { Clock } from '../adapters/clock.js';
import type { CameraHealthUpdate } from '../domain/cameras/camera-health.js';
import type { CameraReport } from './archiver.js';

interface Counted {
  saved: number;
  skipped: number;
  failed: number;
  bytes: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
}

/**
 * Writes the archiver's live per-camera reports to the library's camera health, as increments since
 * the previous flush: called every few seconds and once at the end, so `cameras ls` is current
 * during a run without a database write per frame. Only registered cameras have health; cameras
 * from a list file are reported by the run alone.
 */
export class CameraHealthRecorder {
  private readonly flushed = new Map<string, Counted>();

  constructor(
    private readonly health: { record(update: CameraHealthUpdate): Promise<void> },
    private readonly clock: Clock,
    private readonly registered: ReadonlySet<string>,
  ) {}

  /** Forgets a camera's counts: its next report starts from zero (a camera archived afresh). */
  forget(cameraId: string): void {
    this.flushed.delete(cameraId);
  }

  async flush(reports: readonly CameraReport[]): Promise<void> {
    for (const report of reports) {
      if (!this.registered.has(report.id)) continue;
      const before = this.flushed.get(report.id);
      const now: Counted = { saved: report.saved, skipped: report.unchanged, failed: report.failed, bytes: report.bytes, lastSuccessAt: report.lastSuccessAt, lastFailureAt: report.lastFailureAt };
      if (before && now.saved === before.saved && now.skipped === before.skipped && now.failed === before.failed && now.lastSuccessAt === before.lastSuccessAt) continue;
      if (!before && report.ticks === 0 && report.lastError === null) continue;
      await this.health.record({
        cameraId: report.id,
        lastSuccessAt: report.lastSuccessAt,
        lastFailureAt: report.lastFailureAt ?? (report.lastError !== null && report.ticks === 0 ? this.clock.now() : null),
        lastError: report.lastError,
        consecutiveFailures: report.consecutiveFailures,
        latencyMs: report.meanLatencyMs,
        addSaved: now.saved - (before?.saved ?? 0),
        addSkipped: now.skipped - (before?.skipped ?? 0),
        addFailures: now.failed - (before?.failed ?? 0),
        addBytes: now.bytes - (before?.bytes ?? 0),
        at: this.clock.now(),
      });
      this.flushed.set(report.id, now);
    }
  }
}
