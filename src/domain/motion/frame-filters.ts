/**
 * Small separable filters over one frame, written as plain loops over typed arrays: the detector
 * runs them on every analysis frame, so they allocate nothing and call nothing per pixel. Edges
 * repeat the border pixel.
 */

/**
 * Blurs 8-bit luma with the binomial kernel [1 2 1] ⊗ [1 2 1] / 16 into `out`. It damps sensor
 * noise to about a third while keeping more of a 2 px object than a 3 × 3 box would (the centre
 * weighs 4/16, not 1/9). `scratch` holds the horizontal pass.
 */
export function blurBinomial3(source: Uint8Array, out: Float32Array, scratch: Uint16Array, width: number, height: number): void {
  // The horizontal pass stays in integers (at most 4 × 255): cheaper to store and to read back.
  const last = width - 1;
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    if (width === 1) {
      scratch[row] = 4 * source[row]!;
      continue;
    }
    scratch[row] = 3 * source[row]! + source[row + 1]!;
    for (let i = row + 1, end = row + last; i < end; i += 1) scratch[i] = source[i - 1]! + 2 * source[i]! + source[i + 1]!;
    scratch[row + last] = source[row + last - 1]! + 3 * source[row + last]!;
  }
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    const up = y > 0 ? row - width : row;
    const down = y < height - 1 ? row + width : row;
    for (let x = 0; x < width; x += 1) out[row + x] = (scratch[up + x]! + 2 * scratch[row + x]! + scratch[down + x]!) * 0.0625;
  }
}

/** A rectangle of pixels: columns x0 ≤ x < x1, rows y0 ≤ y < y1. */
export interface PixelRegion {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * The background pixels (x, y) whose point (x + dx, y + dy) in the frame can be resampled from
 * pixels at least `inset` pixels inside the frame.
 */
export function shiftedRegion(width: number, height: number, dx: number, dy: number, inset: number): PixelRegion {
  const ix = Math.floor(dx);
  const iy = Math.floor(dy);
  const extraX = dx > ix ? 1 : 0;
  const extraY = dy > iy ? 1 : 0;
  return {
    x0: Math.max(0, inset - ix),
    x1: Math.min(width, width - inset - ix - extraX),
    y0: Math.max(0, inset - iy),
    y1: Math.min(height, height - inset - iy - extraY),
  };
}

/**
 * Resamples `source` at (x + dx, y + dy) into `out` (x, y), bilinearly, within `shiftedRegion`
 * (reading pixels at least `inset` inside the frame);
 * pixels outside it are left as they were. This lines a shaken frame up with the background.
 */
export function resampleShifted(source: Float32Array, out: Float32Array, width: number, height: number, dx: number, dy: number, inset: number): PixelRegion {
  const region = shiftedRegion(width, height, dx, dy, inset);
  const ix = Math.floor(dx);
  const iy = Math.floor(dy);
  const fx = dx - ix;
  const fy = dy - iy;
  const w00 = (1 - fx) * (1 - fy);
  const w01 = fx * (1 - fy);
  const w10 = (1 - fx) * fy;
  const w11 = fx * fy;
  // Taps with no weight read the same pixel, so they never step outside the frame.
  const right = fx > 0 ? 1 : 0;
  const below = fy > 0 ? width : 0;
  const offset = iy * width + ix;
  for (let y = region.y0; y < region.y1; y += 1) {
    const row = y * width;
    for (let i = row + region.x0, end = row + region.x1; i < end; i += 1) {
      const j = i + offset;
      out[i] = w00 * source[j]! + w01 * source[j + right]! + w10 * source[j + below]! + w11 * source[j + below + right]!;
    }
  }
  return region;
}
