/**
 * Groups a frame's changed pixels into blobs: pixels within `linkRadius` of each other (in both x
 * and y) belong together. That is what a dilation by `linkRadius / 2` followed by 8-connected
 * labelling would join, so an object whose outline breaks into fragments stays one blob, but
 * without growing the blobs or touching the unchanged pixels: the cost follows what changed, not
 * the frame's size. Iterative (an explicit stack), so a huge blob cannot overflow the call stack.
 *
 * Results live in typed arrays indexed by blob number, reused frame after frame; `members` holds
 * every blob's pixel indices, blob k at [start[k], start[k] + pixels[k]).
 */
export class BlobLabeller {
  /** Blobs found by the last call of label(). */
  blobCount = 0;
  readonly pixels: Int32Array;
  readonly start: Int32Array;
  readonly sumX: Float64Array;
  readonly sumY: Float64Array;
  readonly minX: Int32Array;
  readonly minY: Int32Array;
  readonly maxX: Int32Array;
  readonly maxY: Int32Array;
  readonly members: Int32Array;
  /** The frame stamp at which each pixel was last put into a blob: nothing to clear between frames. */
  private readonly labelledAt: Int32Array;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    const size = width * height;
    this.pixels = new Int32Array(size);
    this.start = new Int32Array(size);
    this.sumX = new Float64Array(size);
    this.sumY = new Float64Array(size);
    this.minX = new Int32Array(size);
    this.minY = new Int32Array(size);
    this.maxX = new Int32Array(size);
    this.maxY = new Int32Array(size);
    this.members = new Int32Array(size);
    this.labelledAt = new Int32Array(size).fill(-1);
  }

  /**
   * Labels the pixels listed in `changed[0..count)`, which are exactly those with
   * `changedAt[i] === stamp` (a stamp must not repeat between calls).
   */
  label(changed: Int32Array, count: number, changedAt: Int32Array, stamp: number, linkRadius: number): number {
    const { width, height, members, labelledAt } = this;
    let blobs = 0;
    let filled = 0;
    for (let c = 0; c < count; c += 1) {
      const seed = changed[c]!;
      if (labelledAt[seed] === stamp) continue;
      const blob = blobs;
      blobs += 1;
      const first = filled;
      labelledAt[seed] = stamp;
      members[filled++] = seed;
      let sumX = 0;
      let sumY = 0;
      let minX = width;
      let minY = height;
      let maxX = -1;
      let maxY = -1;
      // The members list doubles as the stack: pixels between `next` and `filled` await their neighbours.
      for (let next = first; next < filled; next += 1) {
        const i = members[next]!;
        const y = (i / width) | 0;
        const x = i - y * width;
        sumX += x;
        sumY += y;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        const y0 = y > linkRadius ? y - linkRadius : 0;
        const y1 = y + linkRadius < height ? y + linkRadius : height - 1;
        const x0 = x > linkRadius ? x - linkRadius : 0;
        const x1 = x + linkRadius < width ? x + linkRadius : width - 1;
        for (let ny = y0; ny <= y1; ny += 1) {
          const row = ny * width;
          for (let n = row + x0, end = row + x1; n <= end; n += 1) {
            if (changedAt[n] === stamp && labelledAt[n] !== stamp) {
              labelledAt[n] = stamp;
              members[filled++] = n;
            }
          }
        }
      }
      this.start[blob] = first;
      this.pixels[blob] = filled - first;
      this.sumX[blob] = sumX;
      this.sumY[blob] = sumY;
      this.minX[blob] = minX;
      this.minY[blob] = minY;
      this.maxX[blob] = maxX;
      this.maxY[blob] = maxY;
    }
    this.blobCount = blobs;
    return blobs;
  }
}
