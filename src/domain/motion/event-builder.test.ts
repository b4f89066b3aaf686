import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBuilder } from './event-builder.js';
import type { EventOptions, FrameMotion, MotionEvent } from './motion-types.js';

const options: EventOptions = { eventGap: 2, minMotionFrames: 2, maxEventLength: 300, preCapture: 0, postCapture: 0 };

/** One frame every 0.2 s; `moving` maps a frame index to the centroid x (and motion) when something moved. */
function frames(count: number, moving: (k: number) => { x: number; y?: number; pct?: number; zones?: string[] } | null): FrameMotion[] {
  return Array.from({ length: count }, (_, k) => {
    const m = moving(k);
    const heat = new Float32Array(256);
    if (!m) return { time: k * 0.2, motionPct: 0, blobs: [], box: null, centroid: null, heat, zones: [], lightswitch: false };
    const y = m.y ?? 0.5;
    heat[Math.min(15, Math.floor(y * 16)) * 16 + Math.min(15, Math.floor(m.x * 16))] = 0.5;
    const box = { x: m.x - 0.02, y: y - 0.02, w: 0.04, h: 0.04 };
    return { time: k * 0.2, motionPct: m.pct ?? 0.5, blobs: [{ box, areaPct: m.pct ?? 0.5, centroid: { x: m.x, y } }], box, centroid: { x: m.x, y }, heat, zones: m.zones ?? [], lightswitch: false };
  });
}

function build(list: FrameMotion[], opts: Partial<EventOptions> = {}, duration: number | null = null): MotionEvent[] {
  const builder = new EventBuilder({ ...options, ...opts }, duration, 9 / 16);
  return [...list.flatMap((f) => builder.push(f)), ...builder.finish()];
}

describe('event builder', () => {
  it('joins motion separated by less than the event gap, splits at a longer calm', () => {
    // Motion at 1.0-2.0 s, a 1.4 s pause, motion 3.4-4.0 s, then 3 s of calm, then 6.8-7.6 s.
    const moving = (k: number) => ((k >= 5 && k <= 10) || (k >= 17 && k <= 20) || (k >= 34 && k <= 38) ? { x: 0.1 + k * 0.02 } : null);
    const events = build(frames(50, moving));
    assert.deepEqual(events.map((e) => [Number(e.motionStart.toFixed(3)), Number(e.end.toFixed(3))]), [[1, 4], [6.8, 7.6]]);
    assert.equal(events[0]!.motionFrames, 10);
  });

  it('emits a finished event as soon as the gap has passed, not only at the end', () => {
    const builder = new EventBuilder(options);
    const emitted = frames(40, (k) => (k >= 2 && k <= 6 ? { x: 0.5 } : null)).map((f) => builder.push(f).length);
    assert.equal(emitted.indexOf(1), 17, 'closed by the first frame more than 2 s after the last motion');
    assert.deepEqual(builder.finish(), []);
  });

  it('drops glitches shorter than the minimum motion frames, splits events longer than the maximum', () => {
    assert.deepEqual(build(frames(20, (k) => (k === 5 ? { x: 0.5 } : null))), []);
    const long = build(frames(100, (k) => ({ x: 0.2 + (k % 10) * 0.01 })), { maxEventLength: 6 });
    assert.deepEqual(long.map((e) => e.motionStart), [0, 6, 12, 18]);
    // The piece after a split is kept even when it is a single frame.
    const tail = build(frames(32, (k) => (k <= 30 ? { x: 0.5 } : null)), { maxEventLength: 6 });
    assert.deepEqual(tail.map((e) => [e.motionStart, e.motionFrames]), [[0, 30], [6, 1]]);
  });

  it('lets repeated frames extend an event without counting them as motion', () => {
    const list = frames(20, (k) => (k >= 2 && k <= 8 ? { x: 0.5 } : null)).map((f, k) => (k >= 3 && k <= 8 ? { ...f, repeated: true } : f));
    assert.deepEqual(build(list), [], 'one real frame of motion plus repeats of it is a glitch');
    const moving = frames(20, (k) => (k >= 2 && k <= 8 ? { x: 0.5 } : null)).map((f, k) => (k >= 5 && k <= 8 ? { ...f, repeated: true } : f));
    const [event] = build(moving);
    assert.deepEqual([event!.motionStart, event!.motionEnd, event!.motionFrames], [0.4, 1.6, 3]);
  });

  it('adds pre and post capture within the media', () => {
    const [event] = build(frames(30, (k) => (k >= 2 && k <= 10 ? { x: 0.5 } : null)), { preCapture: 1, postCapture: 3 }, 3);
    assert.deepEqual([event!.start, event!.end, event!.motionStart], [0, 3, 0.4]);
  });

  it('measures direction, speed, heatmap, zones, peak and score', () => {
    // From x 0.1 to 0.9 across 4 s, getting bigger: moving east at 0.2 frame widths per second.
    const [east] = build(frames(21, (k) => ({ x: 0.1 + k * 0.04, pct: 0.2 + k * 0.1, zones: k > 15 ? ['exit'] : [] })));
    assert.equal(east!.direction, 'E');
    assert.ok(Math.abs(east!.directionDeg! - 90) < 1);
    assert.ok(Math.abs(east!.speed - 0.2) < 0.005, `speed ${east!.speed}`);
    assert.deepEqual(east!.zones, ['exit']);
    assert.equal(east!.peakTime, 4);
    assert.ok(east!.boxTrack.length <= 20 && east!.boxTrack[0]!.time === 0 && east!.boxTrack.at(-1)!.time === 4);
    assert.equal(east!.heatmap.length, 256);
    assert.ok(east!.heatmap.some((v) => v > 0) && east!.heatmap.every((v) => v >= 0 && v <= 1));
    assert.ok(east!.score > 0.5 && east!.score <= 1);
    const [north] = build(frames(21, (k) => ({ x: 0.5, y: 0.9 - k * 0.04 })));
    assert.equal(north!.direction, 'N');
    const [still] = build(frames(21, () => ({ x: 0.5 })));
    assert.deepEqual([still!.direction, still!.directionDeg, still!.speed], [null, null, 0]);
  });

  it('follows the moving blob of each event as an object, numbered from 1 in each event', () => {
    // Two events (1.0-2.0 s and 6.8-7.6 s) of a 0.04-wide blob moving 0.02 a frame: one object each.
    const moving = (k: number) => ((k >= 5 && k <= 10) || (k >= 34 && k <= 38) ? { x: 0.1 + k * 0.02 } : null);
    const events = build(frames(50, moving));
    assert.deepEqual(events.map((e) => e.objects.map((o) => [o.id, o.start, o.end, o.boxes.length])), [[[1, 1, 2, 6]], [[1, 34 * 0.2, 38 * 0.2, 5]]]);
    assert.deepEqual(events[0]!.objects[0]!.boxes.at(-1), { time: 2, box: { x: 0.1 + 10 * 0.02 - 0.02, y: 0.48, w: 0.04, h: 0.04 } });
  });
});
