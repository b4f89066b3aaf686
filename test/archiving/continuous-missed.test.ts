import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from 'pino';
import type { FrameSource } from '../../src/adapters/cameras/frame-source.js';
import type { CameraHealthRepository } from '../../src/adapters/db/camera-health.repository.js';
import { validateCamera } from '../../src/domain/cameras/camera.js';
import { Archiver } from '../../src/services/archiver.js';
import type { CameraService } from '../../src/services/camera.service.js';
import { ContinuousArchiver, defaultContinuousOptions } from '../../src/services/continuous-archiver.js';
import type { FrameRetention } from '../../src/services/frame-retention.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('continuous archiving on a test clock', () => {
  it('logs once a minute how many ticks were missed and why', async () => {
    const clock = new ManualClock();
    // Ten cameras behind one host, a frame a second each, answers of 400 ms, two at once: 5 a second for 10 asked.
    const targets = Array.from({ length: 10 }, (_, k) => validateCamera({ id: `cam${k}`, type: 'snapshot', snapshot_url: `http://nvr.example/cam${k}.jpg`, archive_interval: 1 }, 0));
    const source: FrameSource = {
      latest: async () => {
        await clock.sleep(400);
        return { bytes: Buffer.from(`frame at ${clock.now()}`), contentType: 'image/jpeg', latencyMs: 400 };
      },
      close: async () => {},
    };
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const logger = { info: () => {}, error: () => {}, warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ fields, message }) } as unknown as Logger;
    const continuous = new ContinuousArchiver(
      {
        cameras: { scheduledTargets: async () => targets } as unknown as CameraService,
        health: { claim: async (ids: string[]) => new Set(ids), release: async () => {}, record: async () => {} } as unknown as CameraHealthRepository,
        registry: { announce: async () => {}, live: async () => ['test'], leave: async () => {} },
        archiver: new Archiver({ open: () => source, decode: () => Promise.reject(new Error('not with diff 0')), sinks: [], clock }),
        retention: { sweep: async () => ({ frames: 0, blobs: 0 }) } as unknown as FrameRetention,
        clock,
        logger,
        owner: 'test',
      },
      { ...defaultContinuousOptions, fetch: { diffPct: 0, concurrency: 64, perHost: 2, timeoutMs: 900, maxBytes: 1024, retries: 0 } },
    );
    await continuous.start();
    await clock.runUntil(clock.sleep(59_000));
    assert.equal(warnings.length, 0, 'nothing before the first minute');
    await clock.runUntil(clock.sleep(2_000));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    const { fields, message } = warnings[0] as { fields: { missed: Record<string, number> }; message: string };
    assert.ok(fields.missed.per_host! > 200, JSON.stringify(fields));
    assert.deepEqual([fields.missed.concurrency, fields.missed.camera, fields.missed.storing], [0, 0, 0]);
    assert.equal(message, `continuous archiving missed ${fields.missed.per_host} ticks since the last summary: ${fields.missed.per_host} waiting for the per-host cap (at most 2 fetches at once to one host, 64 in all)`);
    await clock.runUntil(continuous.stop());
  });
  it('fetches a camera only while its claim holds: a renewal that does not come stops the ticks before another process may take over', async () => {
    const clock = new ManualClock();
    const target = validateCamera({ id: 'gate', type: 'snapshot', snapshot_url: 'http://nvr.example/gate.jpg', archive_interval: 1 }, 0);
    const fetchedAt: number[] = [];
    const source: FrameSource = {
      latest: async () => {
        fetchedAt.push(clock.now());
        return { bytes: Buffer.from(`frame at ${clock.now()}`), contentType: 'image/jpeg', latencyMs: 1 };
      },
      close: async () => {},
    };
    let claims = 0;
    const silent = { info: () => {}, error: () => {}, warn: () => {} } as unknown as Logger;
    const options = { ...defaultContinuousOptions, refreshMs: 1000, claimMs: 3000, fetch: { diffPct: 0, concurrency: 4, perHost: 2, timeoutMs: 900, maxBytes: 1024, retries: 0 } };
    const continuous = new ContinuousArchiver(
      {
        cameras: { scheduledTargets: async () => [target] } as unknown as CameraService,
        // The first claim succeeds; every renewal hangs, as with a database that stopped answering.
        health: { claim: (ids: string[]) => (claims++ === 0 ? Promise.resolve(new Set(ids)) : new Promise<Set<string>>(() => {})), release: async () => {}, record: async () => {} } as unknown as CameraHealthRepository,
        registry: { announce: async () => {}, live: async () => ['test'], leave: async () => {} },
        archiver: new Archiver({ open: () => source, decode: () => Promise.reject(new Error('not with diff 0')), sinks: [], clock }),
        retention: { sweep: async () => ({ frames: 0, blobs: 0 }) } as unknown as FrameRetention,
        clock,
        logger: silent,
        owner: 'test',
      },
      options,
    );
    const claimedAt = clock.now();
    await continuous.start();
    await clock.runUntil(clock.sleep(10_000));
    assert.ok(fetchedAt.length >= 2, `it archived while the claim held: ${fetchedAt.length} fetches`);
    assert.ok(Math.max(...fetchedAt) < claimedAt + options.claimMs, `no fetch once the claim may have passed to another process: last at +${Math.max(...fetchedAt) - claimedAt} ms`);
    // Each fetch on the camera's grid: a whole number of intervals apart.
    for (const t of fetchedAt) assert.equal((t - fetchedAt[0]!) % 1000, 0);
  });
});
