import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBuilder } from './event-builder.js';
import { MotionDetector, defaultDetectorOptions } from './motion-detector.js';
import type { DetectorOptions, FrameMotion, GrayFrame } from './motion-types.js';

const W = 160;
const H = 90;

/** A deterministic pseudo-random generator, so every run sees the same scene and noise. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A textured scene (smooth blobs of brightness), larger than the frame so it can be shifted. */
function scene(seed: number): Float32Array {
  const next = random(seed);
  const out = new Float32Array((W + 8) * (H + 8));
  const centres = Array.from({ length: 30 }, () => ({ x: next() * (W + 8), y: next() * (H + 8), r: 4 + next() * 14, v: next() * 120 - 60 }));
  for (let y = 0; y < H + 8; y += 1) {
    for (let x = 0; x < W + 8; x += 1) {
      let value = 110;
      for (const c of centres) value += c.v * Math.exp(-((x - c.x) ** 2 + (y - c.y) ** 2) / (c.r * c.r));
      out[y * (W + 8) + x] = value;
    }
  }
  // Hard edges too (walls, window frames): where a shaking camera shows most.
  for (let k = 0; k < 25; k += 1) {
    const x0 = Math.floor(next() * (W + 8));
    const y0 = Math.floor(next() * (H + 8));
    const v = next() > 0.5 ? 70 : -70;
    for (let y = y0; y < Math.min(H + 8, y0 + 3 + next() * 12); y += 1) for (let x = x0; x < Math.min(W + 8, x0 + 3 + next() * 20); x += 1) out[y * (W + 8) + x]! += v;
  }
  return out;
}

interface FrameSpec {
  shift?: { x: number; y: number };
  gain?: number;
  offset?: number;
  noise?: number;
  square?: { x: number; y: number; size: number; value: number };
}

function render(base: Float32Array, time: number, spec: FrameSpec, next: () => number): GrayFrame {
  const pixels = new Uint8Array(W * H);
  const { shift = { x: 4, y: 4 }, gain = 1, offset = 0, noise = 3, square } = spec;
  for (let y = 0; y < H; y += 1) {
    for (let x = 0; x < W; x += 1) {
      let value = base[(y + shift.y) * (W + 8) + x + shift.x]!;
      if (square && x >= square.x && x < square.x + square.size && y >= square.y && y < square.y + square.size) value = square.value;
      // Roughly normal noise: the sum of three uniforms.
      value = value * gain + offset + (next() + next() + next() - 1.5) * 2 * noise;
      pixels[y * W + x] = Math.max(0, Math.min(255, Math.round(value)));
    }
  }
  return { time, width: W, height: H, pixels };
}

function run(specs: FrameSpec[], options: Partial<DetectorOptions> = {}, seed = 7): FrameMotion[] {
  const base = scene(seed);
  const next = random(seed + 1);
  const detector = new MotionDetector(W, H, { ...defaultDetectorOptions, ...options });
  return specs.map((spec, i) => detector.process(render(base, i * 0.2, spec, next)));
}

const calm = (n: number, spec: FrameSpec = {}) => Array.from({ length: n }, () => spec);
const eventsOf = (motions: FrameMotion[]) => {
  const builder = new EventBuilder({ eventGap: 2, minMotionFrames: 2, maxEventLength: 300, preCapture: 0, postCapture: 0 }, null, H / W);
  return [...motions.flatMap((m) => builder.push(m)), ...builder.finish()];
};

describe('motion detector', () => {
  it('finds a small moving square in nearly every frame, boxed where it is', () => {
    const path = Array.from({ length: 30 }, (_, k) => ({ square: { x: 10 + k * 4, y: 40, size: 3, value: 250 } }));
    const motions = run([...calm(15), ...path, ...calm(10)]);
    const during = motions.slice(15, 45);
    const seen = during.filter((m) => m.motionPct > 0);
    assert.ok(seen.length >= 28, `seen in ${seen.length} of 30 frames`);
    for (const [k, m] of during.entries()) {
      if (!m.box) continue;
      const x = (10 + k * 4 + 1.5) / W;
      assert.ok(m.box.x <= x + 0.02 && m.box.x + m.box.w >= x - 0.02, `frame ${k}: box ${JSON.stringify(m.box)} misses x=${x.toFixed(3)}`);
    }
    assert.deepEqual(motions.slice(0, 15).filter((m) => m.motionPct > 0).length, 0, 'nothing moves before the square');
    const events = eventsOf(motions);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.direction, 'E');
  });

  for (const [name, specs] of [
    ['camera noise', calm(60, { noise: 6 })],
    ['slow brightness drift', Array.from({ length: 80 }, (_, k) => ({ offset: k * 0.8 }))],
    ['a lightswitch', [...calm(20), ...calm(40, { gain: 1.3, offset: 35 })]],
    ['one-frame flashes', [...calm(20), { offset: 90 }, ...calm(10), { gain: 1.8 }, ...calm(10), { offset: -70 }, ...calm(10)]],
    ['a camera shaking by a pixel', Array.from({ length: 60 }, (_, k) => ({ shift: { x: 4 + ((k * 7) % 3) - 1, y: 4 + ((k * 5) % 3) - 1 } }))],
  ] as const) {
    it(`fires no event on ${name}`, () => {
      const motions = run(specs as FrameSpec[]);
      assert.deepEqual(eventsOf(motions), []);
    });
  }

  it('reports a lightswitch as such, and still sees an object moving after it', () => {
    const moving = Array.from({ length: 20 }, (_, k) => ({ gain: 1.3, offset: 35, square: { x: 20 + k * 5, y: 20, size: 4, value: 10 } }));
    const motions = run([...calm(20), ...calm(5, { gain: 1.3, offset: 35 }), ...moving]);
    assert.ok(motions.slice(18, 23).some((m) => m.lightswitch), 'the lightswitch frame is flagged');
    assert.ok(motions.slice(25).filter((m) => m.motionPct > 0).length >= 18);
  });

  it('ignores masked areas and names the zones motion touches', () => {
    const path = Array.from({ length: 20 }, (_, k) => ({ square: { x: 10 + k * 6, y: 60, size: 4, value: 250 } }));
    const left = [{ x: 0, y: 0 }, { x: 0.5, y: 0 }, { x: 0.5, y: 1 }, { x: 0, y: 1 }];
    const right = [{ x: 0.5, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0.5, y: 1 }];
    const masked = run([...calm(10), ...path], { masks: [left], zones: [{ name: 'right', polygon: right }] });
    for (const m of masked) for (const blob of m.blobs) assert.ok(blob.box.x + blob.box.w > 0.5 - 2 / W, `motion in the masked half: ${JSON.stringify(blob.box)}`);
    assert.ok(masked.some((m) => m.zones.includes('right')));
    assert.equal(masked.filter((m, k) => k >= 10 && k < 20 && m.motionPct > 0).length, 0, 'the square crossing the masked half is not seen');
  });

  it('refuses frames of another size', () => {
    const detector = new MotionDetector(W, H);
    assert.throws(() => detector.process({ time: 0, width: 10, height: 10, pixels: new Uint8Array(100) }), /expects 160x90/);
  });
});
