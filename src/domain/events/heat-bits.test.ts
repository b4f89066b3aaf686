import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heatBits, regionBits } from './heat-bits.js';
import { parseRegion } from './event-query.js';

describe('heatmaps and regions as bits', () => {
  it('sets one bit per cell that moved, two rows of 16 per word, every word an exact unsigned integer', () => {
    const heatmap = new Array<number>(256).fill(0);
    for (const cell of [0, 17, 31, 32, 255]) heatmap[cell] = 0.25;
    assert.deepEqual(heatBits(heatmap), [1 + 2 ** 17 + 2 ** 31, 1, 0, 0, 0, 0, 0, 2 ** 31]);
    assert.deepEqual(heatBits(new Array<number>(256).fill(0)), [0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('covers every cell a region touches, even in part', () => {
    assert.deepEqual(regionBits({ x: 0, y: 0, w: 1, h: 1 }), new Array<number>(8).fill(2 ** 32 - 1));
    assert.deepEqual(regionBits({ x: 0, y: 0, w: 0.01, h: 0.01 }), [1, 0, 0, 0, 0, 0, 0, 0]);
    // Columns 12-15 of rows 1-3: the second half of word 0's second row, both halves of word 1.
    const right = 2 ** 12 + 2 ** 13 + 2 ** 14 + 2 ** 15;
    assert.deepEqual(regionBits({ x: 0.75, y: 0.1, w: 0.25, h: 0.1 }), [right * 2 ** 16, right + right * 2 ** 16, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(regionBits({ x: 0.999, y: 0.999, w: 0.001, h: 0.001 }), [0, 0, 0, 0, 0, 0, 0, 2 ** 31]);
  });

  it('reads a region, or names what is wrong with it', () => {
    assert.deepEqual(parseRegion('0.5, 0, 0.5, 0.5'), { x: 0.5, y: 0, w: 0.5, h: 0.5 });
    for (const bad of ['0.5,0,0.6,0.5', '0,0,0,0.5', '-0.1,0,0.5,0.5', '0,0,1', '0,0,a,1', '0,,1,1']) {
      assert.throws(() => parseRegion(bad), /roi: .* is not a region x,y,w,h/, bad);
    }
  });
});
