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
        health: { claim: async () => true, release: async () => {}, record: async () => {} } as unknown as CameraHealthRepository,
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
});
