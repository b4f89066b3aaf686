// Where frames sit on the labeling tool's time line, and which frame a position on it means. Pure.
import type { Track } from './tracks.js';

/** The left edge of frame k on a time line of `count` frames, as a fraction of its width (frame k owns [k, k+1) / count). */
export function frameOffset(frame: number, count: number): number {
  return count <= 0 ? 0 : frame / count;
}

/** The frame under a point `x` pixels into a time line `width` pixels wide, within 0…count-1. */
export function frameAtPosition(x: number, width: number, count: number): number {
  if (count <= 0 || width <= 0) return 0;
  return Math.min(count - 1, Math.max(0, Math.floor((x / width) * count)));
}

/** The frames where the track shows a box: from a key to the next outside key (or the asset's last frame). */
export function visibleSpans(track: Track, count: number): { from: number; to: number }[] {
  const spans: { from: number; to: number }[] = [];
  let from: number | null = null;
  for (const key of track.keys) {
    if (key.outside && from !== null) {
      spans.push({ from, to: key.frame - 1 });
      from = null;
    } else if (!key.outside && from === null) from = key.frame;
  }
  if (from !== null && count > 0) spans.push({ from, to: count - 1 });
  return spans;
}

/** The frame `step` away, kept within the asset. */
export function stepFrame(frame: number, step: number, count: number): number {
  return Math.min(Math.max(0, count - 1), Math.max(0, frame + step));
}
