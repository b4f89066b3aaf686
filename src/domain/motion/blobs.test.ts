import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findBlobs } from './blobs.js';

function grid(rows: string[]): { moving: Uint8Array; width: number; height: number } {
  const width = rows[0]!.length;
  return { moving: Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0)), width, height: rows.length };
}

describe('blobs', () => {
  it('joins fragments a pixel or two apart, keeps far ones apart, largest first', () => {
    const { moving, width, height } = grid([
      '##.#.......',
      '#.........#',
      '.........##',
      '...........',
    ]);
    const blobs = findBlobs(moving, width, height, 1);
    assert.deepEqual(blobs.map((b) => b.pixels.length), [4, 3]);
    assert.deepEqual([blobs[0]!.minX, blobs[0]!.maxX, blobs[0]!.minY, blobs[0]!.maxY], [0, 3, 0, 1]);
  });
  it('drops blobs smaller than the minimum, and copes with one filling the frame', () => {
    const { moving, width, height } = grid(['#.....', '......', '.....#']);
    assert.deepEqual(findBlobs(moving, width, height, 2), []);
    const full = new Uint8Array(400 * 300).fill(1);
    assert.equal(findBlobs(full, 400, 300, 2)[0]!.pixels.length, 120_000);
  });
});
