/**
 * The keyframe-first plan of `segment --fast`: decode only the keyframes, see where they show
 * motion or where the video's bitrate jumps, and decode fully only those stretches (with a lead-in
 * for the detector to learn the scene). Calm stretches between two calm keyframes are skipped.
 */

/** A group of pictures: from a keyframe to the next; the last one runs to the end of the media (end null). */
export interface Gop {
  start: number;
  end: number | null;
  /**
   * Mean size of the larger half of its packets after the keyframe, bytes; null when the keyframe
   * stands alone. The larger half: an object crossing in a second shows in a two-second group
   * without being averaged away by the calm frames around it.
   */
  deltaBytes: number | null;
}

/** Seconds of the media to decode fully; `to` null runs to the end. */
export interface DecodeRange {
  from: number;
  to: number | null;
}

export interface FastPlanOptions {
  /** Seconds decoded before each busy stretch, so the detector knows the scene when it starts. */
  leadSeconds: number;
  /** A group whose packets after the keyframe are this many times the median group's is busy. */
  sizeFactor: number;
  /** When the busy stretches cover this share of the media or more, decoding it all is simpler and no slower. */
  wholeShare: number;
}

export const defaultFastPlanOptions: FastPlanOptions = { leadSeconds: 3, sizeFactor: 1.5, wholeShare: 0.8 };

/** Keyframes this close (seconds) to a group's edge are that edge: the two listings round differently. */
const SAME_TIME = 0.01;
/** Groups shorter than this (seconds, median) make keyframe-first pointless: the keyframe pass would decode nearly everything. */
const MIN_MEDIAN_GOP_SECONDS = 0.5;

/** Builds the groups from packets in storage order; packets before the first keyframe cannot be decoded alone and are left out. */
export class GopCollector {
  private readonly gops: Gop[] = [];
  private open: { start: number; sizes: number[] } | null = null;

  add(time: number, size: number, key: boolean): void {
    if (key) {
      this.close(time);
      this.open = { start: time, sizes: [] };
    } else if (this.open) {
      this.open.sizes.push(size);
    }
  }

  finish(): Gop[] {
    this.close(null);
    return this.gops;
  }

  private close(end: number | null): void {
    const open = this.open;
    if (!open) return;
    // Storage order is decode order: a keyframe stored after B-frames shown before it is still later.
    if (end !== null && end <= open.start) end = null;
    this.gops.push({ start: open.start, end, deltaBytes: largerHalfMean(open.sizes) });
    this.open = null;
  }
}

/** Whether keyframe-first can save anything on this video: it has groups, and they are not tiny. */
export function keyframeFirstPays(gops: readonly Gop[]): boolean {
  const lengths = gops.filter((g) => g.end !== null).map((g) => g.end! - g.start);
  return lengths.length >= 2 && median(lengths) >= MIN_MEDIAN_GOP_SECONDS;
}

/**
 * The stretches to decode fully. A group is busy when a keyframe at either of its ends showed
 * motion (`hotTimes`: keyframe times where the keyframe detector saw motion or a light switch) or
 * when its packets are `sizeFactor` times the median group's (something moved between two calm
 * keyframes and cost the encoder bits). Each busy group is decoded from the last keyframe at least
 * `leadSeconds` before it; overlapping stretches merge. `duration` (null when unknown) decides
 * whether the stretches cover so much that the whole media is simpler.
 */
export function planFullDecode(gops: readonly Gop[], hotTimes: readonly number[], duration: number | null, options: FastPlanOptions = defaultFastPlanOptions): DecodeRange[] {
  const whole: DecodeRange[] = [{ from: 0, to: null }];
  if (gops.length === 0) return whole;
  const sizes = gops.map((g) => g.deltaBytes).filter((b): b is number => b !== null);
  const typical = sizes.length > 0 ? median(sizes) : null;
  const hot = [...hotTimes].sort((a, b) => a - b);
  const hotWithin = (from: number, to: number | null) => hot.some((t) => t >= from - SAME_TIME && (to === null || t <= to + SAME_TIME));
  const ranges: DecodeRange[] = [];
  gops.forEach((gop, index) => {
    const bitrateJump = typical !== null && gop.deltaBytes !== null && gop.deltaBytes > options.sizeFactor * typical;
    if (!bitrateJump && !hotWithin(gop.start, gop.end)) return;
    let lead = index;
    while (lead > 0 && gop.start - gops[lead]!.start < options.leadSeconds) lead -= 1;
    const from = lead === 0 ? 0 : gops[lead]!.start;
    const last = ranges.at(-1);
    if (last && (last.to === null || from <= last.to + SAME_TIME)) last.to = gop.end;
    else ranges.push({ from, to: gop.end });
  });
  const end = duration ?? gops.at(-1)!.end;
  if (end !== null && end > 0) {
    const covered = ranges.reduce((sum, r) => sum + ((r.to ?? end) - r.from), 0);
    if (covered >= options.wholeShare * end) return whole;
  }
  return ranges;
}

function largerHalfMean(sizes: number[]): number | null {
  if (sizes.length === 0) return null;
  const larger = sizes.sort((a, b) => b - a).slice(0, Math.ceil(sizes.length / 2));
  return larger.reduce((sum, size) => sum + size, 0) / larger.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
