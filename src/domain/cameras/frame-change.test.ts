import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedPercent, decideSave, type GrayImage } from './frame-change.js';

function picture(width: number, height: number, value: (x: number, y: number) => number, source = { w: width * 4, h: height * 4 }): GrayImage {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) pixels[y * width + x] = value(x, y);
  return { width, height, pixels, sourceWidth: source.w, sourceHeight: source.h };
}

const scene = picture(40, 30, (x, y) => 20 + ((x * 5 + y * 3) % 200));
const noisy = picture(40, 30, (x, y) => 20 + ((x * 5 + y * 3) % 200) + ((x + y) % 2 === 0 ? 6 : -6));
// A 10 × 9 block (7.5 % of 1,200 pixels) turned bright.
const visitor = picture(40, 30, (x, y) => (x >= 10 && x < 20 && y >= 5 && y < 14 ? 250 : 20 + ((x * 5 + y * 3) % 200)));

describe('frame change', () => {
  it('counts pixels that changed beyond the tolerance, not noise', () => {
    assert.equal(changedPercent(scene, noisy), 0);
    assert.equal(changedPercent(scene, visitor), 7.5);
    assert.equal(changedPercent(scene, noisy, 5), 100);
  });

  it('saves the first frame, skips identical bytes, saves a change of diff % or more', () => {
    assert.deepEqual(decideSave({ diffPct: 5, previous: null, current: scene, sameBytes: false }), { save: true, score: 100, reason: 'first' });
    assert.deepEqual(decideSave({ diffPct: 5, previous: scene, current: null, sameBytes: true }), { save: false, score: 0, reason: 'identical' });
    assert.deepEqual(decideSave({ diffPct: 5, previous: scene, current: noisy, sameBytes: false }), { save: false, score: 0, reason: 'unchanged' });
    assert.deepEqual(decideSave({ diffPct: 5, previous: scene, current: visitor, sameBytes: false }), { save: true, score: 7.5, reason: 'changed' });
    assert.equal(decideSave({ diffPct: 10, previous: scene, current: visitor, sameBytes: false }).save, false);
  });

  it('takes a new resolution as a change, and diff 0 as "keep everything"', () => {
    const bigger = picture(40, 23, () => 100, { w: 1280, h: 720 });
    assert.deepEqual(decideSave({ diffPct: 5, previous: scene, current: bigger, sameBytes: false }), { save: true, score: 100, reason: 'resolution' });
    assert.equal(decideSave({ diffPct: 0, previous: scene, current: null, sameBytes: true }).save, true);
  });
});
