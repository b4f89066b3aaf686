import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dominantColors, selectObjectPixels } from './dominant-colors.js';
import type { Box, RgbFrame } from './motion-types.js';

type Rgb = [number, number, number];

function frame(width: number, height: number, paint: (x: number, y: number) => Rgb): RgbFrame {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) pixels.set(paint(x, y), (y * width + x) * 3);
  return { width, height, pixels };
}

/** A textured grey scene with a little deterministic noise, like a compressed camera frame. */
function scene(x: number, y: number): Rgb {
  const n = ((x * 7919 + y * 104729) % 13) - 6;
  const base = (x >> 3) % 2 === (y >> 3) % 2 ? 118 : 104;
  return [base + n, base + 3 + n, base + 8 + n];
}

const inside = (x: number, y: number, r: { x0: number; y0: number; x1: number; y1: number }) => x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
/** A box in pixels of a W × H frame, normalised. */
const box = (x0: number, y0: number, x1: number, y1: number, width: number, height: number): Box => ({ x: x0 / width, y: y0 / height, w: (x1 - x0) / width, h: (y1 - y0) / height });

describe('dominant colours', () => {
  const calm = frame(160, 90, scene);

  it('finds a red square on grey, not the grey around it, from the difference with a calm frame', () => {
    const square = { x0: 60, y0: 30, x1: 80, y1: 50 };
    const peak = frame(160, 90, (x, y) => (inside(x, y, square) ? [205, 25, 30] : scene(x, y)));
    // The detector's box is looser than the object: most of it is background.
    const colors = dominantColors(peak, box(50, 20, 95, 65, 160, 90), calm);
    assert.equal(colors[0]?.name, 'red');
    assert.ok(colors[0].share > 0.9, `share ${colors[0].share}`);
    assert.deepEqual(colors[0].rgb, [205, 25, 30]);
    assert.equal(colors[0].hex, '#cd191e');
    assert.ok(!colors.some((c) => c.name === 'grey'), JSON.stringify(colors));
  });

  it('reports a blue car with white stripes as blue then white', () => {
    const car = { x0: 40, y0: 40, x1: 100, y1: 65 };
    const peak = frame(160, 90, (x, y) => (inside(x, y, car) ? ((y - car.y0) % 8 < 2 ? [240, 242, 245] : [25, 55, 170]) : scene(x, y)));
    const colors = dominantColors(peak, box(35, 35, 110, 70, 160, 90), calm);
    assert.deepEqual(colors.map((c) => c.name), ['blue', 'white']);
    assert.ok(Math.abs(colors[0]!.share - 0.75) < 0.08 && Math.abs(colors[1]!.share - 0.25) < 0.08, JSON.stringify(colors));
    assert.ok(colors[0]!.share > colors[1]!.share);
  });

  it('falls back to the middle of the box without a calm frame', () => {
    const car = { x0: 60, y0: 30, x1: 100, y1: 60 };
    const peak = frame(160, 90, (x, y) => (inside(x, y, car) ? [20, 40, 200] : scene(x, y)));
    const target = box(50, 22, 110, 68, 160, 90);
    assert.equal(selectObjectPixels(peak, target, null).source, 'centre');
    assert.equal(dominantColors(peak, target, null)[0]?.name, 'blue');
  });

  it('falls back to the middle of the box when the object is in the calm frame too', () => {
    // A parked yellow car that was already there: nothing differs.
    const parked = frame(160, 90, (x, y) => (inside(x, y, { x0: 60, y0: 30, x1: 100, y1: 60 }) ? [235, 200, 30] : scene(x, y)));
    const target = box(58, 28, 102, 62, 160, 90);
    assert.equal(selectObjectPixels(parked, target, parked).source, 'centre');
    assert.equal(dominantColors(parked, target, parked)[0]?.name, 'yellow');
    // A calm frame of another size is no reference at all.
    assert.equal(selectObjectPixels(parked, target, frame(80, 45, scene)).source, 'centre');
  });

  it('matches the calm frame to the exposure, so a brighter scene does not become the object', () => {
    const dim = frame(160, 90, (x, y) => scene(x, y).map((v) => Math.round(v * 0.7)) as Rgb);
    const square = { x0: 60, y0: 30, x1: 80, y1: 50 };
    const peak = frame(160, 90, (x, y) => (inside(x, y, square) ? [30, 150, 50] : scene(x, y)));
    const picked = selectObjectPixels(peak, box(40, 15, 100, 70, 160, 90), dim);
    assert.equal(picked.source, 'difference');
    assert.ok(Math.abs(picked.offsets.length - 400) < 20, `${picked.offsets.length} pixels for a 400-pixel square`);
    assert.deepEqual(dominantColors(peak, box(40, 15, 100, 70, 160, 90), dim).map((c) => c.name), ['green']);
  });

  it('leaves out the shadow of a white car, but keeps a grey car darker than the road', () => {
    const car = { x0: 50, y0: 30, x1: 90, y1: 50 };
    const shade = { x0: 50, y0: 50, x1: 95, y1: 62 };
    const shadowed = frame(160, 90, (x, y) => (inside(x, y, car) ? [238, 238, 236] : inside(x, y, shade) ? (scene(x, y).map((v) => Math.round(v * 0.55)) as Rgb) : scene(x, y)));
    assert.deepEqual(dominantColors(shadowed, box(48, 28, 97, 64, 160, 90), calm).map((c) => c.name), ['white']);
    // Evenly darker than the road everywhere it is, as a shadow would be: it is the object.
    const grey = frame(160, 90, (x, y) => (inside(x, y, car) ? (scene(x, y).map((v) => Math.round(v * 0.6)) as Rgb) : scene(x, y)));
    const colors = dominantColors(grey, box(48, 28, 92, 52, 160, 90), calm);
    assert.equal(colors[0]?.name, 'grey');
    assert.ok(colors[0].share > 0.9);
  });

  it('drops minor colours, keeps at most three, and is deterministic', () => {
    // Four bands: 40 % red, 30 % green, 24 % blue, 6 % yellow.
    const bands = (x: number): Rgb => (x < 40 ? [210, 30, 30] : x < 70 ? [30, 170, 40] : x < 94 ? [30, 40, 200] : [240, 220, 30]);
    const peak = frame(160, 90, (x, y) => (x < 100 && y >= 20 && y < 60 ? bands(x) : scene(x, y)));
    const target = box(0, 20, 100, 60, 160, 90);
    const colors = dominantColors(peak, target, calm);
    assert.deepEqual(colors.map((c) => c.name), ['red', 'green', 'blue']);
    assert.deepEqual(colors.map((c) => c.share), [0.4, 0.3, 0.24]);
    assert.deepEqual(dominantColors(peak, target, calm), colors);
    assert.deepEqual(dominantColors(peak, target, calm, { maxColors: 1 }).map((c) => c.name), ['red']);
  });

  it('copes with a box at the edge of the frame or outside it', () => {
    const peak = frame(40, 30, (x, y) => (x >= 36 ? [220, 20, 30] : scene(x, y)));
    assert.equal(dominantColors(peak, { x: 0.9, y: 0, w: 0.2, h: 1 }, null)[0]?.name, 'red');
    assert.deepEqual(dominantColors(peak, { x: 1.2, y: 0, w: 0.1, h: 0.1 }, null), []);
  });
});
