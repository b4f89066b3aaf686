import type { KeyFrame, KeyValue, Point, ShapeTool, TrackFrame, TrackHeader } from './label-model.js';

/**
 * The frames between two key frames, derived the way CVAT and Kili do it:
 * - rectangles: corner-wise linear when both keys are upright; a rotated rectangle moves its centre,
 *   width and height linearly and turns by the shortest arc (measured in pixels, so `aspect`, the
 *   frame's width ÷ height, matters);
 * - markers (one point): linear;
 * - polygons, polylines, semantic shapes, classification and transcription answers: the previous
 *   key holds (there is no faithful way to morph one polygon into another);
 * - nothing is shown from an `outside` key until the next key; between a shown key and an outside key
 *   the shown key holds.
 * Categories and child answers always hold from the previous key.
 */

/**
 * Derived coordinates are rounded to 12 decimals (a millionth of a pixel on an 8K frame), so the
 * halfway point of 0.2 and 0.4 reads back as the 0.3 a labeling tool wrote, not 0.30000000000000004.
 */
const tidy = (v: number): number => Math.round(v * 1e12) / 1e12;
const lerp = (a: number, b: number, t: number): number => tidy(a * (1 - t) + b * t);

/** The value `t` (0–1) of the way from key `a` to key `b` of a track drawn with `tool`. */
export function interpolateValue(tool: ShapeTool | null, a: KeyValue, b: KeyValue, t: number, aspect = 1): KeyValue {
  const from = a.points;
  const to = b.points;
  if (!from || !to || from.length !== to.length) return a;
  if (tool === 'marker') return { ...a, points: from.map((p, i) => ({ x: lerp(p.x, to[i]!.x, t), y: lerp(p.y, to[i]!.y, t) })) };
  if (tool !== 'rectangle' || from.length !== 4) return a;
  if (isUpright(from) && isUpright(to)) return { ...a, points: from.map((p, i) => ({ x: lerp(p.x, to[i]!.x, t), y: lerp(p.y, to[i]!.y, t) })) };
  const ra = toRotated(from, aspect);
  const rb = toRotated(to, aspect);
  let turn = rb.angle - ra.angle;
  turn = Math.atan2(Math.sin(turn), Math.cos(turn));
  return {
    ...a,
    points: fromRotated({
      cx: lerp(ra.cx, rb.cx, t),
      cy: lerp(ra.cy, rb.cy, t),
      width: lerp(ra.width, rb.width, t),
      height: lerp(ra.height, rb.height, t),
      angle: ra.angle + turn * t,
    }, aspect),
  };
}

/** Kili's rectangle order (bottom-left, top-left, top-right, bottom-right) with sides on the axes. */
function isUpright(p: readonly Point[]): boolean {
  return p[0]!.x === p[1]!.x && p[2]!.x === p[3]!.x && p[1]!.y === p[2]!.y && p[0]!.y === p[3]!.y;
}

interface Rotated { cx: number; cy: number; width: number; height: number; angle: number }

/** Centre, size and angle (radians, of the bottom edge) in pixel units of the frame's height. */
function toRotated(p: readonly Point[], aspect: number): Rotated {
  const [bl, tl, , br] = p.map((q) => ({ x: q.x * aspect, y: q.y })) as [Point, Point, Point, Point];
  const cx = p.reduce((s, q) => s + q.x * aspect, 0) / 4;
  const cy = p.reduce((s, q) => s + q.y, 0) / 4;
  return {
    cx,
    cy,
    width: Math.hypot(br.x - bl.x, br.y - bl.y),
    height: Math.hypot(tl.x - bl.x, tl.y - bl.y),
    angle: Math.atan2(br.y - bl.y, br.x - bl.x),
  };
}

function fromRotated(r: Rotated, aspect: number): Point[] {
  const cos = Math.cos(r.angle);
  const sin = Math.sin(r.angle);
  // Offsets of bottom-left, top-left, top-right, bottom-right from the centre, y pointing down.
  const corners: [number, number][] = [[-1, 1], [-1, -1], [1, -1], [1, 1]];
  return corners.map(([sx, sy]) => {
    const dx = (sx * r.width) / 2;
    const dy = (sy * r.height) / 2;
    return { x: tidy((r.cx + dx * cos - dy * sin) / aspect), y: tidy(r.cy + dx * sin + dy * cos) };
  });
}

export interface StepOptions {
  /** false: key frames only (the frames between keys show nothing). */
  interpolate: boolean;
  /** The frame's width ÷ height as displayed (rotated rectangles turn in pixels). */
  aspectOf?: (frame: number) => number;
}

/**
 * Walks one track's frames in increasing order, reading its key frames as it goes, so a track of a
 * 100,000-frame asset never has all its keys in memory. `at(frame)` must be called with frames that
 * do not decrease.
 */
export class TrackStepper {
  private previous: KeyFrame | null = null;
  private next: KeyFrame | null = null;
  private started = false;
  private done = false;

  constructor(
    readonly track: TrackHeader,
    private readonly keys: AsyncIterator<KeyFrame> | Iterator<KeyFrame>,
    private readonly options: StepOptions,
  ) {}

  async at(frame: number): Promise<TrackFrame | null> {
    if (frame < this.track.firstFrame) return null;
    await this.advance(frame);
    return this.valueAt(frame);
  }

  /**
   * The same as `at(frame)` when that needs no key frame read (most frames: keys come every few
   * dozen frames), else undefined; it spares a promise per track and frame on long videos.
   */
  atIfRead(frame: number): TrackFrame | null | undefined {
    if (frame < this.track.firstFrame) return null;
    if (!this.started || (this.next !== null && this.next.frame <= frame)) return undefined;
    return this.valueAt(frame);
  }

  private valueAt(frame: number): TrackFrame | null {
    const a = this.previous;
    if (!a || a.outside) return null;
    if (a.frame === frame) return { frame, isKeyFrame: true, value: a.value };
    if (!this.options.interpolate) return null;
    const b = this.next;
    if (!b || b.outside || this.track.kind !== 'object') return { frame, isKeyFrame: false, value: a.value };
    const t = (frame - a.frame) / (b.frame - a.frame);
    return { frame, isKeyFrame: false, value: interpolateValue(this.track.tool, a.value, b.value, t, this.options.aspectOf?.(frame) ?? 1) };
  }

  /** True when nothing after `frame` can be shown: the track's last key is at or before it, outside. */
  ended(frame: number): boolean {
    return this.done && this.next === null && this.previous !== null && this.previous.outside && this.previous.frame <= frame;
  }

  /** Moves `previous` to the last key at or before `frame`, and `next` to the key after it. */
  private async advance(frame: number): Promise<void> {
    if (!this.started) {
      this.started = true;
      this.next = await this.read();
    }
    while (this.next && this.next.frame <= frame) {
      this.previous = this.next;
      this.next = await this.read();
    }
  }

  private async read(): Promise<KeyFrame | null> {
    if (this.done) return null;
    const result = await this.keys.next();
    if (result.done) {
      this.done = true;
      return null;
    }
    return result.value;
  }
}

/** Every frame a track shows, in order (a track's run through `TrackStepper`, for track-major formats). */
export async function* trackFrames(
  track: TrackHeader,
  keys: AsyncIterable<KeyFrame> | Iterable<KeyFrame>,
  frameCount: number,
  options: StepOptions,
): AsyncGenerator<TrackFrame> {
  const iterator = Symbol.asyncIterator in keys ? keys[Symbol.asyncIterator]() : keys[Symbol.iterator]();
  const stepper = new TrackStepper(track, iterator, options);
  for (let frame = Math.max(0, track.firstFrame); frame < frameCount; frame++) {
    const shown = await stepper.at(frame);
    if (shown) yield shown;
    else if (stepper.ended(frame)) return;
  }
}
