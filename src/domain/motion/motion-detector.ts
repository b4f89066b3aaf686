import { findBlobs } from './blobs.js';
import type { DetectorOptions, FrameMotion } from './motion-types.js';
import type { GrayFrame } from './motion-types.js';
import { rasterizePolygons } from './polygon.js';

/** Defaults for fixed cameras analysed at about 320 px wide and 5 fps; docs/motion.md explains them. */
export const defaultDetectorOptions: DetectorOptions = {
  threshold: 25,
  minAreaPct: 0.005,
  lightswitchPct: 40,
  masks: [],
  zones: [],
};

/** Learning rate of the background where nothing moves (per frame: about 4 s at 5 fps). */
const LEARN_CALM = 0.05;
/** Where something moves the background learns far slower, so a pausing object stays foreground for a while. */
const LEARN_MOVING = 0.003;
/**
 * Learning rates of each pixel's own variability (leaves, water, flicker): it rises faster than it
 * falls, so a tree that sways now and then stays known as restless. Pixels marked moving teach it
 * too, slowly: restless areas are exactly those that keep looking like motion, while one object
 * passing through leaves a trace too small to matter.
 */
const VARIABILITY_UP = 0.05;
const VARIABILITY_DOWN = 0.01;
const VARIABILITY_WHILE_MOVING = 0.01;
/** A pixel must change by this many times its usual variability as well as by the threshold. */
const VARIABILITY_FACTOR = 6;
/** Variability a pixel starts with and never goes below (luma levels). */
const MIN_VARIABILITY = 1.5;
const MAX_VARIABILITY = 60;
/** A jump of the frame's median brightness by this much from one frame to the next is lighting. */
const LIGHT_JUMP = 14;
const HEAT_GRID = 16;
/** The background's neighbourhood range is recomputed every this many frames (it is the costliest step). */
const RANGE_REFRESH_FRAMES = 4;

/**
 * Finds what moved in each frame of one video. Stateful: frames must come in order.
 *
 * Per pixel it keeps a background (a running average) and how much the pixel usually varies.
 * Each frame is first matched to the background's brightness and contrast (a robust linear fit on
 * quartiles), so exposure drift and most lighting changes cancel. A pixel moved when it lies
 * outside the range of the background around it (its 3 × 3 neighbourhood: a camera shaking by a
 * pixel does not light up every edge) by more than the threshold and more than a few times its
 * usual variability (swaying leaves need more). Moving pixels are joined into blobs; blobs smaller
 * than the minimum area are noise. A sudden global change (lights on, a flash) resets the
 * background instead of firing.
 */
export class MotionDetector {
  private readonly size: number;
  private readonly background: Float32Array;
  private readonly variability: Float32Array;
  private readonly normalised: Float32Array;
  private readonly rangeLow: Float32Array;
  private readonly rangeHigh: Float32Array;
  private readonly scratch: Float32Array;
  private readonly moving: Uint8Array;
  private readonly ignore: Uint8Array;
  private readonly zoneMasks: { name: string; mask: Uint8Array }[];
  private readonly histogram = new Uint32Array(256);
  private readonly minBlobPixels: number;
  private readonly unmaskedPixels: number;
  private previousMedian: number | null = null;
  private seeded = false;
  /** Frames learned from: early on the model learns fast, so it knows the scene within seconds. */
  private learned = 0;
  /** Frames since the background's neighbourhood range was computed. */
  private rangeAge = Infinity;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly options: DetectorOptions = defaultDetectorOptions,
  ) {
    this.size = width * height;
    this.background = new Float32Array(this.size);
    this.variability = new Float32Array(this.size).fill(MIN_VARIABILITY);
    this.normalised = new Float32Array(this.size);
    this.rangeLow = new Float32Array(this.size);
    this.rangeHigh = new Float32Array(this.size);
    this.scratch = new Float32Array(this.size);
    this.moving = new Uint8Array(this.size);
    this.ignore = rasterizePolygons(options.masks, width, height);
    this.zoneMasks = options.zones.map((zone) => ({ name: zone.name, mask: rasterizePolygons([zone.polygon], width, height) }));
    let unmasked = 0;
    for (let i = 0; i < this.size; i += 1) if (!this.ignore[i]) unmasked += 1;
    this.unmaskedPixels = Math.max(1, unmasked);
    // At least two pixels: a single pixel is indistinguishable from noise.
    this.minBlobPixels = Math.max(2, Math.ceil((options.minAreaPct / 100) * this.size));
  }

  process(frame: GrayFrame): FrameMotion {
    if (frame.width !== this.width || frame.height !== this.height || frame.pixels.length !== this.size) {
      throw new Error(`frame is ${frame.width}x${frame.height}, the detector expects ${this.width}x${this.height}`);
    }
    const pixels = frame.pixels;
    const median = this.percentileOf(pixels, 0.5);
    const jumped = this.previousMedian !== null && Math.abs(median - this.previousMedian) > LIGHT_JUMP;
    this.previousMedian = median;
    if (!this.seeded || jumped) {
      this.reseed(pixels);
      return this.still(frame.time, this.seeded && jumped);
    }
    this.normalise(pixels);
    // The background moves slowly (a time constant of seconds): its range can be a few frames old.
    if (this.rangeAge >= RANGE_REFRESH_FRAMES) {
      this.backgroundRange();
      this.rangeAge = 0;
    }
    this.rangeAge += 1;
    const changed = this.markMoving();
    if ((changed / this.unmaskedPixels) * 100 > this.options.lightswitchPct) {
      this.reseed(pixels);
      return this.still(frame.time, true);
    }
    const motion = this.describe(frame.time);
    this.learn(pixels);
    return motion;
  }

  /** Starts the background over from this frame: the first frame, or after a lighting change. */
  private reseed(pixels: Uint8Array): void {
    for (let i = 0; i < this.size; i += 1) this.background[i] = pixels[i]!;
    this.seeded = true;
    this.rangeAge = Infinity;
  }

  private still(time: number, lightswitch: boolean): FrameMotion {
    return { time, motionPct: 0, blobs: [], box: null, centroid: null, heat: new Float32Array(HEAT_GRID * HEAT_GRID), zones: [], lightswitch };
  }

  /** Maps the frame onto the background's brightness and contrast (quartiles: robust to what moves). */
  private normalise(pixels: Uint8Array): void {
    const f25 = this.percentileOf(pixels, 0.25);
    const f75 = this.percentileOf(pixels, 0.75);
    const b25 = this.percentileOf(this.background, 0.25);
    const b50 = this.percentileOf(this.background, 0.5);
    const b75 = this.percentileOf(this.background, 0.75);
    const f50 = this.percentileOf(pixels, 0.5);
    const spread = f75 - f25;
    let gain = spread >= 4 && b75 - b25 >= 4 ? (b75 - b25) / spread : 1;
    gain = Math.min(2, Math.max(0.5, gain));
    const offset = b50 - gain * f50;
    const out = this.normalised;
    for (let i = 0; i < this.size; i += 1) out[i] = pixels[i]! * gain + offset;
  }

  /**
   * The lowest and highest background value around each pixel (5 × 5), so a camera shaking by a
   * pixel or two, and the resampling that comes with it, stays inside the range.
   */
  private backgroundRange(): void {
    const { background, rangeLow, rangeHigh } = this;
    this.neighbourhood(background, rangeLow, -1);
    this.neighbourhood(rangeLow, rangeLow, -1);
    this.neighbourhood(background, rangeHigh, 1);
    this.neighbourhood(rangeHigh, rangeHigh, 1);
  }

  /**
   * 3 × 3 minimum (sign -1) or maximum (sign 1) of `source` into `out` (may be the same array),
   * separably through scratch. Comparing values times the sign keeps one loop for both, without
   * calling a function per pixel.
   */
  private neighbourhood(source: Float32Array, out: Float32Array, sign: 1 | -1): void {
    const { width, height, scratch } = this;
    for (let y = 0; y < height; y += 1) {
      const row = y * width;
      for (let x = 0; x < width; x += 1) {
        const i = row + x;
        let best = source[i]!;
        if (x > 0 && (source[i - 1]! - best) * sign > 0) best = source[i - 1]!;
        if (x < width - 1 && (source[i + 1]! - best) * sign > 0) best = source[i + 1]!;
        scratch[i] = best;
      }
    }
    for (let y = 0; y < height; y += 1) {
      const row = y * width;
      const up = y > 0 ? row - width : row;
      const down = y < height - 1 ? row + width : row;
      for (let x = 0; x < width; x += 1) {
        let best = scratch[row + x]!;
        if ((scratch[up + x]! - best) * sign > 0) best = scratch[up + x]!;
        if ((scratch[down + x]! - best) * sign > 0) best = scratch[down + x]!;
        out[row + x] = best;
      }
    }
  }

  /** Marks moving pixels (1) and returns how many there are. */
  private markMoving(): number {
    const { normalised, rangeLow, rangeHigh, variability, moving, ignore, options } = this;
    let count = 0;
    for (let i = 0; i < this.size; i += 1) {
      if (ignore[i]) {
        moving[i] = 0;
        continue;
      }
      const value = normalised[i]!;
      const over = value > rangeHigh[i]! ? value - rangeHigh[i]! : value < rangeLow[i]! ? rangeLow[i]! - value : 0;
      const adaptive = VARIABILITY_FACTOR * variability[i]!;
      const needed = adaptive > options.threshold ? adaptive : options.threshold;
      const hit = over > needed ? 1 : 0;
      moving[i] = hit;
      count += hit;
    }
    return count;
  }

  private describe(time: number): FrameMotion {
    const { width, height, moving } = this;
    const found = findBlobs(moving, width, height, this.minBlobPixels);
    const heat = new Float32Array(HEAT_GRID * HEAT_GRID);
    if (found.length === 0) {
      // Stray pixels below the minimum area are noise: they must not hold the background back.
      moving.fill(0);
      return { time, motionPct: 0, blobs: [], box: null, centroid: null, heat, zones: [], lightswitch: false };
    }
    const cellCounts = new Uint32Array(HEAT_GRID * HEAT_GRID);
    const zones = new Set<string>();
    let total = 0;
    let sumX = 0;
    let sumY = 0;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    // Keep only the pixels of accepted blobs: the rest was noise and is treated as calm.
    moving.fill(0);
    for (const blob of found) {
      for (const i of blob.pixels) {
        moving[i] = 1;
        const x = i % width;
        const y = (i - x) / width;
        cellCounts[Math.min(HEAT_GRID - 1, Math.floor((y * HEAT_GRID) / height)) * HEAT_GRID + Math.min(HEAT_GRID - 1, Math.floor((x * HEAT_GRID) / width))]! += 1;
        for (const zone of this.zoneMasks) if (zone.mask[i]) zones.add(zone.name);
      }
      total += blob.pixels.length;
      sumX += blob.sumX;
      sumY += blob.sumY;
      minX = Math.min(minX, blob.minX);
      minY = Math.min(minY, blob.minY);
      maxX = Math.max(maxX, blob.maxX);
      maxY = Math.max(maxY, blob.maxY);
    }
    const cellArea = (width / HEAT_GRID) * (height / HEAT_GRID);
    for (let c = 0; c < heat.length; c += 1) heat[c] = Math.min(1, cellCounts[c]! / cellArea);
    const box = (b: { minX: number; minY: number; maxX: number; maxY: number }) => ({ x: b.minX / width, y: b.minY / height, w: (b.maxX - b.minX + 1) / width, h: (b.maxY - b.minY + 1) / height });
    return {
      time,
      motionPct: (total / this.size) * 100,
      blobs: found.map((b) => ({ box: box(b), areaPct: (b.pixels.length / this.size) * 100, centroid: { x: (b.sumX / b.pixels.length + 0.5) / width, y: (b.sumY / b.pixels.length + 0.5) / height } })),
      box: box({ minX, minY, maxX, maxY }),
      centroid: { x: (sumX / total + 0.5) / width, y: (sumY / total + 0.5) / height },
      heat,
      zones: [...zones].sort(),
      lightswitch: false,
    };
  }

  /** Updates the background from the raw frame (it follows real brightness) and each pixel's variability. */
  private learn(pixels: Uint8Array): void {
    const { background, variability, normalised, moving } = this;
    this.learned += 1;
    const warmUp = 1 / (this.learned + 1);
    const up = Math.max(VARIABILITY_UP, warmUp);
    const down = Math.max(VARIABILITY_DOWN, warmUp);
    for (let i = 0; i < this.size; i += 1) {
      const bg = background[i]!;
      const deviation = normalised[i]! > bg ? normalised[i]! - bg : bg - normalised[i]!;
      const old = variability[i]!;
      let v: number;
      if (moving[i]) {
        background[i] = bg + LEARN_MOVING * (pixels[i]! - bg);
        v = old + VARIABILITY_WHILE_MOVING * (deviation - old);
      } else {
        background[i] = bg + LEARN_CALM * (pixels[i]! - bg);
        v = old + (deviation > old ? up : down) * (deviation - old);
      }
      variability[i] = v < MIN_VARIABILITY ? MIN_VARIABILITY : v > MAX_VARIABILITY ? MAX_VARIABILITY : v;
    }
  }

  /** A percentile of the unmasked pixels, from a histogram of every fourth one (plenty for a robust level). */
  private percentileOf(values: ArrayLike<number>, fraction: number): number {
    const histogram = this.histogram;
    histogram.fill(0);
    let n = 0;
    for (let i = 0; i < this.size; i += 4) {
      if (this.ignore[i]) continue;
      const v = values[i]!;
      histogram[v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v)]! += 1;
      n += 1;
    }
    const target = fraction * n;
    let seen = 0;
    for (let level = 0; level < 256; level += 1) {
      seen += histogram[level]!;
      if (seen >= target) return level;
    }
    return 255;
  }
}
