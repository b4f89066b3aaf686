import type { Scenario, SceneObject } from './scenario.js';

/** A span of media time, seconds. */
export interface Span {
  start: number;
  end: number;
}

/**
 * The spans in which `object` is on screen (any part of it) and moving. A pause between two moves,
 * or a stretch outside the frame, splits them.
 */
export function movingSpans(object: SceneObject, width: number, height: number): Span[] {
  // Half the object's size in fractions of the frame: its centre is this far outside when it just touches an edge.
  const halfHeight = object.heightPct / 100 / 2;
  const halfWidth = (halfHeight * height * object.aspect) / width;
  const spans: Span[] = [];
  for (let k = 0; k + 1 < object.path.length; k += 1) {
    const a = object.path[k]!;
    const b = object.path[k + 1]!;
    if (b.t <= a.t || (a.x === b.x && a.y === b.y)) continue;
    const onScreen = intersect(
      { start: a.t, end: b.t },
      whileInside(a.x, (b.x - a.x) / (b.t - a.t), a.t, -halfWidth, 1 + halfWidth),
      whileInside(a.y, (b.y - a.y) / (b.t - a.t), a.t, -halfHeight, 1 + halfHeight),
    );
    if (!onScreen) continue;
    const last = spans.at(-1);
    if (last && last.end === onScreen.start) last.end = onScreen.end;
    else spans.push(onScreen);
  }
  return spans;
}

/** When a coordinate moving as `from + speed·(t − t0)` lies strictly between `low` and `high`. */
function whileInside(from: number, speed: number, t0: number, low: number, high: number): Span | null {
  if (speed === 0) return from > low && from < high ? { start: -Infinity, end: Infinity } : null;
  const atLow = t0 + (low - from) / speed;
  const atHigh = t0 + (high - from) / speed;
  return { start: Math.min(atLow, atHigh), end: Math.max(atLow, atHigh) };
}

function intersect(...spans: (Span | null)[]): Span | null {
  let start = -Infinity;
  let end = Infinity;
  for (const span of spans) {
    if (!span) return null;
    start = Math.max(start, span.start);
    end = Math.min(end, span.end);
  }
  return end > start ? { start, end } : null;
}

/**
 * Joins spans into events the way the evaluation (and camtrove) does: motion less than `gap`
 * seconds after the previous motion continues the same event.
 */
export function joinByGap(spans: readonly Span[], gap: number): Span[] {
  const events: Span[] = [];
  for (const span of [...spans].sort((x, y) => x.start - y.start)) {
    const open = events.at(-1);
    if (open && span.start - open.end < gap) open.end = Math.max(open.end, span.end);
    else events.push({ ...span });
  }
  return events;
}

/** The events a perfect segmenter finds in `scenario`: every object's moving spans, joined by `gap`. */
export function truthEvents(scenario: Scenario, gap: number): Span[] {
  return joinByGap(
    scenario.objects.flatMap((object) => movingSpans(object, scenario.width, scenario.height)),
    gap,
  );
}
