import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolateValue, trackFrames } from './interpolation.js';
import type { KeyFrame, Point, TrackHeader } from './label-model.js';

/** Kili's rectangle: bottom-left, top-left, top-right, bottom-right. */
const rect = (x1: number, y1: number, x2: number, y2: number): Point[] => [
  { x: x1, y: y2 }, { x: x1, y: y1 }, { x: x2, y: y1 }, { x: x2, y: y2 },
];
const header = (tool: TrackHeader['tool'], keys: KeyFrame[], kind: TrackHeader['kind'] = 'object'): TrackHeader => ({
  job: 'JOB', mid: 'm1', kind, tool, firstFrame: keys[0]!.frame, lastFrame: keys.at(-1)!.frame,
});
const key = (frame: number, points: Point[], outside = false): KeyFrame => ({ frame, outside, value: { categories: [{ name: 'CAR' }], points } });
const assertPoints = (actual: readonly Point[], expected: readonly Point[]): void => {
  assert.equal(actual.length, expected.length);
  actual.forEach((p, i) => assert.ok(Math.abs(p.x - expected[i]!.x) < 1e-12 && Math.abs(p.y - expected[i]!.y) < 1e-12, JSON.stringify({ i, actual: p, expected: expected[i] })));
};
const collect = async (tool: TrackHeader['tool'], keys: KeyFrame[], frameCount: number, interpolate = true) => {
  const out = [];
  for await (const f of trackFrames(header(tool, keys), keys, frameCount, { interpolate })) out.push(f);
  return out;
};

describe('interpolation between key frames', () => {
  it('puts frame 5 exactly halfway between rectangle keys at 0 and 10', async () => {
    const frames = await collect('rectangle', [key(0, rect(0.1, 0.2, 0.3, 0.4)), key(10, rect(0.5, 0.6, 0.7, 0.8))], 11);
    assert.equal(frames.length, 11);
    assert.equal(frames[5]!.isKeyFrame, false);
    assert.deepEqual(frames[5]!.value.categories, [{ name: 'CAR' }]);
    assertPoints(frames[5]!.value.points!, rect(0.3, 0.4, 0.5, 0.6));
    assert.equal(frames[0]!.isKeyFrame, true);
    assert.equal(frames[10]!.isKeyFrame, true);
    // A quarter of the way: 0.1 + 0.4 × 0.25 = 0.2 on the left edge.
    assertPoints(frames[2]!.value.points!, rect(0.18, 0.28, 0.38, 0.48));
  });

  it('moves a marker linearly', () => {
    const value = interpolateValue('marker', { points: [{ x: 0, y: 1 }] }, { points: [{ x: 1, y: 0 }] }, 0.25);
    assert.deepEqual(value.points, [{ x: 0.25, y: 0.75 }]);
  });

  it('holds a polygon until its next key', async () => {
    const a = [{ x: 0.1, y: 0.1 }, { x: 0.2, y: 0.1 }, { x: 0.2, y: 0.2 }];
    const b = [{ x: 0.5, y: 0.5 }, { x: 0.6, y: 0.5 }, { x: 0.6, y: 0.6 }];
    const frames = await collect('polygon', [key(0, a), key(4, b)], 6);
    assert.deepEqual(frames.map((f) => f.value.points), [a, a, a, a, b, b]);
    assert.deepEqual(frames.map((f) => f.isKeyFrame), [true, false, false, false, true, false]);
  });

  it('shows nothing after an outside key until the next key, and holds the shape up to the outside key', async () => {
    const a = rect(0.1, 0.1, 0.2, 0.2);
    const c = rect(0.6, 0.6, 0.8, 0.8);
    const frames = await collect('rectangle', [key(0, a), key(3, a, true), key(6, c)], 8);
    assert.deepEqual(frames.map((f) => f.frame), [0, 1, 2, 6, 7]);
    assert.deepEqual(frames[2]!.value.points, a);
    assert.deepEqual(frames[4]!.value.points, c, 'a track not ending outside runs to the last frame');
  });

  it('ends a track at its outside key', async () => {
    const frames = await collect('rectangle', [key(2, rect(0, 0, 0.5, 0.5)), key(4, rect(0, 0, 0.5, 0.5), true)], 100);
    assert.deepEqual(frames.map((f) => f.frame), [2, 3]);
  });

  it('gives key frames only when interpolation is off', async () => {
    const frames = await collect('rectangle', [key(0, rect(0, 0, 0.1, 0.1)), key(10, rect(0.5, 0.5, 0.6, 0.6))], 20, false);
    assert.deepEqual(frames.map((f) => f.frame), [0, 10]);
  });

  it('turns a rotated rectangle by the shortest arc, about its moving centre', () => {
    // A 0.2 × 0.2 square centred on (0.5, 0.5), at 0° and at 350° (-10°): halfway is -5°, not 175°.
    const square = (cx: number, cy: number, degrees: number): Point[] => {
      const a = (degrees * Math.PI) / 180;
      return ([[-1, 1], [-1, -1], [1, -1], [1, 1]] as const).map(([sx, sy]) => ({
        x: cx + 0.1 * sx * Math.cos(a) - 0.1 * sy * Math.sin(a),
        y: cy + 0.1 * sx * Math.sin(a) + 0.1 * sy * Math.cos(a),
      }));
    };
    const halfway = interpolateValue('rectangle', { points: square(0.5, 0.5, 10) }, { points: square(0.7, 0.5, 350) }, 0.5);
    const expected = square(0.6, 0.5, 0);
    assertPoints(halfway.points!, expected);
  });

  it('holds a classification answer between keys', async () => {
    const keys: KeyFrame[] = [
      { frame: 0, outside: false, value: { categories: [{ name: 'DAY' }] } },
      { frame: 3, outside: false, value: { categories: [{ name: 'NIGHT' }] } },
    ];
    const frames = [];
    for await (const f of trackFrames(header(null, keys, 'classification'), keys, 5, { interpolate: true })) frames.push(f.value.categories![0]!.name);
    assert.deepEqual(frames, ['DAY', 'DAY', 'DAY', 'NIGHT', 'NIGHT']);
  });
});
