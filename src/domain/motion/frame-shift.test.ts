import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShiftFinder } from './frame-shift.js';

const width = 120;
const height = 80;
const maxShift = 3;

/** Sample pixels on a grid at least maxShift inside the frame. */
const samples = Int32Array.from(
  Array.from({ length: height - 2 * maxShift - 2 }, (_, row) => row + maxShift + 1).flatMap((y) => Array.from({ length: (width - 2 * maxShift - 2) / 2 }, (_, k) => y * width + maxShift + 1 + 2 * k)),
);

/** A smooth texture moved by (dx, dy): its point (x + dx, y + dy) shows the unmoved one's (x, y). Plus seeded noise of `noise` levels. */
function picture(dx: number, dy: number, noise = 0, seed = 1): Float32Array {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  return Float32Array.from({ length: width * height }, (_, i) => {
    const x = (i % width) - dx;
    const y = Math.floor(i / width) - dy;
    return 128 + 50 * Math.sin(x / 3.1) * Math.cos(y / 4.3) + 30 * Math.sin((x + 2 * y) / 5.7) + noise * random();
  });
}

describe('ShiftFinder', () => {
  it('finds a shake of whole and fractional pixels over texture', () => {
    const finder = new ShiftFinder(width, maxShift);
    const background = picture(0, 0);
    for (const [dx, dy] of [[2, -1], [-1.5, 0.5], [0, 3]] as const) {
      const found = finder.find(picture(dx, dy, 4, 7), background, samples, samples.length, 1, 0);
      assert.ok(Math.abs(found.dx - dx) <= 0.25 && Math.abs(found.dy - dy) <= 0.25, `shift ${dx},${dy} found as ${found.dx},${found.dy}`);
    }
  });

  it('finds no shake where there is nothing to line up: a flat scene with noise', () => {
    const finder = new ShiftFinder(width, maxShift);
    const flat = (seed: number) => Float32Array.from({ length: width * height }, (_, i) => 110 + 8 * (((i * 2654435761 + seed * 97) % 1000) / 1000 - 0.5));
    const background = new Float32Array(width * height).fill(110);
    for (let seed = 1; seed <= 20; seed += 1) {
      assert.deepEqual(finder.find(flat(seed), background, samples, samples.length, 1, 0), { dx: 0, dy: 0 }, `seed ${seed}`);
    }
  });
});
