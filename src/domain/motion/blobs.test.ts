import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlobLabeller } from './blobs.js';

/** Labels a '#'-drawn grid at the given stamp; returns each blob's pixel count and bounds, largest first. */
function labelGrid(labeller: BlobLabeller, rows: string[], stamp: number, linkRadius = 2): { pixels: number; bounds: number[] }[] {
  const width = rows[0]!.length;
  const changedAt = new Int32Array(width * rows.length).fill(-1);
  const changed: number[] = [];
  rows.join('').split('').forEach((c, i) => {
    if (c === '#') {
      changedAt[i] = stamp;
      changed.push(i);
    }
  });
  const found = labeller.label(Int32Array.from(changed), changed.length, changedAt, stamp, linkRadius);
  const blobs = Array.from({ length: found }, (_, b) => ({
    pixels: labeller.pixels[b]!,
    bounds: [labeller.minX[b]!, labeller.minY[b]!, labeller.maxX[b]!, labeller.maxY[b]!],
    members: Array.from(labeller.members.subarray(labeller.start[b], labeller.start[b]! + labeller.pixels[b]!)),
  }));
  // Every changed pixel is in exactly one blob.
  assert.deepEqual(blobs.flatMap((b) => b.members).sort((a, b) => a - b), changed);
  return blobs.map(({ pixels, bounds }) => ({ pixels, bounds })).sort((a, b) => b.pixels - a.pixels);
}

describe('BlobLabeller', () => {
  it('joins fragments up to the link radius apart and keeps farther ones apart', () => {
    const rows = ['##.#........', '#..........#', '..........##', '............'];
    const labeller = new BlobLabeller(12, 4);
    assert.deepEqual(labelGrid(labeller, rows, 1, 2), [
      { pixels: 4, bounds: [0, 0, 3, 1] },
      { pixels: 3, bounds: [10, 1, 11, 2] },
    ]);
    // With a radius of 1 the pixel two columns away is a blob of its own.
    assert.deepEqual(labelGrid(labeller, rows, 2, 1).map((b) => b.pixels), [3, 3, 1]);
  });

  it('reuses its arrays frame after frame without clearing, and copes with a blob filling the frame', () => {
    const labeller = new BlobLabeller(400, 300);
    const full = Array.from({ length: 300 }, () => '#'.repeat(400));
    assert.deepEqual(labelGrid(labeller, full, 1), [{ pixels: 120_000, bounds: [0, 0, 399, 299] }]);
    const sparse = Array.from({ length: 300 }, (_, y) => (y === 150 ? '#'.padEnd(400, '.') : '.'.repeat(400)));
    assert.deepEqual(labelGrid(labeller, sparse, 2), [{ pixels: 1, bounds: [0, 150, 0, 150] }]);
  });
});
