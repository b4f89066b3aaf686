import type { Span } from './truth.js';

/** How one clip's predicted events compare with its true ones. */
export interface ClipScore {
  truthEvents: number;
  predictedEvents: number;
  /** Pairs of a true and a predicted event (each event in at most one pair). */
  matched: number;
  /** Predictions matched to no true event. */
  falseEvents: number;
  /** |Δstart| and |Δend| of every matched pair, seconds. */
  boundaryErrors: number[];
}

/**
 * Matches predicted events to true ones, one to one, greedily by overlap: the pair that shares the
 * most time first, then the next among the events still free. A prediction can only match a true
 * event it overlaps (shares more than an instant with); two predictions for one true event leave
 * one of them false, and one prediction spanning two true events matches only one.
 */
export function scoreClip(truth: readonly Span[], predicted: readonly Span[]): ClipScore {
  const pairs: { truth: number; predicted: number; overlap: number }[] = [];
  truth.forEach((t, i) =>
    predicted.forEach((p, j) => {
      const overlap = Math.min(t.end, p.end) - Math.max(t.start, p.start);
      if (overlap > 0) pairs.push({ truth: i, predicted: j, overlap });
    }),
  );
  // Ties go to the earlier true event, then the earlier prediction (sort is stable).
  pairs.sort((a, b) => b.overlap - a.overlap);
  const usedTruth = new Set<number>();
  const usedPredicted = new Set<number>();
  const boundaryErrors: number[] = [];
  for (const pair of pairs) {
    if (usedTruth.has(pair.truth) || usedPredicted.has(pair.predicted)) continue;
    usedTruth.add(pair.truth);
    usedPredicted.add(pair.predicted);
    const t = truth[pair.truth]!;
    const p = predicted[pair.predicted]!;
    boundaryErrors.push(Math.abs(p.start - t.start), Math.abs(p.end - t.end));
  }
  return {
    truthEvents: truth.length,
    predictedEvents: predicted.length,
    matched: usedTruth.size,
    falseEvents: predicted.length - usedPredicted.size,
    boundaryErrors,
  };
}

export interface Summary {
  clips: number;
  truthEvents: number;
  predictedEvents: number;
  matched: number;
  /** Matched true events / true events (1 when there are none). */
  recall: number;
  /** Matched predictions / predictions (1 when there are none). */
  precision: number;
  /** Unmatched predictions on clips with objects. */
  falseEventsWithObjects: number;
  /** Predictions on clips where nothing moves: all of them are false. */
  falseEventsWithoutObjects: number;
  /** Median of all start and end errors of matched pairs, seconds (0 when nothing matched). */
  medianBoundaryError: number;
}

export function summarise(scores: readonly ClipScore[]): Summary {
  const total = (pick: (score: ClipScore) => number) => scores.reduce((sum, score) => sum + pick(score), 0);
  const truthEvents = total((s) => s.truthEvents);
  const predictedEvents = total((s) => s.predictedEvents);
  const matched = total((s) => s.matched);
  return {
    clips: scores.length,
    truthEvents,
    predictedEvents,
    matched,
    recall: truthEvents === 0 ? 1 : matched / truthEvents,
    precision: predictedEvents === 0 ? 1 : matched / predictedEvents,
    falseEventsWithObjects: total((s) => (s.truthEvents > 0 ? s.falseEvents : 0)),
    falseEventsWithoutObjects: total((s) => (s.truthEvents === 0 ? s.falseEvents : 0)),
    medianBoundaryError: median(scores.flatMap((s) => s.boundaryErrors)),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What the motion segmentation must reach on the rendered clips (the quality goals). */
export const goals = { minRecall: 0.95, minPrecision: 0.95, maxFalseEventsWithoutObjects: 0, maxMedianBoundaryError: 0.5 } as const;

/** The goals `summary` misses, in words; empty when it meets them all. */
export function missedGoals(summary: Summary): string[] {
  const missed: string[] = [];
  if (summary.recall < goals.minRecall) missed.push(`recall ${summary.recall.toFixed(3)} < ${goals.minRecall}`);
  if (summary.precision < goals.minPrecision) missed.push(`precision ${summary.precision.toFixed(3)} < ${goals.minPrecision}`);
  if (summary.falseEventsWithoutObjects > goals.maxFalseEventsWithoutObjects) missed.push(`${summary.falseEventsWithoutObjects} false events on clips without objects`);
  if (summary.medianBoundaryError > goals.maxMedianBoundaryError) missed.push(`median boundary error ${summary.medianBoundaryError.toFixed(2)} s > ${goals.maxMedianBoundaryError} s`);
  return missed;
}
