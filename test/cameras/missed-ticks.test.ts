import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameSource } from '../../src/adapters/cameras/frame-source.js';
import { validateCamera } from '../../src/domain/cameras/camera.js';
import { missedTickHints } from '../../src/domain/cameras/missed-ticks.js';
import { Archiver, type ArchiveOptions, type CameraReport } from '../../src/services/archiver.js';
import { ManualClock } from '../helpers/manual-clock.js';

const options: ArchiveOptions = { durationMs: 2000, intervalMs: 200, diffPct: 0, concurrency: 64, perHost: 64, timeoutMs: 100, maxBytes: 1024, retries: 0 };

/**
 * Cameras whose answers take `latencyMs` of the test clock, and a sink that takes `storeMs`: every
 * wait is on the clock, so each run's counts are exact.
 */
async function run(cameras: { id: string; host: string; latencyMs: number }[], more: Partial<ArchiveOptions> & { storeMs?: number } = {}) {
  const clock = new ManualClock();
  let served = 0;
  const source = (latencyMs: number): FrameSource => ({
    latest: async () => {
      await clock.sleep(latencyMs);
      return { bytes: Buffer.from(`frame ${(served += 1)}`), contentType: 'image/jpeg', latencyMs };
    },
    close: async () => {},
  });
  const byId = new Map(cameras.map((c) => [c.id, c]));
  const archiver = new Archiver({
    open: (target) => source(byId.get(target.camera.id)!.latencyMs),
    decode: () => Promise.reject(new Error('never decoded with --diff 0')),
    sinks: [{ save: () => clock.sleep(more.storeMs ?? 0) }],
    clock,
  });
  const targets = cameras.map((c) => validateCamera({ id: c.id, type: 'snapshot', snapshot_url: `http://${c.host}/${c.id}.jpg` }, 0));
  const reports = await clock.runUntil(archiver.run(targets, { ...options, ...more }));
  return { reports, total: (field: keyof CameraReport['missedBy']) => reports.reduce((n, r) => n + r.missedBy[field], 0), missed: reports.reduce((n, r) => n + r.missed, 0) };
}

const facts = (reports: CameraReport[]) => reports.map((r) => ({ host: new URL(r.url!).host, missedBy: r.missedBy, meanLatencyMs: r.meanLatencyMs }));

describe('missed ticks and why (on a test clock)', () => {
  it('blames the per-host cap when many cameras share one host', async () => {
    // 10 cameras, one host, 2 fetches of 100 ms at once: 4 fetches per 200 ms interval for 10 ticks.
    const cameras = Array.from({ length: 10 }, (_, k) => ({ id: `cam${k}`, host: 'cams.example:8080', latencyMs: 100 }));
    const { reports, missed, total } = await run(cameras, { perHost: 2 });
    assert.equal(reports.reduce((n, r) => n + r.ticks, 0), 100, 'ten ticks per camera, whatever happens');
    assert.ok(missed > 0);
    assert.deepEqual([total('per_host'), total('concurrency'), total('camera'), total('storing')], [missed, 0, 0, 0]);
    assert.equal(reports.reduce((n, r) => n + r.saved, 0) + missed, 100, 'every tick kept or missed');
    const [hint, ...others] = missedTickHints(facts(reports), { intervalMs: 200, perHost: 2, concurrency: 64 });
    assert.deepEqual(others, []);
    // 10 cameras × 100 ms ÷ 200 ms = 5 at once, doubled: 10, which is one per camera.
    assert.deepEqual([hint?.flag, hint?.value], ['--per-host', 10]);
    assert.equal(hint?.message, `${missed} ticks missed waiting for the per-host cap: 10 cameras share cams.example:8080 and at most 2 fetches go to one host at once; try --per-host 10`);
  });

  it('finds why 1,000 cameras on one host with the default per-host cap miss half their ticks', async () => {
    // 4 fetches of 20 ms at once to the host: 200 a second, for 1,000 asked. Most cameras' first tick
    // still waits for the host when their second and third come; the run then waits for the queue.
    const cameras = Array.from({ length: 1000 }, (_, k) => ({ id: `c${k}`, host: 'farm.example', latencyMs: 20 }));
    const { reports, missed, total } = await run(cameras, { durationMs: 3000, intervalMs: 1000, perHost: 4 });
    assert.equal(missed, 1504, 'of 3,000 ticks');
    assert.equal(total('per_host'), missed);
    const hints = missedTickHints(facts(reports), { intervalMs: 1000, perHost: 4, concurrency: 64 });
    assert.deepEqual(hints.map((h) => [h.flag, h.value]), [['--per-host', 40]]);
  });

  it('blames the concurrency cap when cameras on many hosts share too few fetches', async () => {
    const cameras = Array.from({ length: 10 }, (_, k) => ({ id: `cam${k}`, host: `cam${k}.example`, latencyMs: 100 }));
    const { reports, missed, total } = await run(cameras, { concurrency: 2, perHost: 4 });
    assert.ok(missed > 0);
    assert.deepEqual([total('per_host'), total('concurrency'), total('camera'), total('storing')], [0, missed, 0, 0]);
    const hints = missedTickHints(facts(reports), { intervalMs: 200, perHost: 4, concurrency: 2 });
    assert.deepEqual(hints.map((h) => [h.flag, h.value]), [['--concurrency', 10]]);
    assert.match(hints[0]!.message, /missed waiting for the concurrency cap: 10 cameras and at most 2 fetches at once; try --concurrency 10$/);
  });

  it('blames the camera when its answers take longer than the interval', async () => {
    const { reports, missed, total } = await run([{ id: 'slow', host: 'slow.example', latencyMs: 450 }, { id: 'quick', host: 'quick.example', latencyMs: 10 }]);
    const [slow, quick] = reports;
    // Ticks every 200 ms, each answer 450 ms: a fetch at 0, 600, 1200, 1800; the ticks between are missed.
    assert.deepEqual([slow!.ticks, slow!.saved, slow!.missed, slow!.missedBy.camera], [10, 4, 6, 6]);
    assert.deepEqual([quick!.saved, quick!.missed], [10, 0]);
    assert.deepEqual([total('per_host'), total('concurrency'), total('camera'), total('storing')], [0, 0, missed, 0]);
    const hints = missedTickHints(facts(reports), { intervalMs: 200, perHost: 64, concurrency: 64 });
    assert.deepEqual(hints.map((h) => [h.flag, h.value]), [['--interval', 1]]);
    assert.match(hints[0]!.message, /^6 ticks missed because a camera took longer than the interval to answer/);
  });

  it('blames storing when the sink is slower than the interval', async () => {
    const { reports, missed, total } = await run([{ id: 'cam', host: 'cam.example', latencyMs: 10 }], { storeMs: 300 });
    assert.deepEqual([reports[0]!.ticks, reports[0]!.saved], [10, 5]);
    assert.deepEqual([total('per_host'), total('concurrency'), total('camera'), total('storing')], [0, 0, 0, missed]);
    assert.equal(missed, 5);
    assert.deepEqual(missedTickHints(facts(reports), { intervalMs: 200, perHost: 64, concurrency: 64 }), [], 'no flag helps a slow disk');
  });
});
