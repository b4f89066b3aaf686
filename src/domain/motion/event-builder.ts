import type { Box, EventOptions, FrameMotion, MotionEvent, Point } from './motion-types.js';

/** Defaults for fixed cameras (as NVRs ship them); docs/motion.md explains them. */
export const defaultEventOptions: EventOptions = {
  eventGap: 5,
  minMotionFrames: 2,
  maxEventLength: 300,
  preCapture: 1,
  postCapture: 1,
};

/** At most this many samples in an event's box track and trajectory. */
const MAX_SAMPLES = 20;
/** Less net travel than this (fraction of the frame width) has no direction. */
const MIN_TRAVEL = 0.02;
/** A heatmap cell counts as moving in a frame when this share of it moved. */
const HEAT_CELL_MIN = 0.01;
const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

interface Sample {
  time: number;
  box: Box;
  point: Point;
}

interface OpenEvent {
  first: number;
  last: number;
  frames: number;
  motionSum: number;
  peak: number;
  peakTime: number;
  peakBox: Box;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  samples: Sample[];
  heatCounts: Float32Array;
  zones: Set<string>;
}

/**
 * Turns the detector's frames into events as they stream: a frame with motion opens an event or
 * extends the open one; `eventGap` seconds without motion close it. Closed events come back from
 * `push` at once, so a long video never piles up more than one open event. Events are joined by
 * the gap rule only: two events whose pre/post capture overlap stay two events.
 */
export class EventBuilder {
  private open: OpenEvent | null = null;
  private previousTime: number | null = null;
  /** Time between analysis frames, learned from the stream (a frame stands for this long). */
  private frameStep = 0;

  constructor(
    private readonly options: EventOptions = defaultEventOptions,
    /** Media duration in seconds, to clamp post-capture; null when unknown. */
    private readonly duration: number | null = null,
    /** Frame height / width, so directions and speeds are measured in square units. */
    private readonly aspect = 9 / 16,
  ) {}

  push(motion: FrameMotion): MotionEvent[] {
    if (this.previousTime !== null && motion.time > this.previousTime) {
      const step = motion.time - this.previousTime;
      this.frameStep = this.frameStep === 0 ? step : Math.min(this.frameStep, step);
    }
    this.previousTime = motion.time;
    const done: MotionEvent[] = [];
    const moved = motion.motionPct > 0 && !motion.lightswitch && motion.box !== null && motion.centroid !== null;
    const open = this.open;
    if (open && (motion.time - open.last > this.options.eventGap || (moved && motion.time - open.first >= this.options.maxEventLength))) {
      const closed = this.close();
      if (closed) done.push(closed);
    }
    if (moved) this.add(motion);
    return done;
  }

  /** Closes the open event at the end of the media. */
  finish(): MotionEvent[] {
    const closed = this.close();
    return closed ? [closed] : [];
  }

  private add(motion: FrameMotion): void {
    const box = motion.box!;
    const event: OpenEvent = (this.open ??= {
      first: motion.time,
      last: motion.time,
      frames: 0,
      motionSum: 0,
      peak: -1,
      peakTime: motion.time,
      peakBox: box,
      minX: 1,
      minY: 1,
      maxX: 0,
      maxY: 0,
      samples: [],
      heatCounts: new Float32Array(motion.heat.length),
      zones: new Set(),
    });
    event.last = motion.time;
    event.frames += 1;
    event.motionSum += motion.motionPct;
    if (motion.motionPct > event.peak) {
      event.peak = motion.motionPct;
      event.peakTime = motion.time;
      event.peakBox = box;
    }
    event.minX = Math.min(event.minX, box.x);
    event.minY = Math.min(event.minY, box.y);
    event.maxX = Math.max(event.maxX, box.x + box.w);
    event.maxY = Math.max(event.maxY, box.y + box.h);
    event.samples.push({ time: motion.time, box, point: motion.centroid! });
    for (let c = 0; c < motion.heat.length; c += 1) if (motion.heat[c]! >= HEAT_CELL_MIN) event.heatCounts[c]! += 1;
    for (const zone of motion.zones) event.zones.add(zone);
  }

  private close(): MotionEvent | null {
    const event = this.open;
    this.open = null;
    if (!event || event.frames < this.options.minMotionFrames) return null;
    const step = this.frameStep;
    // The last frame with motion stands for the time until the next frame.
    const motionEnd = event.last + step;
    const start = Math.max(0, event.first - this.options.preCapture);
    const limit = this.duration ?? Infinity;
    const end = Math.max(start, Math.min(limit, motionEnd + this.options.postCapture));
    const travel = this.travel(event.samples);
    const span = motionEnd - event.first;
    const distance = travel ? Math.hypot(travel.dx, travel.dy) : 0;
    const directionDeg = travel && distance >= MIN_TRAVEL ? (Math.atan2(travel.dx, -travel.dy) * 180) / Math.PI : null;
    const normalisedDeg = directionDeg === null ? null : (directionDeg + 360) % 360;
    const sampled = spread(event.samples, MAX_SAMPLES);
    return {
      start,
      end,
      motionStart: event.first,
      motionEnd: Math.min(limit, motionEnd),
      motionFrames: event.frames,
      peakMotionPct: event.peak,
      meanMotionPct: event.motionSum / event.frames,
      box: { x: event.minX, y: event.minY, w: event.maxX - event.minX, h: event.maxY - event.minY },
      boxTrack: sampled.map((s) => ({ time: s.time, box: s.box })),
      trajectory: sampled.map((s) => ({ time: s.time, point: s.point })),
      directionDeg: normalisedDeg,
      direction: normalisedDeg === null ? null : COMPASS[Math.round(normalisedDeg / 45) % 8]!,
      speed: span > 0 ? distance / span : 0,
      heatmap: Array.from(event.heatCounts, (count) => count / event.frames),
      zones: [...event.zones].sort(),
      score: this.score(event, span),
      peakTime: event.peakTime,
      peakBox: event.peakBox,
    };
  }

  /**
   * Net displacement of the centroid in frame widths: from the mean of the first third of the
   * path to the mean of the last third, which one jumpy frame cannot swing.
   */
  private travel(samples: Sample[]): { dx: number; dy: number } | null {
    if (samples.length < 2) return null;
    const third = Math.max(1, Math.floor(samples.length / 3));
    const mean = (part: Sample[]) => ({
      x: part.reduce((sum, s) => sum + s.point.x, 0) / part.length,
      y: part.reduce((sum, s) => sum + s.point.y, 0) / part.length,
    });
    const from = mean(samples.slice(0, third));
    const to = mean(samples.slice(-third));
    return { dx: to.x - from.x, dy: (to.y - from.y) * this.aspect };
  }

  /**
   * 0-1: persistence (share of the span's frames that moved) weighs most, then how long it lasted
   * (saturating at a few seconds) and how large it got (saturating at 1 % of the frame).
   */
  private score(event: OpenEvent, span: number): number {
    const framesInSpan = this.frameStep > 0 ? Math.max(1, Math.round(span / this.frameStep)) : event.frames;
    const persistence = Math.min(1, event.frames / framesInSpan);
    const length = 1 - Math.exp(-span / 2);
    const size = Math.min(1, Math.sqrt(event.peak / 1));
    return Math.round((0.4 * persistence + 0.3 * length + 0.3 * size) * 1000) / 1000;
  }
}

/** At most `count` items, evenly spread, always keeping the first and the last. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, k) => items[Math.round((k * (items.length - 1)) / (count - 1))]!);
}
