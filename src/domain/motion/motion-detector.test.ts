import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBuilder } from './event-builder.js';
import { defaultDetectorOptions, MotionDetector } from './motion-detector.js';
import type { DetectorOptions, FrameMotion, MotionEvent } from './motion-types.js';
import { seededRandom as random } from '../../../test/helpers/seeded-random.js';

const WIDTH = 320;
const HEIGHT = 180;
const FPS = 5;
/** Scene drawn this much larger than the frame each way, so the camera can shake into it. */
const MARGIN = 4;

interface SceneObject {
  /** Top left corner in frame pixels, size in pixels, and its luma. */
  x: number;
  y: number;
  w: number;
  h: number;
  luma: number;
}

interface Camera {
  /** Whole-pixel shake of the camera. */
  shiftX?: number;
  shiftY?: number;
  /** Exposure: luma × gain + offset, then clipped to 0–255. */
  gain?: number;
  offset?: number;
  /** Standard deviation of Gaussian sensor noise, levels. */
  noise?: number;
}

/**
 * A still textured scene like a camera's view at analysis size: smooth shading, fine texture and a
 * few hard-edged shapes (the edges are what shake and resampling light up).
 */
class Scene {
  readonly sceneWidth = WIDTH + 2 * MARGIN;
  readonly sceneHeight = HEIGHT + 2 * MARGIN;
  private readonly texture: Float32Array;
  private readonly next: () => number;

  constructor(seed: number) {
    const next = random(seed);
    this.next = next;
    const { sceneWidth, sceneHeight } = this;
    this.texture = new Float32Array(sceneWidth * sceneHeight);
    const layer = (cell: number, amplitude: number) => {
      const columns = Math.ceil(sceneWidth / cell) + 2;
      const rows = Math.ceil(sceneHeight / cell) + 2;
      const grid = Array.from({ length: columns * rows }, () => next() * amplitude);
      for (let y = 0; y < sceneHeight; y += 1) {
        for (let x = 0; x < sceneWidth; x += 1) {
          const gx = x / cell;
          const gy = y / cell;
          const ix = Math.floor(gx);
          const iy = Math.floor(gy);
          const fx = gx - ix;
          const fy = gy - iy;
          const at = (u: number, v: number) => grid[v * columns + u]!;
          this.texture[y * sceneWidth + x]! +=
            at(ix, iy) * (1 - fx) * (1 - fy) + at(ix + 1, iy) * fx * (1 - fy) + at(ix, iy + 1) * (1 - fx) * fy + at(ix + 1, iy + 1) * fx * fy;
        }
      }
    };
    layer(40, 90);
    layer(6, 40);
    layer(2, 20);
    for (let k = 0; k < 12; k += 1) {
      const x0 = Math.floor(next() * sceneWidth);
      const y0 = Math.floor(next() * sceneHeight);
      const w = 5 + Math.floor(next() * 40);
      const h = 5 + Math.floor(next() * 30);
      const luma = 30 + next() * 190;
      for (let y = y0; y < Math.min(sceneHeight, y0 + h); y += 1) for (let x = x0; x < Math.min(sceneWidth, x0 + w); x += 1) this.texture[y * sceneWidth + x] = luma;
    }
  }

  /** One frame as the camera sees it: the scene with the objects drawn in, shaken, exposed, noisy. */
  frame(objects: readonly SceneObject[], camera: Camera = {}): Uint8Array {
    const { shiftX = 0, shiftY = 0, gain = 1, offset = 0, noise = 0 } = camera;
    const pixels = new Uint8Array(WIDTH * HEIGHT);
    for (let y = 0; y < HEIGHT; y += 1) {
      for (let x = 0; x < WIDTH; x += 1) {
        // The scene point under this pixel when the camera moved by (shiftX, shiftY).
        const sx = x + shiftX;
        const sy = y + shiftY;
        let luma = this.texture[(sy + MARGIN) * this.sceneWidth + sx + MARGIN]!;
        for (const o of objects) if (sx >= o.x && sx < o.x + o.w && sy >= o.y && sy < o.y + o.h) luma = o.luma;
        luma = luma * gain + offset + (noise > 0 ? noise * this.gaussian() : 0);
        pixels[y * WIDTH + x] = Math.max(0, Math.min(255, Math.round(luma)));
      }
    }
    return pixels;
  }

  private gaussian(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

interface Run {
  motions: FrameMotion[];
  events: MotionEvent[];
}

/** Runs `seconds` of frames through a detector and the event builder (gap 5 s, no pre/post capture). */
function run(seconds: number, frameAt: (k: number, time: number) => Uint8Array, options: Partial<DetectorOptions> = {}): Run {
  const detector = new MotionDetector(WIDTH, HEIGHT, { ...defaultDetectorOptions, ...options });
  const builder = new EventBuilder({ eventGap: 5, minMotionFrames: 2, maxEventLength: 300, preCapture: 0, postCapture: 0 }, seconds, HEIGHT / WIDTH);
  const motions: FrameMotion[] = [];
  const events: MotionEvent[] = [];
  for (let k = 0; k < seconds * FPS; k += 1) {
    const time = k / FPS;
    const motion = detector.process({ time, width: WIDTH, height: HEIGHT, pixels: frameAt(k, time) });
    motions.push(motion);
    events.push(...builder.push(motion));
  }
  events.push(...builder.finish());
  return { motions, events };
}

const moving = (motions: FrameMotion[]) => motions.filter((m) => m.motionPct > 0);
const times = (motions: FrameMotion[]) => motions.map((m) => m.time.toFixed(1)).join(' ');

describe('motion detector: what moves is found', () => {
  it('finds a 3 × 3 px object crossing a noisy textured frame in nearly every frame, boxed where it is', () => {
    const scene = new Scene(1);
    // From x 40 to 280 over 8 s (6 px per frame), starting at 3 s; dark against the texture.
    const objectAt = (time: number): SceneObject | null => (time >= 3 && time < 11 ? { x: Math.round(40 + (time - 3) * 30), y: 90, w: 3, h: 3, luma: 10 } : null);
    const { motions, events } = run(16, (_, time) => {
      const object = objectAt(time);
      return scene.frame(object ? [object] : [], { noise: 3 });
    });
    const during = motions.filter((m) => m.time >= 3 && m.time < 11);
    const found = during.filter((m) => {
      const object = objectAt(m.time)!;
      const box = m.box;
      if (!box) return false;
      // The box must cover the object (within the blur's reach of a pixel) and not much more.
      return (
        box.x * WIDTH <= object.x + 1 && (box.x + box.w) * WIDTH >= object.x + object.w - 1 &&
        box.y * HEIGHT <= object.y + 1 && (box.y + box.h) * HEIGHT >= object.y + object.h - 1 &&
        box.w * WIDTH <= object.w + 6 && box.h * HEIGHT <= object.h + 6
      );
    });
    assert.ok(found.length >= during.length - 2, `found in ${found.length} of ${during.length} frames: ${times(found)}`);
    assert.deepEqual(moving(motions.filter((m) => m.time < 3 || m.time >= 11.4)).length, 0, 'nothing before or after');
    assert.equal(events.length, 1);
    assert.ok(Math.abs(events[0]!.motionStart - 3) <= 0.4 && Math.abs(events[0]!.motionEnd - 10.8) <= 0.4, JSON.stringify(events[0]));
    assert.equal(events[0]!.direction, 'E');
  });

  it('sees a dark object on frames seconds apart (keyframes) from the third frame on: neighbours judge by what they knew before the frame', () => {
    const scene = new Scene(4);
    const detector = new MotionDetector(WIDTH, HEIGHT, { ...defaultDetectorOptions, confirmSmallBlobs: false });
    const object = (k: number): SceneObject[] => (k >= 2 && k <= 3 ? [{ x: 40 + 80 * (k - 2), y: 80, w: 6, h: 6, luma: 60 }] : []);
    const moved = Array.from({ length: 6 }, (_, k) => detector.process({ time: 2 * k, width: WIDTH, height: HEIGHT, pixels: scene.frame(object(k), { noise: 2 }) }).motionPct > 0);
    assert.deepEqual(moved, [false, false, true, true, false, false]);
  });

  it('fills every field of a frame with motion: blobs largest first, union box, centroid, heat', () => {
    const scene = new Scene(2);
    const objects = (time: number): SceneObject[] =>
      time < 3 ? [] : [
        { x: 50 + Math.round(time * 4), y: 40, w: 20, h: 30, luma: 240 },
        { x: 250, y: 120 + Math.round(time * 3), w: 6, h: 6, luma: 5 },
      ];
    const { motions } = run(5, (_, time) => scene.frame(objects(time), { noise: 2 }));
    const last = motions.at(-1)!;
    assert.equal(last.lightswitch, false);
    assert.equal(last.blobs.length, 2, JSON.stringify(last.blobs));
    const [big, small] = last.blobs as [FrameMotion['blobs'][number], FrameMotion['blobs'][number]];
    assert.ok(big.areaPct > small.areaPct);
    assert.ok(Math.abs(big.centroid.x * WIDTH - (50 + 4.8 * 4 + 10)) < 4 && Math.abs(big.centroid.y * HEIGHT - 55) < 4, JSON.stringify(big));
    assert.ok(Math.abs(last.motionPct - (big.areaPct + small.areaPct)) < 1e-9);
    assert.ok(last.box!.x <= big.box.x && last.box!.x + last.box!.w >= small.box.x + small.box.w - 1e-9, 'the union box holds both blobs');
    assert.equal(last.heat.length, 256);
    // The big object covers x 69–88, y 40–69: grid column 3 (x 60–79) from row 4 (y 45–56) on.
    const cell = (column: number, row: number) => last.heat[row * 16 + column]!;
    assert.ok(cell(3, 4) > 0.4, `heat where the big object is: ${cell(3, 4)}`);
    assert.equal(cell(0, 0), 0);
    assert.ok([...last.heat].every((v) => v >= 0 && v <= 1));
    // Every moving pixel is in one cell: the heat adds up to the motion. (Cells are 20 px wide and
    // 11 or 12 rows high: 180 rows do not split evenly in 16.)
    const rowsOfCell = (row: number) => Array.from({ length: HEIGHT }, (_, y) => Math.floor((y * 16) / HEIGHT)).filter((r) => r === row).length;
    const heatPixels = [...last.heat].reduce((sum, v, c) => sum + v * 20 * rowsOfCell(Math.floor(c / 16)), 0);
    assert.ok(Math.abs(heatPixels - (last.motionPct / 100) * WIDTH * HEIGHT) < 1, `${heatPixels} px of heat`);
  });

  it('keeps a slowly creeping object (1 px per frame) and one that pauses for 3 s', () => {
    const scene = new Scene(3);
    const x = (time: number) => (time < 8 ? 100 + (time - 3) * 5 : time < 11 ? 125 : 125 + (time - 11) * 5);
    const { motions, events } = run(16, (_, time) => scene.frame(time >= 3 ? [{ x: Math.round(x(time)), y: 70, w: 8, h: 14, luma: 200 }] : [], { noise: 2 }));
    const paused = motions.filter((m) => m.time >= 8.4 && m.time < 11);
    assert.ok(paused.every((m) => m.motionPct > 0), `the paused object stays found: ${times(moving(paused))}`);
    assert.equal(events.length, 1);
  });

  it('absorbs a change that holds still (a parked car) after a while, and finds it leaving', () => {
    const scene = new Scene(4);
    const car = (time: number): SceneObject[] => {
      if (time < 3) return [];
      if (time < 5) return [{ x: Math.round(20 + (time - 3) * 40), y: 100, w: 40, h: 20, luma: 220 }];
      if (time < 40) return [{ x: 100, y: 100, w: 40, h: 20, luma: 220 }];
      return [{ x: Math.round(100 + (time - 40) * 40), y: 100, w: 40, h: 20, luma: 220 }];
    };
    const { motions, events } = run(44, (_, time) => scene.frame(car(time), { noise: 2 }));
    assert.ok(motions.filter((m) => m.time >= 6 && m.time < 8).every((m) => m.motionPct > 0), 'still there just after parking');
    assert.deepEqual(moving(motions.filter((m) => m.time >= 28 && m.time < 40)), [], 'absorbed into the background');
    assert.ok(moving(motions.filter((m) => m.time >= 40.4)).length >= 3, 'leaving is motion again');
    assert.equal(events.length, 2, JSON.stringify(events.map((e) => [e.motionStart, e.motionEnd])));
  });
});

describe('motion detector: what does not move stays quiet', () => {
  it('reports nothing on the first frames, then nothing for sensor noise alone', () => {
    const scene = new Scene(5);
    const { motions, events } = run(30, () => scene.frame([], { noise: 6 }));
    assert.deepEqual(motions.slice(0, 5).map((m) => m.motionPct), [0, 0, 0, 0, 0], 'the first second only learns');
    assert.ok(moving(motions).length <= 1, `noise moved in ${times(moving(motions))}`);
    assert.deepEqual(events, []);
  });

  it('stays quiet through slow illumination drift to half the light', () => {
    const scene = new Scene(6);
    const { motions, events } = run(30, (_, time) => scene.frame([], { gain: 1 - (0.5 * time) / 30, noise: 2 }));
    assert.deepEqual(times(moving(motions)), '');
    assert.deepEqual(events, []);
  });

  it('stays quiet when the lights go down to half and up to 1.8 (clipping) at once', () => {
    const scene = new Scene(7);
    const gain = (time: number) => (time < 8 ? 1 : time < 18 ? 0.5 : 1.8);
    const { motions, events } = run(28, (_, time) => scene.frame([], { gain: gain(time), noise: 2 }));
    assert.deepEqual(times(moving(motions)), '');
    assert.deepEqual(events, []);
  });

  it('starts over after a lamp lights half the scene: a light switch, then quiet', () => {
    const scene = new Scene(8);
    const lamp = (time: number) => (time >= 8 ? 80 : 0);
    const detector = new MotionDetector(WIDTH, HEIGHT);
    const motions: FrameMotion[] = [];
    for (let k = 0; k < 20 * FPS; k += 1) {
      const time = k / FPS;
      const pixels = scene.frame([], { noise: 2 });
      // The left 60 % of the picture brightens by 80 levels: no gain/offset explains that.
      if (lamp(time)) for (let y = 0; y < HEIGHT; y += 1) for (let x = 0; x < WIDTH * 0.6; x += 1) pixels[y * WIDTH + x] = Math.min(255, pixels[y * WIDTH + x]! + lamp(time));
      motions.push(detector.process({ time, width: WIDTH, height: HEIGHT, pixels }));
    }
    assert.deepEqual(motions.filter((m) => m.lightswitch).map((m) => m.time), [8]);
    assert.deepEqual(times(moving(motions)), '');
  });

  it('ignores one-frame flashes, bright or wild, and comes back without a spurious frame', () => {
    const scene = new Scene(9);
    const glitch = random(99);
    const frameAt = (k: number) => {
      if (k === 40) return scene.frame([], { gain: 1.8, noise: 2 });
      // A negative: no exposure explains it, so the detector calls it a light switch and starts over…
      if (k === 80) return scene.frame([], { gain: -1, offset: 255, noise: 2 });
      // …and a frame of pure noise, most of which differs from the background too.
      if (k === 100) return Uint8Array.from({ length: WIDTH * HEIGHT }, () => Math.floor(glitch() * 256));
      return scene.frame([], { noise: 2 });
    };
    const { motions, events } = run(24, frameAt);
    assert.deepEqual(motions.filter((m) => m.lightswitch).map((m) => m.time), [16], 'the negative is a light switch');
    // The frames after each (the old background back at once) have no motion; the noise frame may
    // show as one frame of motion, which no event keeps.
    assert.deepEqual(times(moving(motions)).replace('20.0', ''), '', 'no motion on the flash, the negative or the frames after them');
    assert.deepEqual(events, []);
  });

  it('stays quiet while the camera shakes by up to 2 px every frame, and still finds a visitor', () => {
    const scene = new Scene(10);
    const shake = random(42);
    const visitor = (time: number): SceneObject[] => (time >= 14 && time < 20 ? [{ x: Math.round(30 + (time - 14) * 40), y: 60, w: 10, h: 16, luma: 240 }] : []);
    const { motions, events } = run(24, (_, time) =>
      scene.frame(visitor(time), { shiftX: Math.round(shake() * 4 - 2), shiftY: Math.round(shake() * 4 - 2), noise: 2 }),
    );
    assert.deepEqual(times(moving(motions.filter((m) => m.time < 14 || m.time >= 20.4))), '');
    assert.ok(moving(motions.filter((m) => m.time >= 14 && m.time < 20)).length >= 26);
    assert.equal(events.length, 1);
  });

  it('reports a repeated frame as repeated, with the previous frame’s motion', () => {
    const scene = new Scene(11);
    const detector = new MotionDetector(WIDTH, HEIGHT);
    let last: FrameMotion | null = null;
    let frame: Uint8Array = scene.frame([]);
    for (let k = 0; k < 30; k += 1) {
      // From 4 s on an object moves, every frame shown twice.
      if (k % 2 === 0) frame = scene.frame(k >= 20 ? [{ x: 40 + k * 5, y: 50, w: 10, h: 10, luma: 250 }] : [], { noise: 2 });
      const motion = detector.process({ time: k / FPS, width: WIDTH, height: HEIGHT, pixels: frame });
      if (k % 2 === 1) {
        assert.equal(motion.repeated, true);
        assert.equal(motion.motionPct, last!.motionPct);
        assert.equal(motion.time, k / FPS);
      } else {
        assert.notEqual(motion.repeated, true);
      }
      last = motion;
    }
    assert.ok(last!.motionPct > 0);
  });
});

describe('motion detector: masks and zones', () => {
  const scene = new Scene(12);
  // An object moving in the right half of the frame.
  const frameAt = (_: number, time: number) => scene.frame(time >= 3 ? [{ x: Math.round(200 + (time - 3) * 10), y: 80, w: 12, h: 12, luma: 250 }] : [], { noise: 2 });

  it('never reports motion inside a mask', () => {
    const { events } = run(10, frameAt, { masks: [[{ x: 0.5, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0.5, y: 1 }]] });
    assert.deepEqual(events, []);
    const unmasked = run(10, frameAt, { masks: [[{ x: 0, y: 0 }, { x: 0.5, y: 0 }, { x: 0.5, y: 1 }, { x: 0, y: 1 }]] });
    assert.equal(unmasked.events.length, 1, 'a mask elsewhere changes nothing');
  });

  it('names the zones that moving blobs touch', () => {
    const zones = [
      { name: 'left', polygon: [{ x: 0, y: 0 }, { x: 0.5, y: 0 }, { x: 0.5, y: 1 }, { x: 0, y: 1 }] },
      { name: 'right', polygon: [{ x: 0.5, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0.5, y: 1 }] },
    ];
    const { motions, events } = run(10, frameAt, { zones });
    assert.ok(moving(motions).every((m) => m.zones.join() === 'right'), JSON.stringify(moving(motions).map((m) => m.zones)));
    assert.deepEqual(events[0]!.zones, ['right']);
  });

  it('refuses frames of another size', () => {
    const detector = new MotionDetector(WIDTH, HEIGHT);
    assert.throws(() => detector.process({ time: 0, width: 10, height: 10, pixels: new Uint8Array(100) }), /frame is 10x10 .* expects 320x180/);
  });
});
