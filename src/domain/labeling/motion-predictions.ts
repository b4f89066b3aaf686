import type { JsonInterface } from './json-interface.js';
import type { KeyFrame, LabelContent, Track } from './label-model.js';

/** The model name of the predictions camtrove makes from its own motion events. */
export const MOTION_MODEL = 'camtrove-motion';

/** One moving object of an event: its boxes (normalised 0–1, on the frame as displayed) over time. */
export interface MovingObject {
  id: number;
  /** `time`: seconds from the start of the event's media, like the event's own start and end. */
  boxes: readonly { time: number; box: { x: number; y: number; w: number; h: number } }[];
}

/** Where the predictions go: the job and category each object gets. */
export interface PredictionTarget {
  job: string;
  category: string;
}

/**
 * The job and category motion predictions go to: the project's first OBJECT_DETECTION job that
 * draws rectangles, and `category` if given (it must be one of that job's), else its first
 * category. Null when the project has no such job (then no prediction is made).
 */
export function predictionTarget(jsonInterface: JsonInterface, category?: string): PredictionTarget | { problem: string } | null {
  const found = Object.entries(jsonInterface.jobs).find(([, job]) => job.mlTask === 'OBJECT_DETECTION' && !job.isChild && (job.tools ?? []).includes('rectangle'));
  if (!found) return null;
  const [name, job] = found;
  const categories = Object.keys(job.content?.categories ?? {});
  if (category !== undefined) {
    return categories.includes(category) ? { job: name, category } : { problem: `category "${category}" is not one of job ${name}'s (${categories.join(', ')})` };
  }
  return categories.length > 0 ? { job: name, category: categories[0]! } : null;
}

/**
 * One track per moving object, its boxes as key frames: a box at time t goes on the frame whose
 * presentation time covers t (the last frame starting at or before it), and the track ends
 * (`outside`) on the frame after its last box. `framePts` are the asset's frames' presentation
 * times, in the media's timeline; `origin` is the media time that event times count from.
 */
export function motionPrediction(objects: readonly MovingObject[], framePts: readonly number[], origin: number, target: PredictionTarget, midPrefix: string): LabelContent {
  const tracks: Track[] = [];
  // A frame's time is known to a millisecond or so: a box stamped a hair before a frame starts is on it.
  const tolerance = 0.001;
  for (const object of objects) {
    const keys: KeyFrame[] = [];
    for (const { time, box } of object.boxes) {
      const at = origin + time;
      if (framePts.length === 0 || at < framePts[0]! - tolerance || at > framePts.at(-1)! + frameLength(framePts)) continue;
      const frame = Math.max(0, lastAtOrBefore(framePts, at + tolerance));
      const points = rectangle(box);
      const key: KeyFrame = { frame, outside: false, value: { categories: [{ name: target.category }], points } };
      if (keys.at(-1)?.frame === frame) keys[keys.length - 1] = key;
      else keys.push(key);
    }
    if (keys.length === 0) continue;
    const last = keys.at(-1)!;
    if (last.frame + 1 < framePts.length) keys.push({ frame: last.frame + 1, outside: true, value: last.value });
    tracks.push({ job: target.job, mid: `${midPrefix}-${object.id}`, kind: 'object', tool: 'rectangle', firstFrame: keys[0]!.frame, lastFrame: keys.at(-1)!.frame, keys });
  }
  return { assetLevel: null, tracks };
}

/** Kili's rectangle order (bottom-left, top-left, top-right, bottom-right), clamped to the frame. */
function rectangle(box: { x: number; y: number; w: number; h: number }) {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const x1 = clamp(box.x);
  const y1 = clamp(box.y);
  const x2 = clamp(box.x + box.w);
  const y2 = clamp(box.y + box.h);
  return [{ x: x1, y: y2 }, { x: x1, y: y1 }, { x: x2, y: y1 }, { x: x2, y: y2 }];
}

/** The index of the last entry ≤ value (-1 when none), by binary search over sorted times. */
function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** How long the last frame lasts: the typical gap between frames. */
function frameLength(pts: readonly number[]): number {
  return pts.length > 1 ? (pts.at(-1)! - pts[0]!) / (pts.length - 1) : 0.04;
}
