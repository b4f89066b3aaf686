/** How archiving a camera has gone, across runs. */
export interface CameraHealth {
  cameraId: string;
  /** Epoch ms. */
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  /** Failed ticks since the last frame; 0 when the last tick worked. */
  consecutiveFailures: number;
  /** Mean time to get a frame, over the latest run. */
  latencyMs: number | null;
  framesSaved: number;
  /** Frames that came but were not kept: unchanged, or identical bytes. */
  framesSkipped: number;
  failures: number;
  bytes: number;
  updatedAt: number;
}

/** What one flush adds: counters since the previous flush, and the latest state. */
export type CameraHealthUpdate = Pick<CameraHealth, 'cameraId' | 'lastSuccessAt' | 'lastFailureAt' | 'lastError' | 'consecutiveFailures' | 'latencyMs'> & {
  addSaved: number;
  addSkipped: number;
  addFailures: number;
  addBytes: number;
  at: number;
};

/** A one-word summary for tables: ok, failing (with the count), or never archived. */
export function healthStatus(health: CameraHealth | undefined): string {
  if (!health) return 'never archived';
  if (health.consecutiveFailures > 0) return `failing ×${health.consecutiveFailures}`;
  return health.lastSuccessAt === null ? 'no frame yet' : 'ok';
}

/** Health as the API and `--json` show it: snake_case, times in ISO 8601. */
export function publicHealth(health: CameraHealth) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    last_success_at: iso(health.lastSuccessAt),
    last_failure_at: iso(health.lastFailureAt),
    last_error: health.lastError,
    consecutive_failures: health.consecutiveFailures,
    latency_ms: health.latencyMs,
    frames_saved: health.framesSaved,
    frames_skipped: health.framesSkipped,
    failures: health.failures,
    bytes: health.bytes,
    updated_at: iso(health.updatedAt),
  };
}
