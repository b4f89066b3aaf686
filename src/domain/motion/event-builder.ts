import type { Box, EventOptions, FrameMotion, MotionEvent, Point } from './motion-types.js';
import { defaultTrackerOptions, ObjectTracker, type TrackerOptions } from './object-tracker.js';

/**
 * Defaults for fixed cameras at the analysis rate of 5 fps (the CLI's documented defaults).
 *
 * - eventGap 5 s: motion less than 5 s after the last motion continues the event. NVRs use
 *   5–10 s; 5 s keeps two visits a few seconds apart as two events, yet a person who pauses or is
 *   hidden for a moment stays one event.
 * - minMotionFrames 2: at 5 fps, two analysed frames with motion (the detector already demands
 *   that a small blob shows up in consecutive frames); one frame alone is a glitch.
 * - maxEventLength 300 s: a scene that never calms down (a busy street) is cut into 5-minute
 *   events, so each stays reviewable and its clip small.
 * - preCapture 1 s, postCapture 1 s: a second of context before and after, clamped to the media.
 */
export const defaultEventOptions: EventOptions = {
  eventGap: 5,
  minMotionFrames: 2,
  maxEventLength: 300,
  preCapture: 1,
  postCapture: 1,
};

/** At most this many samples in an event's box track and trajectory. */
const TRACK_SAMPLES = 20;
/**
 * Samples kept per event for the track and the direction: when full, every other one is dropped
 * and only every second frame kept from then on, so a long event stays evenly sampled in flat memory.
 */
const KEPT_SAMPLES = 256;
/** Less net travel than this (fraction of the frame width) has no direction. */
const MIN_TRAVEL = 0.02;
const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;
/** Two frame times closer than this (seconds) are one time: timestamps are rounded. */
const TIME_EPSILON = 1e-6;
/** Score: seconds of motion and % of the frame at which those parts reach 63 % of their weight. */
const SCORE_SECONDS = 3;
const SCORE_AREA_PCT = 0.5;

interface Sample {
  time: number;
  box: Box;
  point: Point;
}

interface OpenEvent {
  firstTime: number;
  lastTime: number;
  /** Frames with (new) motion. */
  motionFrames: number;
  /** Frames seen from the first motion on, and how many of them up to the last motion. */
  framesSeen: number;
  framesToLastMotion: number;
  motionSum: number;
  peakPct: number;
  peakTime: number;
  peakBox: Box;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  samples: Sample[];
  /** The last frame with motion, which the stride may have skipped. */
  lastSample: Sample | null;
  /** Keep one frame with motion in this many. */
  sampleStride: number;
  heatCounts: Uint32Array;
  zones: Set<string>;
  /** Its moving blobs, followed as objects. */
  objects: ObjectTracker;
  /** The event continues one that was split at maxEventLength: it is kept however short. */
  continuation: boolean;
}

/**
 * Turns the detector's frames into events as they stream. A frame with motion (motionPct > 0 and
 * not a light switch) opens an event or extends the open one; an event ends when `eventGap`
 * seconds pass without motion, and is returned by the push that sees this, so a long video never
 * holds more than one open event.
 *
 * - Events with fewer than `minMotionFrames` frames with motion are dropped. A frame the detector
 *   marks as `repeated` (the same picture again) extends an event but is no new evidence: it is not
 *   counted.
 * - An event whose motion would last longer than `maxEventLength` seconds is split there; the
 *   pieces after a split are kept however short.
 * - start/end are the first/last frame with motion minus preCapture/plus postCapture, clamped to
 *   [0, duration] (a duration that is too short, from a damaged header, never cuts motion off).
 * - Each event's moving blobs are followed from frame to frame as objects (object-tracker.ts).
 * - Events are joined by the gap rule only: two events whose pre/post capture overlap or touch stay
 *   two events (so the events found do not depend on the capture settings).
 */
export class EventBuilder {
  private open: OpenEvent | null = null;
  private splitPending = false;

  constructor(
    private readonly options: EventOptions = defaultEventOptions,
    /** Media duration in seconds, to clamp post-capture; null when unknown. */
    private readonly mediaDuration: number | null = null,
    /**
     * The analysed frame's height / width: directions and speeds are measured in frame widths,
     * with heights converted by it. Defaults to 16:9.
     */
    private readonly frameAspect = 9 / 16,
    private readonly trackerOptions: TrackerOptions = defaultTrackerOptions,
  ) {}

  /** Feeds one frame; returns the events that became final with it (usually none). */
  push(motion: FrameMotion): MotionEvent[] {
    const done: MotionEvent[] = [];
    const moved = motion.motionPct > 0 && !motion.lightswitch && motion.box !== null && motion.centroid !== null;
    const open = this.open;
    if (open && motion.time - open.lastTime > this.options.eventGap + TIME_EPSILON) {
      this.emit(done);
    } else if (open && moved && motion.time - open.firstTime > this.options.maxEventLength - TIME_EPSILON) {
      this.emit(done);
      this.splitPending = true;
    }
    if (this.open) this.open.framesSeen += 1;
    if (moved) this.add(motion);
    return done;
  }

  /** Closes the open event at the end of the media. */
  finish(): MotionEvent[] {
    const done: MotionEvent[] = [];
    this.emit(done);
    return done;
  }

  private emit(done: MotionEvent[]): void {
    const event = this.open;
    this.open = null;
    this.splitPending = false;
    if (!event) return;
    if (event.motionFrames < this.options.minMotionFrames && !event.continuation) return;
    done.push(this.describe(event));
  }

  private add(motion: FrameMotion): void {
    const box = motion.box!;
    let event = this.open;
    if (!event) {
      event = {
        firstTime: motion.time,
        lastTime: motion.time,
        motionFrames: 0,
        framesSeen: 1,
        framesToLastMotion: 1,
        motionSum: 0,
        peakPct: -1,
        peakTime: motion.time,
        peakBox: box,
        minX: 1,
        minY: 1,
        maxX: 0,
        maxY: 0,
        samples: [],
        lastSample: null,
        sampleStride: 1,
        heatCounts: new Uint32Array(motion.heat.length),
        zones: new Set(),
        objects: new ObjectTracker(this.trackerOptions),
        continuation: this.splitPending,
      };
      this.open = event;
      this.splitPending = false;
    }
    event.lastTime = motion.time;
    event.framesToLastMotion = event.framesSeen;
    if (motion.repeated) return;
    event.motionFrames += 1;
    event.motionSum += motion.motionPct;
    if (motion.motionPct > event.peakPct) {
      event.peakPct = motion.motionPct;
      event.peakTime = motion.time;
      event.peakBox = box;
    }
    event.minX = Math.min(event.minX, box.x);
    event.minY = Math.min(event.minY, box.y);
    event.maxX = Math.max(event.maxX, box.x + box.w);
    event.maxY = Math.max(event.maxY, box.y + box.h);
    const sample = { time: motion.time, box, point: motion.centroid! };
    event.lastSample = sample;
    if ((event.motionFrames - 1) % event.sampleStride === 0) {
      event.samples.push(sample);
      if (event.samples.length >= KEPT_SAMPLES) {
        event.samples = event.samples.filter((_, k) => k % 2 === 0);
        event.sampleStride *= 2;
      }
    }
    for (let c = 0; c < motion.heat.length && c < event.heatCounts.length; c += 1) if (motion.heat[c]! > 0) event.heatCounts[c]! += 1;
    for (const zone of motion.zones) event.zones.add(zone);
    event.objects.push(motion.time, motion.blobs);
  }

  private describe(event: OpenEvent): MotionEvent {
    const { preCapture, postCapture } = this.options;
    const duration = this.mediaDuration !== null && Number.isFinite(this.mediaDuration) && this.mediaDuration > 0 ? this.mediaDuration : Infinity;
    const start = Math.min(event.firstTime, Math.max(0, event.firstTime - preCapture));
    const end = Math.max(event.lastTime, Math.min(duration, event.lastTime + postCapture));
    // The last frame with motion always ends the track, even when the stride skipped it.
    const samples = event.lastSample && event.samples.at(-1) !== event.lastSample ? [...event.samples, event.lastSample] : event.samples;
    const travel = this.travel(samples);
    const distance = Math.hypot(travel.dx, travel.dy);
    const directionDeg = distance >= MIN_TRAVEL ? (((Math.atan2(travel.dx, -travel.dy) * 180) / Math.PI) % 360 + 360) % 360 : null;
    const track = spread(samples, TRACK_SAMPLES);
    const frames = Math.max(1, event.motionFrames);
    return {
      start,
      end,
      motionStart: event.firstTime,
      motionEnd: event.lastTime,
      motionFrames: event.motionFrames,
      peakMotionPct: Math.max(0, event.peakPct),
      meanMotionPct: event.motionSum / frames,
      box: { x: event.minX, y: event.minY, w: Math.max(0, event.maxX - event.minX), h: Math.max(0, event.maxY - event.minY) },
      boxTrack: track.map((s) => ({ time: s.time, box: s.box })),
      trajectory: track.map((s) => ({ time: s.time, point: s.point })),
      directionDeg,
      direction: directionDeg === null ? null : COMPASS[Math.round(directionDeg / 45) % 8]!,
      speed: travel.seconds > 0 ? distance / travel.seconds : 0,
      heatmap: Array.from(event.heatCounts, (count) => count / frames),
      zones: [...event.zones].sort(),
      score: this.score(event),
      peakTime: event.peakTime,
      peakBox: event.peakBox,
      objects: event.objects.finish(),
    };
  }

  /**
   * Net displacement of the centroid, in frame widths (heights converted by the aspect ratio),
   * from the mean of the first third of the samples to the mean of the last third, and the seconds
   * between those means: one jumpy frame at either end cannot swing it.
   */
  private travel(samples: Sample[]): { dx: number; dy: number; seconds: number } {
    if (samples.length < 2) return { dx: 0, dy: 0, seconds: 0 };
    const third = Math.max(1, Math.floor(samples.length / 3));
    const from = mean(samples.slice(0, third));
    const to = mean(samples.slice(samples.length - third));
    return { dx: to.x - from.x, dy: (to.y - from.y) * this.frameAspect, seconds: to.time - from.time };
  }

  /**
   * 0–1, rounded to 3 decimals: 0.4 × persistence (the share of the frames between the first and
   * the last motion that had motion) + 0.3 × duration (1 − e^(−seconds of motion / 3)) + 0.3 ×
   * size (1 − e^(−peak % of the frame / 0.5)). Longer, larger and steadier motion scores higher;
   * a two-frame flicker of a few pixels scores low.
   */
  private score(event: OpenEvent): number {
    const persistence = Math.min(1, event.motionFrames / Math.max(1, event.framesToLastMotion));
    const length = 1 - Math.exp(-(event.lastTime - event.firstTime) / SCORE_SECONDS);
    const size = 1 - Math.exp(-Math.max(0, event.peakPct) / SCORE_AREA_PCT);
    return Math.round((0.4 * persistence + 0.3 * length + 0.3 * size) * 1000) / 1000;
  }
}

function mean(samples: Sample[]): { x: number; y: number; time: number } {
  let x = 0;
  let y = 0;
  let time = 0;
  for (const s of samples) {
    x += s.point.x;
    y += s.point.y;
    time += s.time;
  }
  return { x: x / samples.length, y: y / samples.length, time: time / samples.length };
}

/** At most `count` items, evenly spread, always keeping the first and the last. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, k) => items[Math.round((k * (items.length - 1)) / (count - 1))]!);
}
