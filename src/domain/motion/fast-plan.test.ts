import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GopCollector, keyframeFirstPays, planFullDecode, type Gop } from './fast-plan.js';

/** Groups of `length` seconds with `bytes` per packet after the keyframe (by index), the last open-ended. */
function gops(count: number, length: number, bytes: (k: number) => number = () => 1000): Gop[] {
  return Array.from({ length: count }, (_, k) => ({ start: k * length, end: k === count - 1 ? null : (k + 1) * length, deltaBytes: bytes(k) }));
}

const options = { leadSeconds: 3, sizeFactor: 1.5, wholeShare: 0.8 };

describe('keyframe-first plan', () => {
  it('collects groups of pictures from packets in storage order', () => {
    const collector = new GopCollector();
    const packets: [number, number, boolean][] = [[-0.04, 50, false], [0, 9000, true], [0.08, 100, false], [0.04, 300, false], [2, 8000, true], [2.04, 200, false], [4, 7000, true]];
    for (const [time, size, key] of packets) collector.add(time, size, key);
    // deltaBytes: the mean of the larger half of the packets after the keyframe.
    assert.deepEqual(collector.finish(), [
      { start: 0, end: 2, deltaBytes: 300 },
      { start: 2, end: 4, deltaBytes: 200 },
      { start: 4, end: null, deltaBytes: null },
    ]);
  });

  it('pays only with keyframes half a second apart or more', () => {
    assert.equal(keyframeFirstPays(gops(10, 2)), true);
    assert.equal(keyframeFirstPays(gops(100, 0.04)), false, 'every frame a keyframe (MJPEG)');
    assert.equal(keyframeFirstPays([]), false);
    assert.equal(keyframeFirstPays(gops(1, 2)), false, 'one keyframe: nothing to skip between');
  });

  it('decodes the groups next to a keyframe with motion, from a lead-in at least 3 s before', () => {
    // 60 s in 2 s groups; motion seen on the keyframe at 30 s: it may have begun just after the
    // calm keyframe at 28 s, so decoding starts 3 s before that, at the keyframe at 24 s.
    assert.deepEqual(planFullDecode(gops(30, 2), [30], 60, options), [{ from: 24, to: 32 }]);
    // Two keyframes with motion close together: one stretch.
    assert.deepEqual(planFullDecode(gops(30, 2), [30, 34], 60, options), [{ from: 24, to: 36 }]);
    // Motion on the last keyframe runs to the end; at the first, the lead-in stops at 0.
    assert.deepEqual(planFullDecode(gops(30, 2), [58, 2], 60, options), [{ from: 0, to: 4 }, { from: 52, to: null }]);
  });

  it('decodes a group whose bitrate jumps though its keyframes are calm: something crossed between them', () => {
    assert.deepEqual(planFullDecode(gops(30, 2, (k) => (k === 20 ? 1600 : 1000)), [], 60, options), [{ from: 36, to: 42 }]);
    assert.deepEqual(planFullDecode(gops(30, 2, (k) => (k === 20 ? 1400 : 1000)), [], 60, options), [], 'a small rise is noise');
  });

  it('skips everything when nothing moved, and decodes everything when motion is nearly everywhere or nothing is known', () => {
    assert.deepEqual(planFullDecode(gops(30, 2), [], 60, options), []);
    const busy = Array.from({ length: 25 }, (_, k) => 2 * k + 2);
    assert.deepEqual(planFullDecode(gops(30, 2), busy, 60, options), [{ from: 0, to: null }]);
    assert.deepEqual(planFullDecode([], [], 60, options), [{ from: 0, to: null }]);
  });

  it('matches keyframe times that the two listings round differently', () => {
    assert.deepEqual(planFullDecode(gops(30, 2), [29.996], 60, options), [{ from: 24, to: 32 }]);
  });
});
