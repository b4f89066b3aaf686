/** A displacement in pixels: the frame's point (x + dx, y + dy) shows the background's (x, y). */
export interface Shift {
  dx: number;
  dy: number;
}

/**
 * A shift must beat staying put by this share of the mismatch: noise alone must not shake the
 * picture. Over a flat scene every shift matches about as well, within a few % that the noise
 * decides; a real shake over texture gains far more.
 */
const STAY_PREFERENCE = 0.1;
/**
 * A fraction of a pixel is only read from a "V" whose sides rise by this share of its bottom:
 * a flat mismatch (a featureless scene) says nothing about sub-pixel position.
 */
const MIN_V_RISE = 0.1;

/**
 * Finds the camera's shake: the shift, within ±`maxShift` pixels, that best lines the frame up with
 * the background, by the sum of absolute differences over sample pixels (which must lie more than
 * `maxShift` pixels inside the frame).
 *
 * It walks downhill from no shift to the best neighbouring whole-pixel shift until none is better
 * (near the answer the mismatch of a blurred picture grows steadily with the misalignment, so this
 * visits a dozen or two shifts where a full search would visit all of them), then refines each axis
 * to a fraction of a pixel by fitting a "V" through the mismatch at the best shift and its two
 * neighbours: the sum of absolute differences grows linearly on both sides of the true shift.
 * The frame is compared with its exposure mapped onto the background's (gain, offset).
 */
export class ShiftFinder {
  private readonly side: number;
  private readonly mismatch: Float64Array;
  private frame: Float32Array = new Float32Array(0);
  private background: Float32Array = new Float32Array(0);
  private samples: Int32Array = new Int32Array(0);
  private count = 0;
  private gain = 1;
  private offset = 0;

  constructor(
    private readonly width: number,
    private readonly maxShift: number,
  ) {
    this.side = 2 * maxShift + 1;
    this.mismatch = new Float64Array(this.side * this.side);
  }

  find(frame: Float32Array, background: Float32Array, samples: Int32Array, count: number, gain: number, offset: number): Shift {
    this.frame = frame;
    this.background = background;
    this.samples = samples;
    this.count = count;
    this.gain = gain;
    this.offset = offset;
    const { maxShift } = this;
    this.mismatch.fill(-1);
    const still = this.mismatchAt(0, 0);
    let dx = 0;
    let dy = 0;
    let best = still;
    for (let steps = 0; steps < 2 * maxShift; steps += 1) {
      let nextX = dx;
      let nextY = dy;
      for (let ny = Math.max(-maxShift, dy - 1); ny <= Math.min(maxShift, dy + 1); ny += 1) {
        for (let nx = Math.max(-maxShift, dx - 1); nx <= Math.min(maxShift, dx + 1); nx += 1) {
          const value = this.mismatchAt(nx, ny);
          if (value < best) {
            best = value;
            nextX = nx;
            nextY = ny;
          }
        }
      }
      if (nextX === dx && nextY === dy) break;
      dx = nextX;
      dy = nextY;
    }
    if (best > still * (1 - STAY_PREFERENCE)) {
      dx = 0;
      dy = 0;
    }
    return { dx: dx + this.refine(dx, dy, 1, 0), dy: dy + this.refine(dx, dy, 0, 1) };
  }

  /** The fraction of a pixel (−0.5 to 0.5) to add along one axis, from the "V" through three mismatches. */
  private refine(dx: number, dy: number, alongX: number, alongY: number): number {
    const { maxShift } = this;
    const before = { x: dx - alongX, y: dy - alongY };
    const after = { x: dx + alongX, y: dy + alongY };
    if (Math.max(Math.abs(before.x), Math.abs(before.y), Math.abs(after.x), Math.abs(after.y)) > maxShift) return 0;
    const left = this.mismatchAt(before.x, before.y);
    const centre = this.mismatchAt(dx, dy);
    const right = this.mismatchAt(after.x, after.y);
    const rise = Math.max(left, right) - centre;
    if (!(rise > MIN_V_RISE * centre)) return 0;
    const fraction = (left - right) / (2 * rise);
    return Math.max(-0.5, Math.min(0.5, fraction));
  }

  private mismatchAt(dx: number, dy: number): number {
    const slot = (dy + this.maxShift) * this.side + dx + this.maxShift;
    let value = this.mismatch[slot]!;
    if (value < 0) {
      value = this.sumOfDifferences(dy * this.width + dx);
      this.mismatch[slot] = value;
    }
    return value;
  }

  private sumOfDifferences(shift: number): number {
    const { frame, background, samples, count, gain, offset } = this;
    let sum = 0;
    for (let k = 0; k < count; k += 1) {
      const i = samples[k]!;
      sum += Math.abs(gain * frame[i + shift]! + offset - background[i]!);
    }
    return sum;
  }
}
