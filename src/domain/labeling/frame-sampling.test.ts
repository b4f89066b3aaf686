import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveSampling, sampleFrames } from './frame-sampling.js';

describe('sampleFrames', () => {
  it('keeps one frame in three when sampling 30 fps video at 10 fps', () => {
    const pts = Array.from({ length: 9 }, (_, i) => i / 30);
    assert.deepEqual(sampleFrames(pts, 10), [0, 3, 6]);
  });
  it('repeats frames when sampling faster than the video, and never reads k / fps', () => {
    assert.deepEqual(sampleFrames([0, 0.5], 4), [0, 0, 1, 1]);
  });
  it('rounds each pts up to the next tick: the latest frame at or before a tick is output', () => {
    // ticks of 0.1 s: 0.25 → tick 3, 0.29 → tick 3 (the later wins), 0.31 → tick 4.
    assert.deepEqual(sampleFrames([0, 0.25, 0.29, 0.31], 10, { end: 0.5 }), [0, 0, 0, 2, 3]);
  });
  it('takes a pts printed a hair above a whole tick as that tick (ffprobe prints 6 decimals)', () => {
    // 2/30 s prints as 0.066667; at 15 fps that is tick 1.000005, which is tick 1.
    assert.deepEqual(sampleFrames([0, 0.033333, 0.066667, 0.1], 15), [0, 2]);
  });
  it('measures ticks from the start time it is given, not from zero', () => {
    const pts = [10.05, 10.15, 10.25, 10.35];
    assert.deepEqual(sampleFrames(pts, 10), [0, 1, 2, 3], 'start = first pts');
    // From 10.0: pts at ticks 1, 2, 3, 4 (rounded up); the end 10.45 is tick 5: outputs at ticks 1–4.
    assert.deepEqual(sampleFrames(pts, 10, { start: 10, end: 10.45 }), [0, 1, 2, 3]);
    // At 5 fps from 10.08: 10.05 is tick 0 (−0.15 rounded up), 10.15 and 10.25 tick 1 (the later wins), 10.35 tick 2;
    // the end, 10.45, is tick 2: outputs at ticks 0 and 1.
    assert.deepEqual(sampleFrames(pts, 5, { start: 10.08, end: 10.45 }), [0, 2]);
  });
  it('stops at the tick where the last frame ends', () => {
    assert.deepEqual(sampleFrames([0, 1], 2, { end: 3 }), [0, 0, 1, 1, 1, 1]);
    assert.deepEqual(sampleFrames([0, 1], 2, { end: 1.01 }), [0, 0, 1]);
  });
  it('gives one output for a single frame, and none for no frame', () => {
    assert.deepEqual(sampleFrames([4.2], 25), [0]);
    assert.deepEqual(sampleFrames([], 25), []);
  });
  it('refuses a rate that is not positive', () => {
    assert.throws(() => sampleFrames([0], 0), RangeError);
    assert.throws(() => sampleFrames([0], Number.NaN), RangeError);
  });
});

describe('effectiveSampling', () => {
  it('samples only when a rate is given and the native rate is not to be kept', () => {
    assert.equal(effectiveSampling(null), null);
    assert.equal(effectiveSampling({}), null);
    assert.equal(effectiveSampling({ framesPlayedPerSecond: 5 }), 5);
    assert.equal(effectiveSampling({ framesPlayedPerSecond: 5, shouldKeepNativeFrameRate: false }), 5);
    assert.equal(effectiveSampling({ framesPlayedPerSecond: 5, shouldKeepNativeFrameRate: true }), null);
    assert.equal(effectiveSampling({ shouldKeepNativeFrameRate: false }), null);
    assert.equal(effectiveSampling({ framesPlayedPerSecond: 5, shouldUseNativeVideo: false }), 5);
  });
});
