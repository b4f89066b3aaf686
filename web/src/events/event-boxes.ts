// What the event view draws over the clip: each moving object's box at the moment shown.
import type { Box, EventDetail } from '../api/types.js';

type Sample = Box & { t: number };

export interface DrawnBox extends Box {
  /** Stable across moments, for React and for telling boxes apart. */
  key: string;
  /** What the box is: "object 2", or "motion" for the box of all motion. */
  label: string;
}

/** Samples are a frame apart at most a few tenths of a second: a box lingers that long past its last one. */
const LINGER_S = 0.25;

/** The box of a track at time t: between two samples, the straight line from one to the next; none outside the track. */
export function boxAt(samples: readonly Sample[], t: number): Box | null {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || t < first.t - LINGER_S || t > last.t + LINGER_S) return null;
  if (t <= first.t) return pick(first);
  if (t >= last.t) return pick(last);
  let low = 0;
  let high = samples.length - 1;
  // The last sample at or before t.
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (samples[middle]!.t <= t) low = middle;
    else high = middle;
  }
  const before = samples[low]!;
  const after = samples[high]!;
  const span = after.t - before.t;
  const k = span > 0 ? (t - before.t) / span : 0;
  const mix = (a: number, b: number) => a + (b - a) * k;
  return { x: mix(before.x, after.x), y: mix(before.y, after.y), w: mix(before.w, after.w), h: mix(before.h, after.h) };
}

/**
 * The boxes to draw at media time t: every object seen then, each on its own; an event segmented
 * before objects were tracked has only the box of all its motion (its box track).
 */
export function boxesAt(event: Pick<EventDetail, 'objects' | 'box_track'>, t: number): DrawnBox[] {
  if (event.objects.length === 0) {
    const box = boxAt(event.box_track, t);
    return box ? [{ ...box, key: 'motion', label: 'motion' }] : [];
  }
  return event.objects.flatMap((object) => {
    const box = boxAt(object.boxes, t);
    return box ? [{ ...box, key: `object-${object.id}`, label: `object ${object.id}` }] : [];
  });
}

/**
 * Where the clip's time line starts, in media seconds. A clip ends at its event's end and starts at
 * the event's start or on the keyframe up to 2 s before it (docs/motion.md), its timestamps shifted
 * by the decoder's delay when frames are reordered (so a frame may show at a clip time a little past
 * its media time); its length says where: the event's end less the clip's duration, kept within
 * that span. The clip does not record its start, so this is right to a frame or two.
 */
export function clipStart(event: Pick<EventDetail, 'start' | 'end'>, clipDuration: number): number {
  if (!Number.isFinite(clipDuration) || clipDuration <= 0) return event.start;
  return Math.min(event.start, Math.max(event.start - EARLIEST_CLIP_S, event.end - clipDuration));
}

/** A copied clip starts up to 2 s early; its timestamps may be shifted by a few reordered frames more. */
const EARLIEST_CLIP_S = 2.5;

function pick(sample: Sample): Box {
  return { x: sample.x, y: sample.y, w: sample.w, h: sample.h };
}
