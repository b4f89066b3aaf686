import { BlobLabeller } from './blobs.js';
import { CLIPPED_HIGH, CLIPPED_LOW, ExposureFitter, type ExposureFit } from './exposure-fit.js';
import { blurBinomial3, resampleShifted, shiftedRegion, type PixelRegion } from './frame-filters.js';
import { ShiftFinder, type Shift } from './frame-shift.js';
import type { Blob, Box, DetectorOptions, FrameMotion, GrayFrame, Point } from './motion-types.js';
import { rasterizePolygons } from './polygon.js';

/**
 * Defaults for fixed cameras analysed at 320–480 px wide and about 5 fps (the CLI's documented
 * defaults).
 *
 * - threshold 12: a pixel moved when it differs from the background by 12 luma levels (of 255, in
 *   the lightly blurred frame, after exposure matching) beyond what the background's own edges
 *   allow. Clean cameras show 1–2 levels of noise at analysis size, so 12 is far above it, yet an
 *   object 1 % of the frame high (2 × 2 px at 320 × 180), whose contrast the blur and the
 *   downscale halve, still passes when it differs from its background by ~30 levels. Noisy
 *   cameras and restless pixels (leaves) raise it automatically; see MotionDetector.
 * - minAreaPct 0.005: 3 px at 320 × 180 (7 px at 480 × 270), the size of such an object; a lone
 *   noisy pixel or pair is not a blob. Small blobs must also show up in consecutive frames.
 * - lightswitchPct 40: when 40 % of the frame changes at once even after exposure matching, it is
 *   the lighting (or a bumped camera), not something moving; a person filling less of the frame
 *   is still motion.
 */
export const defaultDetectorOptions: DetectorOptions = {
  threshold: 12,
  minAreaPct: 0.005,
  lightswitchPct: 40,
  masks: [],
  zones: [],
};

// Frame preparation.
/** Pixels this close to the frame's edge never count as moving: the blur makes up the edge row from its inner neighbour, and a shaken frame brings such made-up rows inward. */
const BORDER = 2;
/** Largest camera shake followed, pixels each way at analysis size. */
const MAX_SHIFT = 3;
/** A shake smaller than this (pixels) is left alone: resampling would only blur the frame. */
const MIN_SHIFT = 0.2;
/** Pixels sampled to fit the exposure, find the shake and measure the noise: plenty for robust figures, cheap per frame. */
const TARGET_SAMPLES = 2000;
/**
 * Misalignment (pixels) the comparison forgives along edges and fine texture: sub-pixel shake,
 * resampling and compression move edges by a fraction of a pixel. A background pixel's "edge
 * spread" (its absolute differences to its four neighbours, summed) halved is its gradient on a
 * ramp, so the frame may differ by MISALIGNMENT × spread / 2 before the threshold counts.
 */
const MISALIGNMENT = 0.5;
/** edgeSpread is refreshed on one row in this many per frame: the background changes slowly. */
const SPREAD_REFRESH_PARTS = 4;

// Thresholds.
/** A pixel must change by this many times the camera's noise in the frame… */
const NOISE_FACTOR = 5.5;
/** …and by this many times its own restlessness (leaves, water, flicker), and its neighbours' within RESTLESS_REACH pixels. */
const RESTLESS_FACTOR = 4;
const RESTLESS_REACH = 3;
/**
 * Noise is read from a quantile of |frame − background| over flat sample pixels, divided by the same
 * quantile of |N(0, 1)|: the median, which a large object over the flat places cannot move until it
 * covers half of them. A picture with too few flat places is read from how far the samples fall
 * outside what their edges allow: most fall inside (no difference at all), so a higher quantile.
 */
const FLAT_NOISE_QUANTILE = 0.5;
const FLAT_NOISE_QUANTILE_OF_NORMAL = 0.6745;
const EDGY_NOISE_QUANTILE = 0.8;
const EDGY_NOISE_QUANTILE_OF_NORMAL = 1.2816;
const NOISE_BINS_PER_LEVEL = 4;
/** A sample is flat when its edge spread is below this (levels), and flat samples are used when they are at least MIN_FLAT_SHARE of all. */
const FLAT_SPREAD = 10;
const MIN_FLAT_SHARE = 0.1;
/**
 * The noise level follows the frames, rising within about a second and falling back over ten:
 * compressed video shows its noise in bursts (each keyframe redraws it, the frames between copy
 * it), and one odd frame (a large object over the flat places, an exposure jump) must not blind
 * the detector.
 */
const NOISE_RISE_SECONDS = 1;
const NOISE_FALL_SECONDS = 10;
/**
 * For this long after the first frame the noise level is still being found: it rises at once, and
 * thresholds are SETTLING_FACTOR times higher (compressed video may not show its noise before its
 * next keyframe).
 */
const SETTLING_SECONDS = 3;
const SETTLING_FACTOR = 1.5;
/** Nothing is reported until this long after the first frame: the background, the noise level and the restlessness need a few frames. */
const WARM_UP_SECONDS = 1;
/**
 * When the exposure changed by more than this factor, clipping no longer matches the background's:
 * a frame brighter than the background has more white clipped, which after matching looks darker
 * than it is (and the other way round for black). Pixels near clipping then only count as changed
 * in the direction clipping cannot fake.
 */
const CLIPPING_GAIN_CHANGE = 0.05;

// Learning.
/** Time constant of the background where nothing changed: it follows the light within seconds. */
const CALM_SECONDS = 4;
/** Where something changed, far slower: an object that moves slowly or pauses is not absorbed. */
const CHANGED_SECONDS = 60;
/** A changed pixel that has held still this long is new scenery (a parked car): it is learned at the calm rate. */
const STILL_SECONDS = 10;
/**
 * After a sudden change of exposure (the fitted gain further than this from 1, in log terms), the
 * whole background catches up within CATCH_UP_SECONDS: until it does the fit stretches the frame,
 * its noise and its banding, and which pixels "changed" means little.
 */
const CATCH_UP_GAIN = 0.15;
const CATCH_UP_SECONDS = 1;
/**
 * Each pixel's restlessness (its mean absolute change from one frame to the next, each change
 * counted up to RESTLESS_CAP) rises within a couple of seconds when leaves start to sway and falls
 * over half a minute, so a tree that moves in gusts stays known as restless between them. Where a
 * pixel changed it learns RESTLESS_CHANGED_SLOWDOWN as fast (one object passing leaves little
 * trace), except in the first SETTLED_FRAMES frames, when nothing is known yet.
 */
const RESTLESS_UP_SECONDS = 2;
const RESTLESS_DOWN_SECONDS = 30;
const RESTLESS_CAP = 40;
const RESTLESS_CHANGED_SLOWDOWN = 0.3;
const SETTLED_FRAMES = 10;

// Blobs.
/** Changed pixels this close (pixels, each axis) belong to one blob. */
const LINK_RADIUS = 2;
/**
 * Blobs smaller than this (% of the frame) are only reported when one of the two previous analysed
 * frames had a blob within CONFIRM_REACH (a fraction of the frame's width, each axis): something
 * small that moves shows up frame after frame, while a glint, a leaf or a burst of compression
 * noise flickers once. It costs a small object its first frame.
 */
const CONFIRMED_AREA_PCT = 0.05;
const CONFIRM_REACH = 0.15;
const HEAT_GRID = 16;
/** Frame step assumed before two frames have been seen (5 fps). */
const DEFAULT_STEP = 0.2;

/**
 * Finds what moved in each frame of one video. Stateful: one detector per video, frames in order.
 *
 * Each frame is blurred lightly ([1 2 1]²), lined up with the background (camera shake of up to
 * 3 px, to a fraction of a pixel) and mapped onto the background's exposure by a robust
 * gain/offset fit, so drift, light switches and flashes mostly cancel while local change remains.
 * A pixel changed when it differs from the background, beyond what half a pixel of misalignment
 * explains along edges, by more than the largest of: the threshold, 5.5 × the camera's noise, and
 * 4 × the restlessness of the pixel and its neighbours within 3 px. Changed pixels close together form blobs;
 * blobs below the minimum area are noise, and small blobs must show up in consecutive frames.
 * Masked pixels never change, nor do the frame's outermost two pixels.
 *
 * The background learns where nothing changed within seconds, where something changed over a
 * minute, unless the change has held still for 10 s (then it is scenery). When more than
 * `lightswitchPct` of the frame changes even after the exposure fit, the background starts over
 * from the frame (a light switch: no motion reported); the previous background is kept, and if
 * the next frame matches it better (a flash, one bad frame) it comes back. A frame identical to
 * the previous one (cameras and encoders repeat frames to fill their rate) is reported like it,
 * marked `repeated`, and teaches nothing. Nothing is reported during the first second.
 */
export class MotionDetector {
  private readonly size: number;
  private readonly blurred: Float32Array;
  /** The blurred frame lined up with the background, when the camera shook. */
  private readonly aligned: Float32Array;
  private background: Float32Array;
  /** Double buffer: the pass writes the next background here, and it replaces the current one unless the frame was a light switch. */
  private nextBackground: Float32Array;
  /** The background before the last light switch, in case the switch was a flash. */
  private backgroundBeforeSwitch: Float32Array;
  private readonly blurScratch: Uint16Array;
  /** Last frame mapped onto the background (lined up, exposure matched), for restlessness. */
  private readonly previous: Float32Array;
  /** The background's edge spread: its absolute differences to its four neighbours, summed (see MISALIGNMENT). */
  private readonly edgeSpread: Float32Array;
  /** Mean absolute change of each pixel from one frame to the next (see RESTLESS_UP_SECONDS). */
  private restlessness: Float32Array;
  /**
   * Double buffer: the pass writes each pixel's new restlessness here, so that the neighbours a
   * pixel is judged by (restlessAround) are still as they were before this frame.
   */
  private nextRestlessness: Float32Array;
  /** Seconds each changed pixel has held still. */
  private readonly stillFor: Float32Array;
  /** The frame stamp at which each pixel last changed (no clearing between frames). */
  private readonly changedAt: Int32Array;
  /** This frame's changed pixels, by index. */
  private readonly changed: Int32Array;
  /** The camera's noise, levels (see NOISE_RISE_SECONDS). */
  private noiseLevel = 0;
  /** 1 where a pixel can never change: masks and the frame's border. */
  private readonly ignored: Uint8Array;
  private readonly watchedPixels: number;
  private readonly zoneMasks: { name: string; mask: Uint8Array }[];
  private readonly samples: Int32Array;
  private readonly sampleCount: number;
  private readonly flatHistogram = new Uint32Array(NOISE_BINS_PER_LEVEL * 256 + 1);
  private readonly edgyHistogram = new Uint32Array(NOISE_BINS_PER_LEVEL * 256 + 1);
  private readonly fitter: ExposureFitter;
  private readonly shiftFinder: ShiftFinder;
  private readonly labeller: BlobLabeller;
  private readonly minBlobPixels: number;
  private readonly confirmedBlobPixels: number;
  /** Pixel bounds (minX, minY, maxX, maxY, …) of the blobs of the last analysed frame and the one before. */
  private seenBoxes: number[] = [];
  private seenBefore: number[] = [];
  private readonly cellOfX: Uint8Array;
  private readonly cellOfY: Uint8Array;
  private readonly cellArea: Float32Array;
  private readonly cellCounts: Uint32Array;
  private stamp = 0;
  private seeded = false;
  /** Frames the background has learned from since it was seeded: the first ones teach it fast. */
  private learnedFrames = 0;
  private lastTime: number | null = null;
  private step = DEFAULT_STEP;
  private switchedLastFrame = false;
  /** Time of the first frame. */
  private startTime = 0;
  /** The last frame as it came, to recognise repeats. */
  private readonly lastPixels: Uint8Array;
  private lastMotion: FrameMotion | null = null;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly options: DetectorOptions = defaultDetectorOptions,
  ) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new Error(`invalid analysis size ${width}x${height}`);
    const size = width * height;
    this.size = size;
    this.blurred = new Float32Array(size);
    this.lastPixels = new Uint8Array(size);
    this.aligned = new Float32Array(size);
    this.background = new Float32Array(size);
    this.nextBackground = new Float32Array(size);
    this.backgroundBeforeSwitch = new Float32Array(size);
    this.blurScratch = new Uint16Array(size);
    this.previous = new Float32Array(size);
    this.edgeSpread = new Float32Array(size);
    this.restlessness = new Float32Array(size);
    this.nextRestlessness = new Float32Array(size);
    this.stillFor = new Float32Array(size);
    this.changedAt = new Int32Array(size).fill(-1);
    this.changed = new Int32Array(size);
    this.ignored = rasterizePolygons(options.masks, width, height);
    let watched = 0;
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const i = y * width + x;
        if (x < BORDER || y < BORDER || x >= width - BORDER || y >= height - BORDER) this.ignored[i] = 1;
        if (!this.ignored[i]) watched += 1;
      }
    }
    this.watchedPixels = watched;
    this.zoneMasks = options.zones.map((zone) => ({ name: zone.name, mask: rasterizePolygons([zone.polygon], width, height) }));
    this.samples = this.sampleGrid();
    this.sampleCount = this.samples.length;
    this.fitter = new ExposureFitter(this.sampleCount);
    this.shiftFinder = new ShiftFinder(width, MAX_SHIFT);
    this.labeller = new BlobLabeller(width, height);
    // Two pixels at least: one pixel alone cannot be told from noise.
    this.minBlobPixels = Math.max(2, Math.ceil((options.minAreaPct / 100) * size));
    this.confirmedBlobPixels = Math.ceil((CONFIRMED_AREA_PCT / 100) * size);
    this.cellOfX = Uint8Array.from({ length: width }, (_, x) => Math.floor((x * HEAT_GRID) / width));
    this.cellOfY = Uint8Array.from({ length: height }, (_, y) => Math.floor((y * HEAT_GRID) / height));
    this.cellArea = new Float32Array(HEAT_GRID * HEAT_GRID);
    for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) this.cellArea[this.cellOfY[y]! * HEAT_GRID + this.cellOfX[x]!]! += 1;
    this.cellCounts = new Uint32Array(HEAT_GRID * HEAT_GRID);
  }

  process(frame: GrayFrame): FrameMotion {
    const { width, height } = this;
    if (frame.width !== width || frame.height !== height || frame.pixels.length !== this.size) {
      throw new Error(`frame is ${frame.width}x${frame.height} (${frame.pixels.length} bytes); the detector expects ${width}x${height}`);
    }
    // A repeated frame (a camera or encoder filling its frame rate) shows nothing new: it would only
    // teach every pixel that nothing changes. Its motion is the last frame's.
    if (this.lastMotion && sameBytes(frame.pixels, this.lastPixels)) {
      return { ...this.lastMotion, time: frame.time, heat: this.lastMotion.heat.slice(), lightswitch: false, repeated: true };
    }
    this.lastPixels.set(frame.pixels);
    const motion = this.analyse(frame);
    this.lastMotion = motion;
    return motion;
  }

  private analyse(frame: GrayFrame): FrameMotion {
    const { width, height } = this;
    const seconds = this.advanceClock(frame.time);
    this.stamp += 1;
    blurBinomial3(frame.pixels, this.blurred, this.blurScratch, width, height);
    if (!this.seeded) {
      this.seed();
      this.startTime = frame.time;
      return this.nothing(frame.time, false);
    }
    if (this.switchedLastFrame) this.undoSwitchIfFlash();
    this.switchedLastFrame = false;

    let picture = this.blurred;
    let exposure = this.fitter.fit(picture, this.background, this.samples, this.sampleCount);
    const shift = this.shiftFinder.find(picture, this.background, this.samples, this.sampleCount, exposure.gain, exposure.offset);
    let region: PixelRegion;
    if (Math.abs(shift.dx) >= MIN_SHIFT || Math.abs(shift.dy) >= MIN_SHIFT) {
      region = resampleShifted(picture, this.aligned, width, height, shift.dx, shift.dy, 1);
      picture = this.aligned;
      exposure = this.fitter.fit(picture, this.background, this.samples, this.sampleCount);
    } else {
      region = shiftedRegion(width, height, 0, 0, 0);
    }
    this.refreshEdgeSpread(this.stamp % SPREAD_REFRESH_PARTS, SPREAD_REFRESH_PARTS);
    const measured = this.noise(picture, exposure);
    const settling = frame.time - this.startTime < SETTLING_SECONDS;
    // The frame is judged by the noise level so far (while settling, by what it shows too): a
    // broken frame or a light switch must not raise its own bar and hide itself.
    const noise = settling ? Math.max(this.noiseLevel, measured) : this.noiseLevel;
    const threshold = Math.max(this.options.threshold, NOISE_FACTOR * noise) * (settling ? SETTLING_FACTOR : 1);
    const changedCount = this.compare(picture, exposure, region, threshold, seconds, frame.pixels, shift);

    if (this.watchedPixels > 0 && (changedCount / this.watchedPixels) * 100 > this.options.lightswitchPct) {
      this.startOverAfterSwitch();
      this.seenBoxes = [];
      this.seenBefore = [];
      // Nothing that changed before the switch has held still across it.
      this.stamp += 1;
      return this.nothing(frame.time, true);
    }
    this.noiseLevel = settling ? noise : this.noiseLevel + rate(seconds, measured > this.noiseLevel ? NOISE_RISE_SECONDS : NOISE_FALL_SECONDS) * (measured - this.noiseLevel);
    const learned = this.nextBackground;
    this.nextBackground = this.background;
    this.background = learned;
    // A light switch (above) teaches no restlessness either: the pixels did not move, the light did.
    const restlessness = this.nextRestlessness;
    this.nextRestlessness = this.restlessness;
    this.restlessness = restlessness;
    this.learnedFrames += 1;
    if (frame.time - this.startTime < WARM_UP_SECONDS) return this.nothing(frame.time, false);
    return this.describe(frame.time, changedCount);
  }

  /** Recomputes edgeSpread on the rows y ≡ part (mod parts); the outermost rows and columns never change and keep 0. */
  private refreshEdgeSpread(part: number, parts: number): void {
    const { width, height, background, edgeSpread } = this;
    for (let y = 1 + ((part - 1 + parts) % parts); y < height - 1; y += parts) {
      const row = y * width;
      for (let i = row + 1, end = row + width - 1; i < end; i += 1) {
        const bg = background[i]!;
        edgeSpread[i] = Math.abs(bg - background[i - 1]!) + Math.abs(bg - background[i + 1]!) + Math.abs(bg - background[i - width]!) + Math.abs(bg - background[i + width]!);
      }
    }
  }

  /** Seconds since the previous frame (the frame step until two frames have been seen). */
  private advanceClock(time: number): number {
    if (this.lastTime !== null && time > this.lastTime) this.step = Math.min(10, time - this.lastTime);
    this.lastTime = time;
    return this.step;
  }

  private seed(): void {
    this.background.set(this.blurred);
    this.refreshEdgeSpread(0, 1);
    this.previous.set(this.blurred);
    this.restlessness.fill(0);
    this.nextRestlessness.fill(0);
    this.stillFor.fill(0);
    this.seeded = true;
    this.learnedFrames = 1;
  }

  private nothing(time: number, lightswitch: boolean): FrameMotion {
    return { time, motionPct: 0, blobs: [], box: null, centroid: null, heat: new Float32Array(HEAT_GRID * HEAT_GRID), zones: [], lightswitch };
  }

  /**
   * The camera's noise as this frame shows it, as a Gaussian's standard deviation: from the median
   * |frame − background| over the flat sample pixels (where misalignment cannot make a
   * difference), or, in a picture with too few flat places, from a high quantile of how far the
   * samples differ beyond what their edges allow.
   */
  private noise(picture: Float32Array, exposure: ExposureFit): number {
    const { samples, sampleCount, background, flatHistogram, edgyHistogram } = this;
    const { gain, offset } = exposure;
    if (sampleCount === 0) return 0;
    const lastBin = flatHistogram.length - 1;
    flatHistogram.fill(0);
    edgyHistogram.fill(0);
    let flat = 0;
    for (let k = 0; k < sampleCount; k += 1) {
      const i = samples[k]!;
      const bg = background[i]!;
      const difference = Math.abs(gain * picture[i]! + offset - bg);
      const spread = this.edgeSpread[i]!;
      if (spread < FLAT_SPREAD) {
        flatHistogram[Math.min(lastBin, (difference * NOISE_BINS_PER_LEVEL) | 0)]! += 1;
        flat += 1;
      }
      const outside = difference - (MISALIGNMENT / 2) * spread;
      edgyHistogram[outside > 0 ? Math.min(lastBin, (outside * NOISE_BINS_PER_LEVEL) | 0) : 0]! += 1;
    }
    const useFlat = flat >= MIN_FLAT_SHARE * sampleCount;
    const histogram = useFlat ? flatHistogram : edgyHistogram;
    const target = useFlat ? FLAT_NOISE_QUANTILE * flat : EDGY_NOISE_QUANTILE * sampleCount;
    const scale = useFlat ? FLAT_NOISE_QUANTILE_OF_NORMAL : EDGY_NOISE_QUANTILE_OF_NORMAL;
    let seen = 0;
    for (let bin = 0; bin <= lastBin; bin += 1) {
      seen += histogram[bin]!;
      if (seen >= target) return (bin + 0.5) / NOISE_BINS_PER_LEVEL / scale;
    }
    return lastBin / NOISE_BINS_PER_LEVEL / scale;
  }

  /**
   * One pass over the lined-up frame: marks the pixels that changed (stamped in changedAt, listed
   * in `changed`, counted) and writes what the frame teaches: the next background, each pixel's
   * restlessness, how long changed pixels have held still. Pixels the shake moved out of the frame
   * keep their background and teach nothing.
   *
   * Hot loop: comparisons that go either way at random (restless or not, rising or falling) use
   * branch-free arithmetic, max(a, b) = (a + b + |a − b|) / 2; only the rare changed pixels branch.
   */
  private compare(picture: Float32Array, exposure: ExposureFit, region: PixelRegion, threshold: number, seconds: number, pixels: Uint8Array, shift: Shift): number {
    const { width, height, background, nextBackground, edgeSpread, previous, restlessness, nextRestlessness, stillFor, ignored, changedAt, changed, stamp } = this;
    const { gain, offset } = exposure;
    // The first frames are averaged evenly (a rate of 1/n), so the background settles within a few frames.
    const warmUp = 1 / (this.learnedFrames + 1);
    const catchingUp = Math.abs(Math.log(gain)) > CATCH_UP_GAIN;
    const calm = Math.max(warmUp, rate(seconds, catchingUp ? CATCH_UP_SECONDS : CALM_SECONDS));
    // While the exposure jumps, which pixels "changed" is unreliable (the fit is stretched): all catch up alike.
    const slow = catchingUp ? calm : rate(seconds, CHANGED_SECONDS);
    const up = Math.max(warmUp, rate(seconds, RESTLESS_UP_SECONDS));
    const down = Math.max(warmUp, rate(seconds, RESTLESS_DOWN_SECONDS));
    // Restlessness moves towards this frame's step at `up` when it rises, `down` when it falls:
    // r + ((up + down)·d + (up − down)·|d|) / 2 picks the rate without a branch.
    const upAndDown = 0.5 * (up + down);
    const upLessDown = 0.5 * (up - down);
    const slowdown = this.learnedFrames < SETTLED_FRAMES ? 1 : RESTLESS_CHANGED_SLOWDOWN;
    // Below half the threshold from one frame to the next, a changed pixel counts as holding still.
    const stillLevel = threshold / 2;
    const whiteMayFake = gain < 1 - CLIPPING_GAIN_CHANGE;
    const blackMayFake = gain > 1 + CLIPPING_GAIN_CHANGE;
    const forgiven = MISALIGNMENT / 2;
    if (region.x0 > 0 || region.x1 < width || region.y0 > 0 || region.y1 < height) {
      nextBackground.set(background);
      nextRestlessness.set(restlessness);
    }
    let count = 0;
    for (let y = region.y0; y < region.y1; y += 1) {
      const row = y * width;
      if (y === 0 || y === height - 1) {
        // The outermost rows never change (BORDER) and have no row beyond: they only learn.
        for (let i = row + region.x0, end = row + region.x1; i < end; i += 1) {
          const value = gain * picture[i]! + offset;
          previous[i] = value;
          nextBackground[i] = background[i]! + calm * (picture[i]! - background[i]!);
        }
        continue;
      }
      for (let i = row + region.x0, end = row + region.x1; i < end; i += 1) {
        const raw = picture[i]!;
        const value = gain * raw + offset;
        const bg = background[i]!;
        const outside = Math.abs(value - bg) - forgiven * edgeSpread[i]!;
        const restless = restlessness[i]!;
        const adaptive = RESTLESS_FACTOR * restless;
        const needed = 0.5 * (adaptive + threshold + Math.abs(adaptive - threshold));
        const step = Math.abs(value - previous[i]!);
        const sample = 0.5 * (step + RESTLESS_CAP - Math.abs(step - RESTLESS_CAP));
        const towards = sample - restless;
        previous[i] = value;
        if (
          outside > needed &&
          ignored[i] === 0 &&
          outside > RESTLESS_FACTOR * this.restlessAround(i) &&
          !((value > bg ? blackMayFake : whiteMayFake) && this.nearClipping(pixels, i, shift, value > bg))
        ) {
          // Seconds held still count on only while the pixel stays changed frame after frame.
          const still = step < stillLevel && changedAt[i] === stamp - 1 ? stillFor[i]! + seconds : 0;
          stillFor[i] = still;
          changedAt[i] = stamp;
          changed[count++] = i;
          nextRestlessness[i] = restless + slowdown * (upAndDown * towards + upLessDown * Math.abs(towards));
          nextBackground[i] = bg + (still >= STILL_SECONDS ? calm : slow) * (raw - bg);
        } else {
          nextRestlessness[i] = restless + upAndDown * towards + upLessDown * Math.abs(towards);
          nextBackground[i] = bg + calm * (raw - bg);
        }
      }
    }
    return count;
  }

  /** The highest restlessness within RESTLESS_REACH pixels of pixel `i`. */
  private restlessAround(i: number): number {
    const { width, height, restlessness } = this;
    const y = (i / width) | 0;
    const x = i - y * width;
    const x0 = Math.max(0, x - RESTLESS_REACH);
    const x1 = Math.min(width - 1, x + RESTLESS_REACH);
    let highest = 0;
    for (let v = Math.max(0, y - RESTLESS_REACH), last = Math.min(height - 1, y + RESTLESS_REACH); v <= last; v += 1) {
      for (let j = v * width + x0, end = v * width + x1; j <= end; j += 1) if (restlessness[j]! > highest) highest = restlessness[j]!;
    }
    return highest;
  }

  /**
   * Whether the frame's pixels that made background pixel `i` (the blur's and the resampling's
   * reach) include clipped black (`black`) or white ones.
   */
  private nearClipping(pixels: Uint8Array, i: number, shift: Shift, black: boolean): boolean {
    const { width, height } = this;
    const y = (i / width) | 0;
    const x = i - y * width;
    const fromX = Math.max(0, Math.floor(x + shift.dx) - 1);
    const toX = Math.min(width - 1, Math.floor(x + shift.dx) + 2);
    const fromY = Math.max(0, Math.floor(y + shift.dy) - 1);
    const toY = Math.min(height - 1, Math.floor(y + shift.dy) + 2);
    for (let v = fromY; v <= toY; v += 1) {
      for (let u = fromX; u <= toX; u += 1) {
        const luma = pixels[v * width + u]!;
        if (black ? luma <= CLIPPED_LOW : luma >= CLIPPED_HIGH) return true;
      }
    }
    return false;
  }

  /** Blobs of the changed pixels that reach the minimum area, and everything FrameMotion reports about them. */
  private describe(time: number, changedCount: number): FrameMotion {
    const { width, height, size, labeller, cellCounts, cellOfX, cellOfY } = this;
    const found = labeller.label(this.changed, changedCount, this.changedAt, this.stamp, LINK_RADIUS);
    const candidates: number[] = [];
    for (let b = 0; b < found; b += 1) if (labeller.pixels[b]! >= this.minBlobPixels) candidates.push(b);
    const confirm = this.options.confirmSmallBlobs ?? true;
    const kept = candidates.filter((b) => !confirm || labeller.pixels[b]! >= this.confirmedBlobPixels || this.seenNear(b));
    this.seenBefore = this.seenBoxes;
    this.seenBoxes = candidates.flatMap((b) => [labeller.minX[b]!, labeller.minY[b]!, labeller.maxX[b]!, labeller.maxY[b]!]);
    if (kept.length === 0) return this.nothing(time, false);
    kept.sort((a, b) => labeller.pixels[b]! - labeller.pixels[a]!);

    cellCounts.fill(0);
    const zoneHits = new Uint8Array(this.zoneMasks.length);
    const blobs: Blob[] = [];
    let total = 0;
    let sumX = 0;
    let sumY = 0;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    for (const b of kept) {
      const pixels = labeller.pixels[b]!;
      const first = labeller.start[b]!;
      for (let m = first; m < first + pixels; m += 1) {
        const i = labeller.members[m]!;
        const y = (i / width) | 0;
        cellCounts[cellOfY[y]! * HEAT_GRID + cellOfX[i - y * width]!]! += 1;
        for (let z = 0; z < this.zoneMasks.length; z += 1) if (this.zoneMasks[z]!.mask[i]) zoneHits[z] = 1;
      }
      blobs.push({
        box: this.box(labeller.minX[b]!, labeller.minY[b]!, labeller.maxX[b]!, labeller.maxY[b]!),
        areaPct: (pixels / size) * 100,
        centroid: this.point(labeller.sumX[b]! / pixels, labeller.sumY[b]! / pixels),
      });
      total += pixels;
      sumX += labeller.sumX[b]!;
      sumY += labeller.sumY[b]!;
      minX = Math.min(minX, labeller.minX[b]!);
      minY = Math.min(minY, labeller.minY[b]!);
      maxX = Math.max(maxX, labeller.maxX[b]!);
      maxY = Math.max(maxY, labeller.maxY[b]!);
    }
    const heat = new Float32Array(HEAT_GRID * HEAT_GRID);
    for (let c = 0; c < heat.length; c += 1) heat[c] = this.cellArea[c]! > 0 ? cellCounts[c]! / this.cellArea[c]! : 0;
    return {
      time,
      motionPct: (total / size) * 100,
      blobs,
      box: this.box(minX, minY, maxX, maxY),
      centroid: this.point(sumX / total, sumY / total),
      heat,
      zones: this.zoneMasks.filter((_, z) => zoneHits[z] === 1).map((zone) => zone.name),
      lightswitch: false,
    };
  }

  /** Whether one of the two previous analysed frames had a blob within CONFIRM_REACH of this one. */
  private seenNear(blob: number): boolean {
    return this.nearAny(blob, this.seenBoxes) || this.nearAny(blob, this.seenBefore);
  }

  private nearAny(blob: number, boxes: readonly number[]): boolean {
    const { labeller } = this;
    const reach = CONFIRM_REACH * this.width;
    for (let k = 0; k < boxes.length; k += 4) {
      const gapX = Math.max(boxes[k]! - labeller.maxX[blob]!, labeller.minX[blob]! - boxes[k + 2]!);
      const gapY = Math.max(boxes[k + 1]! - labeller.maxY[blob]!, labeller.minY[blob]! - boxes[k + 3]!);
      if (gapX <= reach && gapY <= reach) return true;
    }
    return false;
  }

  /** A box in fractions of the frame from inclusive pixel bounds. */
  private box(minX: number, minY: number, maxX: number, maxY: number): Box {
    return { x: minX / this.width, y: minY / this.height, w: (maxX - minX + 1) / this.width, h: (maxY - minY + 1) / this.height };
  }

  /** A mean pixel position as a fraction of the frame (pixel x covers x to x + 1). */
  private point(x: number, y: number): Point {
    return { x: (x + 0.5) / this.width, y: (y + 0.5) / this.height };
  }

  /** A light switch: the frame becomes the background; the old one is kept in case this was a flash. */
  private startOverAfterSwitch(): void {
    const old = this.backgroundBeforeSwitch;
    this.backgroundBeforeSwitch = this.background;
    this.background = old;
    this.background.set(this.blurred);
    this.refreshEdgeSpread(0, 1);
    this.previous.set(this.blurred);
    this.stillFor.fill(0);
    this.switchedLastFrame = true;
  }

  /**
   * The frame after a light switch: when it matches the background from before the switch better
   * than the new one, the switch was a flash (or one bad frame) and the old background returns.
   */
  private undoSwitchIfFlash(): void {
    const againstNew = this.mismatchedShare(this.background);
    const againstOld = this.mismatchedShare(this.backgroundBeforeSwitch);
    if (againstOld < againstNew) {
      const flash = this.background;
      this.background = this.backgroundBeforeSwitch;
      this.backgroundBeforeSwitch = flash;
      this.refreshEdgeSpread(0, 1);
      this.previous.set(this.background);
    }
  }

  /** Share of the sample pixels the frame does not match in `background`, after the exposure fit. */
  private mismatchedShare(background: Float32Array): number {
    const exposure = this.fitter.fit(this.blurred, background, this.samples, this.sampleCount);
    // The camera's noise as known before the switch: the fit's own residual would excuse a background that explains nothing.
    const limit = Math.max(this.options.threshold, NOISE_FACTOR * this.noiseLevel);
    let mismatched = 0;
    for (let k = 0; k < this.sampleCount; k += 1) {
      const i = this.samples[k]!;
      if (Math.abs(exposure.gain * this.blurred[i]! + exposure.offset - background[i]!) > limit) mismatched += 1;
    }
    return this.sampleCount > 0 ? mismatched / this.sampleCount : 0;
  }

  /**
   * About TARGET_SAMPLES watched pixels on an even grid, far enough inside the frame that any
   * followed shake stays within it.
   */
  private sampleGrid(): Int32Array {
    const { width, height } = this;
    const margin = MAX_SHIFT + BORDER;
    const innerWidth = width - 2 * margin;
    const innerHeight = height - 2 * margin;
    if (innerWidth <= 0 || innerHeight <= 0) return new Int32Array(0);
    const step = Math.max(1, Math.floor(Math.sqrt((innerWidth * innerHeight) / TARGET_SAMPLES)));
    const picked: number[] = [];
    for (let y = margin, line = 0; y < height - margin; y += step, line += 1) {
      // Every other line starts half a step in: a staggered grid covers thin features better.
      for (let x = margin + (line % 2) * (step >> 1); x < width - margin; x += step) {
        const i = y * width + x;
        if (!this.ignored[i]) picked.push(i);
      }
    }
    return Int32Array.from(picked);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** The per-frame learning rate of an exponential average with time constant `tau` seconds. */
function rate(seconds: number, tau: number): number {
  return 1 - Math.exp(-seconds / tau);
}
