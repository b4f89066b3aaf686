import { sql, type Kysely } from 'kysely';
import type { CameraHealth, CameraHealthUpdate } from '../../domain/cameras/camera-health.js';
import type { Database } from './schema.js';

/** The later of the stored and the new time, either of which may be null (portable: no GREATEST in SQLite). */
const later = (column: 'last_success_at' | 'last_failure_at') =>
  sql<number | null>`case when excluded.${sql.ref(column)} is null then camera_health.${sql.ref(column)} when camera_health.${sql.ref(column)} is null or excluded.${sql.ref(column)} > camera_health.${sql.ref(column)} then excluded.${sql.ref(column)} else camera_health.${sql.ref(column)} end`;

/** Cameras claimed per pair of statements. */
const CLAIM_BATCH = 500;

/** Per-camera archiving health: counters that add up across runs and processes, and the latest state. */
export class CameraHealthRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(update: CameraHealthUpdate): Promise<void> {
    const row = {
      camera_id: update.cameraId,
      last_success_at: update.lastSuccessAt,
      last_failure_at: update.lastFailureAt,
      last_error: update.lastError,
      consecutive_failures: update.consecutiveFailures,
      latency_ms: update.latencyMs === null ? null : Math.round(update.latencyMs),
      frames_saved: update.addSaved,
      frames_skipped: update.addSkipped,
      failures: update.addFailures,
      bytes: update.addBytes,
      archiver: null,
      archiver_until: null,
      updated_at: update.at,
    };
    await this.db
      .insertInto('camera_health')
      .values(row)
      .onConflict((conflict) =>
        conflict.column('camera_id').doUpdateSet({
          // Times only move forward: a late flush from another process never turns them back.
          last_success_at: later('last_success_at'),
          last_failure_at: later('last_failure_at'),
          // The last error stays on record after a success: last_failure_at says when it was.
          last_error: sql`coalesce(excluded.last_error, camera_health.last_error)`,
          consecutive_failures: sql`excluded.consecutive_failures`,
          latency_ms: sql`coalesce(excluded.latency_ms, camera_health.latency_ms)`,
          frames_saved: sql`camera_health.frames_saved + excluded.frames_saved`,
          frames_skipped: sql`camera_health.frames_skipped + excluded.frames_skipped`,
          failures: sql`camera_health.failures + excluded.failures`,
          bytes: sql`camera_health.bytes + excluded.bytes`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
  }

  /**
   * Claims continuous archiving of cameras for `owner` until `until` (epoch ms), returning those
   * granted: the ones no other process holds an unexpired claim on. Renewing is claiming again. A
   * few statements whatever the number of cameras, so a refresh stays short with thousands.
   */
  async claim(cameraIds: readonly string[], owner: string, until: number, now: number): Promise<Set<string>> {
    const granted = new Set<string>();
    for (let at = 0; at < cameraIds.length; at += CLAIM_BATCH) {
      const batch = cameraIds.slice(at, at + CLAIM_BATCH);
      await this.db
        .insertInto('camera_health')
        .values(batch.map((id) => ({ camera_id: id, last_success_at: null, last_failure_at: null, last_error: null, consecutive_failures: 0, latency_ms: null, frames_saved: 0, frames_skipped: 0, failures: 0, bytes: 0, archiver: null, archiver_until: null, updated_at: now })))
        .onConflict((conflict) => conflict.column('camera_id').doNothing())
        .execute();
      const rows = await this.db
        .updateTable('camera_health')
        .set({ archiver: owner, archiver_until: until })
        .where('camera_id', 'in', batch)
        .where((eb) => eb.or([eb('archiver', 'is', null), eb('archiver', '=', owner), eb('archiver_until', '<', now)]))
        .returning('camera_id')
        .execute();
      for (const row of rows) granted.add(row.camera_id);
    }
    return granted;
  }

  /** Gives a claim up (a process stopping), so another can take the camera at once. */
  async release(cameraId: string, owner: string): Promise<void> {
    await this.db.updateTable('camera_health').set({ archiver: null, archiver_until: null }).where('camera_id', '=', cameraId).where('archiver', '=', owner).execute();
  }

  async forCameras(ids: readonly string[]): Promise<Map<string, CameraHealth>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('camera_health').selectAll().where('camera_id', 'in', ids).execute();
    return new Map(
      rows.map((r) => [
        r.camera_id,
        {
          cameraId: r.camera_id,
          lastSuccessAt: r.last_success_at === null ? null : Number(r.last_success_at),
          lastFailureAt: r.last_failure_at === null ? null : Number(r.last_failure_at),
          lastError: r.last_error,
          consecutiveFailures: r.consecutive_failures,
          latencyMs: r.latency_ms,
          framesSaved: Number(r.frames_saved),
          framesSkipped: Number(r.frames_skipped),
          failures: Number(r.failures),
          bytes: Number(r.bytes),
          updatedAt: Number(r.updated_at),
        },
      ]),
    );
  }

  async remove(cameraId: string): Promise<void> {
    await this.db.deleteFrom('camera_health').where('camera_id', '=', cameraId).execute();
  }
}
