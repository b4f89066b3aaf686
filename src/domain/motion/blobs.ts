/** A group of moving pixels that lie close together. */
export interface PixelBlob {
  /** Indices (y × width + x) of the blob's moving pixels. */
  pixels: number[];
  sumX: number;
  sumY: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * Joins moving pixels (non-zero in `moving`) into blobs, largest first, keeping those with at least
 * `minPixels`. Pixels up to `linkRadius` apart belong together (like a dilation before labelling,
 * without growing the blobs): a person whose outline breaks into fragments stays one blob.
 * Iterative, so a huge blob cannot overflow the stack.
 */
export function findBlobs(moving: Uint8Array, width: number, height: number, minPixels: number, linkRadius = 2): PixelBlob[] {
  const seen = new Uint8Array(moving.length);
  const stack: number[] = [];
  const blobs: PixelBlob[] = [];
  for (let start = 0; start < moving.length; start += 1) {
    if (!moving[start] || seen[start]) continue;
    const blob: PixelBlob = { pixels: [], sumX: 0, sumY: 0, minX: width, minY: height, maxX: -1, maxY: -1 };
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      blob.pixels.push(i);
      blob.sumX += x;
      blob.sumY += y;
      if (x < blob.minX) blob.minX = x;
      if (x > blob.maxX) blob.maxX = x;
      if (y < blob.minY) blob.minY = y;
      if (y > blob.maxY) blob.maxY = y;
      const y0 = Math.max(0, y - linkRadius);
      const y1 = Math.min(height - 1, y + linkRadius);
      const x0 = Math.max(0, x - linkRadius);
      const x1 = Math.min(width - 1, x + linkRadius);
      for (let ny = y0; ny <= y1; ny += 1) {
        const row = ny * width;
        for (let nx = x0; nx <= x1; nx += 1) {
          const n = row + nx;
          if (moving[n] && !seen[n]) {
            seen[n] = 1;
            stack.push(n);
          }
        }
      }
    }
    if (blob.pixels.length >= minPixels) blobs.push(blob);
  }
  return blobs.sort((a, b) => b.pixels.length - a.pixels.length);
}
