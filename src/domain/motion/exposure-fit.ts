/** How a frame's brightness maps onto the background's: background ≈ gain · frame + offset. */
export interface ExposureFit {
  gain: number;
  offset: number;
  /**
   * Robust spread of what the mapping leaves unexplained (1.4826 × the median absolute residual,
   * the standard deviation for Gaussian noise), luma levels: the camera's noise as this frame shows it.
   */
  noise: number;
}

/** Gains outside this range are not exposure (a lens cap, a blank frame): the mapping stops there. */
const MIN_GAIN = 0.2;
const MAX_GAIN = 5;
/** Values this close to black or white may be clipped: they say nothing about the mapping. */
export const CLIPPED_LOW = 4;
export const CLIPPED_HIGH = 251;
/** Residual histogram: quarter-level bins up to 128 levels. */
const RESIDUAL_BINS_PER_LEVEL = 4;
const RESIDUAL_BINS = 128 * RESIDUAL_BINS_PER_LEVEL;
const TRIM_ROUNDS = 2;
/** A sample agrees with a guess of the mapping when it lies within this many levels of it. */
const SUPPORT_LEVELS = 8;
/** Samples further from the fit than this many noise spreads (or levels, whichever is more) are outliers. */
const INLIER_SPREADS = 3;
const MIN_INLIER_LEVELS = 2;

/**
 * Fits a frame's exposure to the background from sample pixels, robustly: what moved, a few
 * percent of the frame, must not bend the fit, or the lighting would cancel part of the motion.
 * It starts from the best-supported of a few guesses (quartile matching among them, which needs no
 * pixel correspondence), then refits by least squares twice, each time only on samples within a
 * few noise spreads of the previous fit.
 * Reuses its work arrays: one fitter per detector.
 */
export class ExposureFitter {
  private readonly frameValues: Float32Array;
  private readonly backgroundValues: Float32Array;
  private readonly levelHistogram = new Uint32Array(256);
  private readonly residualHistogram = new Uint32Array(RESIDUAL_BINS + 1);
  private readonly differenceHistogram = new Uint32Array(511);

  constructor(maxSamples: number) {
    this.frameValues = new Float32Array(maxSamples);
    this.backgroundValues = new Float32Array(maxSamples);
  }

  /**
   * The mapping of `frame` onto `background` at the pixels `samples[0..count)`, where the frame's
   * pixel for background pixel `i` is `i + shift` (the camera's shake, as an index offset).
   */
  fit(frame: Float32Array, background: Float32Array, samples: Int32Array, count: number, shift = 0): ExposureFit {
    const f = this.frameValues;
    const b = this.backgroundValues;
    for (let k = 0; k < count; k += 1) {
      const i = samples[k]!;
      f[k] = frame[i + shift]!;
      b[k] = background[i]!;
    }
    if (count === 0) return { gain: 1, offset: 0, noise: 0 };
    let { gain, offset } = this.bestStart(count);
    for (let round = 0; round < TRIM_ROUNDS; round += 1) {
      const cutoff = Math.max(MIN_INLIER_LEVELS, INLIER_SPREADS * this.residualSpread(count, gain, offset));
      const refit = this.leastSquares(count, gain, offset, cutoff);
      gain = refit.gain;
      offset = refit.offset;
    }
    return { gain, offset, noise: this.residualSpread(count, gain, offset) };
  }

  /**
   * Where the refinement starts: whichever of three guesses the most samples agree with (lie within
   * SUPPORT_LEVELS of): the quartiles matched (a change of exposure), nothing changed, or only the
   * level changed (by the median difference). A lamp lighting part of the scene would pull a single
   * guess into a compromise that fits nothing; the best-supported one fits the larger part.
   */
  private bestStart(count: number): { gain: number; offset: number } {
    const guesses = [this.quartileMatch(count), { gain: 1, offset: 0 }, { gain: 1, offset: this.medianDifference(count) }];
    let best = guesses[0]!;
    let bestSupport = -1;
    for (const guess of guesses) {
      const support = this.support(count, guess.gain, guess.offset);
      if (support > bestSupport) {
        best = guess;
        bestSupport = support;
      }
    }
    return best;
  }

  private support(count: number, gain: number, offset: number): number {
    const f = this.frameValues;
    const b = this.backgroundValues;
    let agreeing = 0;
    for (let k = 0; k < count; k += 1) if (Math.abs(b[k]! - (gain * f[k]! + offset)) <= SUPPORT_LEVELS) agreeing += 1;
    return agreeing;
  }

  /** The median of background − frame over the samples, to the level. */
  private medianDifference(count: number): number {
    const histogram = this.differenceHistogram;
    histogram.fill(0);
    for (let k = 0; k < count; k += 1) histogram[Math.round(this.backgroundValues[k]! - this.frameValues[k]!) + 255]! += 1;
    let seen = 0;
    for (let bin = 0; bin < histogram.length; bin += 1) {
      seen += histogram[bin]!;
      if (seen >= count / 2) return bin - 255;
    }
    return 0;
  }

  /** Matches the frame's quartiles to the background's: robust, and blind to where things are. */
  private quartileMatch(count: number): { gain: number; offset: number } {
    const [f25, f50, f75] = this.quartiles(this.frameValues, count);
    const [b25, b50, b75] = this.quartiles(this.backgroundValues, count);
    const frameSpread = f75 - f25;
    const backgroundSpread = b75 - b25;
    // A flat picture has no contrast to compare: only its level can be matched.
    const gain = frameSpread >= 2 && backgroundSpread >= 2 ? clampGain(backgroundSpread / frameSpread) : 1;
    return { gain, offset: b50 - gain * f50 };
  }

  private quartiles(values: Float32Array, count: number): [number, number, number] {
    const histogram = this.levelHistogram;
    histogram.fill(0);
    for (let k = 0; k < count; k += 1) {
      const v = values[k]!;
      histogram[v <= 0 ? 0 : v >= 255 ? 255 : v | 0]! += 1;
    }
    const targets = [0.25 * count, 0.5 * count, 0.75 * count];
    const found: [number, number, number] = [255, 255, 255];
    let seen = 0;
    let next = 0;
    for (let level = 0; level < 256 && next < 3; level += 1) {
      const before = seen;
      seen += histogram[level]!;
      while (next < 3 && seen >= targets[next]!) {
        // Interpolate inside the level's bin, so the quartiles move smoothly with the light.
        const inside = histogram[level]! > 0 ? (targets[next]! - before) / histogram[level]! : 0;
        found[next] = level + inside;
        next += 1;
      }
    }
    return found;
  }

  /** 1.4826 × the median absolute residual of the mapping over all samples. */
  private residualSpread(count: number, gain: number, offset: number): number {
    const f = this.frameValues;
    const b = this.backgroundValues;
    const histogram = this.residualHistogram;
    histogram.fill(0);
    for (let k = 0; k < count; k += 1) {
      const r = b[k]! - (gain * f[k]! + offset);
      const bin = (r < 0 ? -r : r) * RESIDUAL_BINS_PER_LEVEL;
      histogram[bin >= RESIDUAL_BINS ? RESIDUAL_BINS : bin | 0]! += 1;
    }
    const half = count / 2;
    let seen = 0;
    for (let bin = 0; bin <= RESIDUAL_BINS; bin += 1) {
      const before = seen;
      seen += histogram[bin]!;
      if (seen >= half) {
        const inside = histogram[bin]! > 0 ? (half - before) / histogram[bin]! : 0;
        return (1.4826 * (bin + inside)) / RESIDUAL_BINS_PER_LEVEL;
      }
    }
    return 128 * 1.4826;
  }

  /** Least squares on the samples within `cutoff` of the current fit that are not clipped. */
  private leastSquares(count: number, gain: number, offset: number, cutoff: number): { gain: number; offset: number } {
    const f = this.frameValues;
    const b = this.backgroundValues;
    let n = 0;
    let sumF = 0;
    let sumB = 0;
    let sumFF = 0;
    let sumFB = 0;
    for (let k = 0; k < count; k += 1) {
      const fk = f[k]!;
      const bk = b[k]!;
      if (fk <= CLIPPED_LOW || fk >= CLIPPED_HIGH || bk <= CLIPPED_LOW || bk >= CLIPPED_HIGH) continue;
      const r = bk - (gain * fk + offset);
      if (r > cutoff || r < -cutoff) continue;
      n += 1;
      sumF += fk;
      sumB += bk;
      sumFF += fk * fk;
      sumFB += fk * bk;
    }
    // Too few trustworthy samples to move the fit: keep it.
    if (n < 16 || n < count / 10) return { gain, offset };
    const meanF = sumF / n;
    const meanB = sumB / n;
    const varianceF = sumFF / n - meanF * meanF;
    const covariance = sumFB / n - meanF * meanB;
    // Without contrast among the inliers the gain is unknowable: keep it and refit the level only.
    const fitted = varianceF >= 4 ? clampGain(covariance / varianceF) : gain;
    return { gain: fitted, offset: meanB - fitted * meanF };
  }
}

function clampGain(gain: number): number {
  return gain < MIN_GAIN ? MIN_GAIN : gain > MAX_GAIN ? MAX_GAIN : gain;
}
