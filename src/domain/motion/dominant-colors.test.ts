import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colorName, dominantColors, type RgbFrame } from './dominant-colors.js';

function frame(width: number, height: number, paint: (x: number, y: number) => [number, number, number]): RgbFrame {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) pixels.set(paint(x, y), (y * width + x) * 3);
  return { width, height, pixels };
}

describe('dominant colours', () => {
  const background = (x: number, y: number): [number, number, number] => ((x + y) % 2 ? [120, 125, 130] : [100, 105, 110]);
  it('takes the object, not the background around it, from the difference with a calm frame', () => {
    // A red car with a white roof stripe fills only part of its box.
    const car = (x: number, y: number): [number, number, number] => (x >= 20 && x < 40 && y >= 20 && y < 30 ? (y < 23 ? [240, 240, 240] : [200, 20, 30]) : background(x, y));
    const colors = dominantColors(frame(80, 60, car), { x: 0.2, y: 0.25, w: 0.4, h: 0.35 }, frame(80, 60, background));
    assert.deepEqual(colors.map((c) => c.name), ['red', 'white']);
    assert.ok(colors[0]!.share > 0.6);
    assert.match(colors[0]!.hex, /^#[0-9a-f]{6}$/);
  });
  it('falls back to the middle of the box without a calm frame', () => {
    const blue = (x: number, y: number): [number, number, number] => (x >= 10 && x < 30 && y >= 10 && y < 30 ? [20, 40, 200] : background(x, y));
    assert.equal(dominantColors(frame(40, 40, blue), { x: 0.2, y: 0.2, w: 0.6, h: 0.6 }, null)[0]!.name, 'blue');
  });
  it('names colours the way people search for them', () => {
    const table: [[number, number, number], string][] = [
      [[0, 0, 0], 'black'], [[250, 250, 250], 'white'], [[128, 128, 128], 'grey'], [[220, 20, 30], 'red'], [[255, 140, 0], 'orange'],
      [[240, 220, 30], 'yellow'], [[30, 160, 40], 'green'], [[20, 200, 210], 'cyan'], [[20, 40, 200], 'blue'], [[10, 20, 90], 'blue'],
      [[130, 40, 170], 'purple'], [[255, 160, 190], 'pink'], [[120, 70, 30], 'brown'], [[30, 30, 35], 'black'],
    ];
    for (const [rgb, name] of table) assert.equal(colorName(rgb), name, `rgb(${rgb.join(',')})`);
  });
});
