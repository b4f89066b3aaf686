import type { Blob, Box, ObjectTrack } from './motion-types.js';

export interface TrackerOptions {
  /** Seconds an object may go unseen (hidden, or too still to show) and keep its track. */
  maxGap: number;
  /** Analysed frames a track must be seen in; fewer is noise (a glint, a fragment for a frame). */
  minFrames: number;
  /** The largest blob of a track must reach this, % of the frame; smaller tracks are noise. */
  minAreaPct: number;
  /** A track keeps at most one box per this many seconds… */
  boxSpacing: number;
  /** …and at most this many (plus its last): when full, every other one is dropped and the spacing doubles. */
  maxBoxes: number;
}

/**
 * Defaults for the analysis rate of 5 fps: an object unseen for up to 1 s (5 analysed frames) keeps
 * its track; a track must be seen in 3 frames and reach 0.1 % of the frame (about 60 pixels at
 * 320×180, a person 5 pixels wide: on real footage smaller tracks were fragments of walkers and
 * flicker); every analysed frame's box up to 5 a second, and at most 100 boxes a track, so a
 * track an hour long stays a few kilobytes.
 */
export const defaultTrackerOptions: TrackerOptions = { maxGap: 1, minFrames: 3, minAreaPct: 0.1, boxSpacing: 0.2, maxBoxes: 100 };

/** The tracker's options at an analysis rate: a gap is never shorter than two analysed frames. */
export function trackerOptionsFor(fps: number): TrackerOptions {
  return { ...defaultTrackerOptions, maxGap: Math.max(defaultTrackerOptions.maxGap, 2 / fps) };
}

/** Two frame times closer than this (seconds) are one time: timestamps are rounded. */
const TIME_EPSILON = 1e-6;
/** A blob this much larger or smaller than the track's last one is a merge or a split: it says nothing of the object's speed. */
const SIZE_JUMP = 1.5;
/**
 * A blob this much larger or smaller than the track's last one is not its object: a walker who
 * stops must not hand his track to a flickering leaf inside his box.
 */
const SIZE_MISMATCH = 4;
/** Weight of the newest measurement in the velocity (an exponential average: walking jitters). */
const VELOCITY_WEIGHT = 0.5;

interface TimedBox {
  time: number;
  box: Box;
}

interface LiveTrack {
  /** Order of creation: the older of two tracks has the lower number. */
  serial: number;
  firstTime: number;
  lastTime: number;
  /** The box and area of the last sighting. */
  box: Box;
  areaPct: number;
  /** Velocity of the box's centre, frame fractions per second; null before a second sighting. */
  vx: number | null;
  vy: number;
  frames: number;
  peakAreaPct: number;
  /** Boxes kept so far (see keep()), and the last sighting, which always ends them. */
  boxes: TimedBox[];
  latest: TimedBox;
  spacing: number;
}

/**
 * Follows the moving blobs of one event from frame to frame, as objects. Each frame, every live
 * track's box is moved on by its velocity to where the object should be now, and tracks and blobs
 * are paired greedily, best pair first: pairs whose boxes overlap ranked by IoU (intersection over
 * union), then pairs whose centres are within the larger box's diagonal, nearest first; ties go to
 * the older track. A blob over 4 times larger or smaller than the track's last one is never its object.
 *
 * - A blob that splits: the part that overlaps the track best continues it, the others start new tracks.
 * - Blobs that merge: the track that overlaps the merged blob best (the larger, or else the older)
 *   continues; the other goes unseen and ends when the merge outlasts `maxGap` (if they part again
 *   sooner, it takes up its object again, found by its own velocity). A merge or split does not
 *   change a track's velocity: the box's jump is not the object's motion.
 * - A track unseen for more than `maxGap` seconds ends; one seen in fewer than `minFrames` frames,
 *   or never as large as `minAreaPct`, is noise and dropped.
 *
 * Tracks are numbered 1, 2, … in order of their first sighting when the event ends.
 */
export class ObjectTracker {
  private live: LiveTrack[] = [];
  private readonly ended: LiveTrack[] = [];
  private serials = 0;

  constructor(private readonly options: TrackerOptions = defaultTrackerOptions) {}

  /** Feeds the blobs of one analysed frame (frames in time order). */
  push(time: number, blobs: readonly Blob[]): void {
    this.retire(time);
    const pairs: { affinity: number; track: LiveTrack; blob: number }[] = [];
    for (const track of this.live) {
      // Where the track's box should be now, moved on by its velocity.
      const dt = time - track.lastTime;
      const { w, h } = track.box;
      const x = track.vx === null ? track.box.x : track.box.x + track.vx * dt;
      const y = track.vx === null ? track.box.y : track.box.y + track.vy * dt;
      for (let b = 0; b < blobs.length; b += 1) {
        const ratio = blobs[b]!.areaPct / track.areaPct;
        if (ratio > SIZE_MISMATCH || ratio < 1 / SIZE_MISMATCH) continue;
        const affinity = boxAffinity(x, y, w, h, blobs[b]!.box);
        if (affinity > 0) pairs.push({ affinity, track, blob: b });
      }
    }
    pairs.sort((p, q) => q.affinity - p.affinity || p.track.serial - q.track.serial || p.blob - q.blob);
    const taken = new Set<LiveTrack>();
    const used = new Uint8Array(blobs.length);
    for (const { track, blob } of pairs) {
      if (taken.has(track) || used[blob]) continue;
      taken.add(track);
      used[blob] = 1;
      this.extend(track, time, blobs[blob]!);
    }
    for (let b = 0; b < blobs.length; b += 1) if (!used[b]) this.start(time, blobs[b]!);
  }

  /** The event's objects: tracks that are not noise, numbered in order of their first sighting. */
  finish(): ObjectTrack[] {
    for (const track of this.live) this.end(track);
    this.live = [];
    const kept = [...this.ended].sort((a, b) => a.firstTime - b.firstTime || a.serial - b.serial);
    return kept.map((track, k) => ({ id: k + 1, start: track.firstTime, end: track.lastTime, boxes: track.boxes }));
  }

  /** Ends the tracks unseen for longer than the gap: nothing can take them up again. */
  private retire(time: number): void {
    const gone = this.live.filter((track) => time - track.lastTime > this.options.maxGap + TIME_EPSILON);
    if (gone.length === 0) return;
    for (const track of gone) this.end(track);
    this.live = this.live.filter((track) => !gone.includes(track));
  }

  private end(track: LiveTrack): void {
    if (track.frames < this.options.minFrames || track.peakAreaPct < this.options.minAreaPct) return;
    if (track.boxes.at(-1) !== track.latest) track.boxes.push(track.latest);
    this.ended.push(track);
  }

  private start(time: number, blob: Blob): void {
    this.serials += 1;
    const sighting = { time, box: blob.box };
    this.live.push({
      serial: this.serials,
      firstTime: time,
      lastTime: time,
      box: blob.box,
      areaPct: blob.areaPct,
      vx: null,
      vy: 0,
      frames: 1,
      peakAreaPct: blob.areaPct,
      boxes: [sighting],
      latest: sighting,
      spacing: this.options.boxSpacing,
    });
  }

  private extend(track: LiveTrack, time: number, blob: Blob): void {
    const dt = time - track.lastTime;
    const ratio = blob.areaPct / Math.max(track.areaPct, Number.MIN_VALUE);
    if (dt > TIME_EPSILON && ratio <= SIZE_JUMP && ratio >= 1 / SIZE_JUMP) {
      const vx = (centreX(blob.box) - centreX(track.box)) / dt;
      const vy = (centreY(blob.box) - centreY(track.box)) / dt;
      track.vy = track.vx === null ? vy : VELOCITY_WEIGHT * vy + (1 - VELOCITY_WEIGHT) * track.vy;
      track.vx = track.vx === null ? vx : VELOCITY_WEIGHT * vx + (1 - VELOCITY_WEIGHT) * track.vx;
    }
    track.lastTime = time;
    track.box = blob.box;
    track.areaPct = blob.areaPct;
    track.frames += 1;
    track.peakAreaPct = Math.max(track.peakAreaPct, blob.areaPct);
    this.keep(track, { time, box: blob.box });
  }

  /**
   * Keeps a sighting's box when the spacing since the last kept one has passed; when the track
   * holds `maxBoxes`, every other one goes and the spacing doubles, so a long track stays evenly
   * sampled in bounded memory. The last sighting is always kept apart and ends the track's boxes.
   */
  private keep(track: LiveTrack, sighting: TimedBox): void {
    track.latest = sighting;
    const kept = track.boxes.at(-1)!;
    if (sighting.time - kept.time < track.spacing - TIME_EPSILON) return;
    track.boxes.push(sighting);
    if (track.boxes.length >= this.options.maxBoxes) {
      track.boxes = track.boxes.filter((_, k) => k % 2 === 0);
      track.spacing *= 2;
    }
  }
}

/**
 * How well a track's predicted box and a blob's box belong together, 0 when they do not: 1 + IoU
 * when they overlap; else, when the centres are closer than the larger box's diagonal, 1 − their
 * distance over that diagonal (below any overlap).
 */
export function pairAffinity(predicted: Box, box: Box): number {
  return boxAffinity(predicted.x, predicted.y, predicted.w, predicted.h, box);
}

/** pairAffinity on the predicted box's numbers: called for every track and blob, it allocates nothing. */
function boxAffinity(x: number, y: number, w: number, h: number, box: Box): number {
  const overlap = boxIou(x, y, w, h, box);
  if (overlap > 0) return 1 + overlap;
  const reach2 = Math.max(w * w + h * h, box.w * box.w + box.h * box.h);
  const dx = x + w / 2 - centreX(box);
  const dy = y + h / 2 - centreY(box);
  const distance2 = dx * dx + dy * dy;
  return distance2 < reach2 ? 1 - Math.sqrt(distance2 / reach2) : 0;
}

/** Intersection over union of two boxes, 0–1. */
export function iou(a: Box, b: Box): number {
  return boxIou(a.x, a.y, a.w, a.h, b);
}

function boxIou(x: number, y: number, w: number, h: number, box: Box): number {
  const overlapW = Math.min(x + w, box.x + box.w) - Math.max(x, box.x);
  const overlapH = Math.min(y + h, box.y + box.h) - Math.max(y, box.y);
  if (overlapW <= 0 || overlapH <= 0) return 0;
  const inter = overlapW * overlapH;
  return inter / (w * h + box.w * box.h - inter);
}

const centreX = (box: Box) => box.x + box.w / 2;
const centreY = (box: Box) => box.y + box.h / 2;
