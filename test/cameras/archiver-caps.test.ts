import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/adapters/clock.js';
import type { FrameSource } from '../../src/adapters/cameras/frame-source.js';
import { validateCamera } from '../../src/domain/cameras/camera.js';
import { Archiver, type ArchiveOptions } from '../../src/services/archiver.js';

describe('the per-host cap', () => {
  it('holds a connection to the camera host only while fetching: a slow store does not hold back the next camera on that host', async () => {
    const fetches: number[] = [];
    const source: FrameSource = {
      latest: async () => {
        fetches.push(Date.now());
        return { bytes: Buffer.from(`frame ${fetches.length}`), contentType: 'image/jpeg', latencyMs: 1 };
      },
      close: async () => {},
    };
    let stores = 0;
    const archiver = new Archiver({
      open: () => source,
      decode: () => Promise.reject(new Error('not with diff 0')),
      // Storing takes 400 ms (a slow object store), far longer than fetching.
      sinks: [{ save: async () => void (await sleep(400), (stores += 1)) }],
      clock: systemClock,
    });
    const targets = ['a', 'b', 'c'].map((id) => validateCamera({ id, type: 'snapshot', snapshot_url: `http://nvr.example/${id}.jpg` }, 0));
    const options: ArchiveOptions = { durationMs: 35, intervalMs: 30, diffPct: 0, concurrency: 8, perHost: 1, timeoutMs: 900, maxBytes: 1024, retries: 0 };
    // The three cameras start 10 ms apart (spread over the interval); each has one tick.
    const reports = await archiver.run(targets, options);
    assert.equal(stores, 3);
    assert.deepEqual(reports.map((r) => r.saved), [1, 1, 1]);
    // One fetch at a time to the host, but each right after the one before, not after its store.
    const spread = Math.max(...fetches) - Math.min(...fetches);
    assert.ok(spread < 400, `the three fetches were ${spread} ms apart in all`);
  });
});
