import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blameFor, describeMissed, missedTickHints, noMissed, type MissedCounts } from './missed-ticks.js';

const missed = (more: Partial<MissedCounts>): MissedCounts => ({ ...noMissed(), ...more });

describe('missed ticks', () => {
  it('blames the phase that held the tick longest, the current one on a tie', () => {
    assert.equal(blameFor(missed({ per_host: 900, camera: 120 }), 'camera'), 'per_host');
    assert.equal(blameFor(missed({ per_host: 100, camera: 100 }), 'camera'), 'camera');
    assert.equal(blameFor(missed({}), 'storing'), 'storing');
  });

  it('asks for one slot per camera without a latency, and for the concurrency a larger per-host cap needs', () => {
    const cameras = Array.from({ length: 1000 }, () => ({ host: '10.0.0.9:80', missedBy: missed({ per_host: 8 }), meanLatencyMs: null }));
    const hints = missedTickHints(cameras, { intervalMs: 1000, perHost: 4, concurrency: 64 });
    assert.deepEqual(hints.map((h) => [h.flag, h.value]), [['--per-host', 1000], ['--concurrency', 1000]]);
    assert.match(hints[1]!.message, /^--per-host 1000 is more than --concurrency 64 allows in all; try --concurrency 1000$/);
  });

  it('sizes the per-host cap from the latency: 1,000 cameras × 20 ms ÷ 1 s = 20 at once, doubled', () => {
    const cameras = Array.from({ length: 1000 }, () => ({ host: '10.0.0.9:80', missedBy: missed({ per_host: 8 }), meanLatencyMs: 20 }));
    assert.deepEqual(missedTickHints(cameras, { intervalMs: 1000, perHost: 4, concurrency: 64 }).map((h) => [h.flag, h.value]), [['--per-host', 40]]);
  });

  it('names the reasons that count, and gives no hint when nothing was missed', () => {
    assert.equal(describeMissed(missed({ per_host: 10, camera: 2 })), '10 waiting for the per-host cap, 2 on a slow or timing-out camera');
    assert.deepEqual(missedTickHints([{ host: 'a', missedBy: noMissed(), meanLatencyMs: 5 }], { intervalMs: 1000, perHost: 1, concurrency: 1 }), []);
  });
});
