import type { MotionEvent } from './motion-types.js';

/** How far from the motion a calm frame is looked for: far enough for the object to be elsewhere. */
const CALM_OFFSET = 1;
/** Nearer to the motion than this, the object is probably still in view. */
const MIN_OFFSET = 0.3;

/**
 * Times at which to take the calm frame an event's colours are measured against, best first: a
 * second before its motion started (the scene as it was, the usual case), else a second after it
 * ended (an object present from the first frame), kept inside the media when its duration is known.
 * Empty when neither exists; the colours then come from the middle of the box alone.
 */
export function calmReferenceTimes(event: Pick<MotionEvent, 'motionStart' | 'motionEnd'>, duration: number | null): number[] {
  const times: number[] = [];
  if (event.motionStart >= MIN_OFFSET) times.push(Math.max(0, event.motionStart - CALM_OFFSET));
  // The last frame starts a little before the duration ends.
  const after = duration === null ? event.motionEnd + CALM_OFFSET : Math.min(event.motionEnd + CALM_OFFSET, duration - 0.2);
  if (after >= event.motionEnd + MIN_OFFSET) times.push(after);
  return times;
}
