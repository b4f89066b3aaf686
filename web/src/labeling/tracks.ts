// The labeling tool's object tracks: each object (Kili's `mid`) with its key frames, the shapes
// derived between them (by the server's own interpolation), and the edits on shapes. Pure: no DOM,
// no I/O. Kili's jsonResponse both ways is in json-response.ts.
import { interpolateValue } from '../../../src/domain/labeling/interpolation.js';

/** The shapes the tool draws: a job's `tools` among these. */
export type ShapeTool = 'rectangle' | 'polygon' | 'marker';
export const SHAPE_TOOLS: readonly ShapeTool[] = ['rectangle', 'polygon', 'marker'];

/** A point in normalised coordinates (0–1 from the frame's top-left corner). */
export interface Point {
  x: number;
  y: number;
}

/** A rectangle in normalised coordinates, upright. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface KeyFrame {
  frame: number;
  /**
   * The shape's points in Kili's order: a rectangle's corners bottom-left, top-left, top-right,
   * bottom-right; a polygon's vertices; a marker's one point. On an `outside` key, the shape the
   * object had when it left.
   */
  points: readonly Point[];
  /** The object left the picture here: no shape from this key until the track's next key. */
  outside?: true;
}

export interface Track {
  mid: string;
  job: string;
  tool: ShapeTool;
  category: string;
  /** Sorted by frame, one per frame. */
  keys: readonly KeyFrame[];
  /** Child jobs' answers, in Kili's shape (`{JOB: {categories: [{name}]}}`), the same on every frame. */
  children?: Readonly<Record<string, unknown>>;
}

/** A track's shape on one frame: drawn there (a key frame) or derived from the keys around it. */
export interface ShownShape {
  points: readonly Point[];
  isKeyFrame: boolean;
}

/**
 * The track's shape on `frame`: its key there, else derived between the keys before and after as
 * the server derives it (rectangles and markers move linearly, polygons hold), else the last key
 * held; nothing before the first key. `aspect` (width ÷ height) matters for rotated rectangles only.
 */
export function shapeAt(track: Track, frame: number, aspect = 1): ShownShape | null {
  let before: KeyFrame | undefined;
  let after: KeyFrame | undefined;
  for (const key of track.keys) {
    if (key.frame === frame) return key.outside ? null : { points: key.points, isKeyFrame: true };
    if (key.frame < frame) before = key;
    else {
      after = key;
      break;
    }
  }
  if (!before || before.outside) return null;
  if (!after || after.outside) return { points: before.points, isKeyFrame: false };
  const t = (frame - before.frame) / (after.frame - before.frame);
  const value = interpolateValue(track.tool, { points: [...before.points] }, { points: [...after.points] }, t, aspect);
  return { points: value.points ?? before.points, isKeyFrame: false };
}

/** The track with `points` as its key on `frame` (replacing a key there: an edit on a derived frame makes a key). */
export function withKey(track: Track, frame: number, points: readonly Point[]): Track {
  const keys = track.keys.filter((key) => key.frame !== frame);
  keys.push({ frame, points: points.map(clampPoint) });
  keys.sort((a, b) => a.frame - b.frame);
  return { ...track, keys };
}

/**
 * `O` on a frame: an outside key there is removed; a shown shape leaves here (an outside key); a
 * track hidden by an earlier outside key comes back here with the shape it left with.
 */
export function toggleOutside(track: Track, frame: number): Track {
  const here = track.keys.find((key) => key.frame === frame);
  if (here?.outside) return { ...track, keys: track.keys.filter((key) => key !== here) };
  const shown = shapeAt(track, frame);
  if (shown) return { ...track, keys: [...track.keys.filter((key) => key.frame !== frame), { frame, points: shown.points, outside: true as const }].sort((a, b) => a.frame - b.frame) };
  const left = track.keys.filter((key) => key.frame < frame).at(-1);
  return left ? withKey(track, frame, left.points) : track;
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));
const clampPoint = (p: Point): Point => ({ x: clamp(p.x), y: clamp(p.y) });

/** The box with its corners ordered and kept inside the frame. */
export function normalise(box: Box): Box {
  return { x0: clamp(Math.min(box.x0, box.x1)), y0: clamp(Math.min(box.y0, box.y1)), x1: clamp(Math.max(box.x0, box.x1)), y1: clamp(Math.max(box.y0, box.y1)) };
}

/** The shape moved by (dx, dy), kept whole inside the frame. */
export function moveShape(points: readonly Point[], dx: number, dy: number): Point[] {
  const bounds = fromVertices(points);
  const x = Math.min(1 - bounds.x1, Math.max(-bounds.x0, dx));
  const y = Math.min(1 - bounds.y1, Math.max(-bounds.y0, dy));
  return points.map((p) => ({ x: p.x + x, y: p.y + y }));
}

/** The box moved by (dx, dy), kept whole inside the frame. */
export function moveBox(box: Box, dx: number, dy: number): Box {
  return fromVertices(moveShape(toVertices(box), dx, dy));
}

/** The shape with vertex `index` dragged to `point` (kept inside the frame). */
export function moveVertex(points: readonly Point[], index: number, point: Point): Point[] {
  return points.map((p, at) => (at === index ? clampPoint(point) : p));
}

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** The box with one corner dragged to `point`, the opposite corner staying put. */
export function resizeBox(box: Box, corner: Corner, point: Point): Box {
  const [vertical, horizontal] = corner.split('-') as ['top' | 'bottom', 'left' | 'right'];
  return normalise({
    x0: horizontal === 'left' ? point.x : box.x0,
    x1: horizontal === 'right' ? point.x : box.x1,
    y0: vertical === 'top' ? point.y : box.y0,
    y1: vertical === 'bottom' ? point.y : box.y1,
  });
}

/** The corner of `box` within `reach` of `point` (each axis), if any. */
export function cornerNear(box: Box, point: Point, reach: Point): Corner | null {
  const corners: [Corner, number, number][] = [
    ['top-left', box.x0, box.y0],
    ['top-right', box.x1, box.y0],
    ['bottom-left', box.x0, box.y1],
    ['bottom-right', box.x1, box.y1],
  ];
  return corners.find(([, x, y]) => near({ x, y }, point, reach))?.[0] ?? null;
}

/** The index of the first of `points` within `reach` of `point` (each axis), or -1. */
export function vertexNear(points: readonly Point[], point: Point, reach: Point): number {
  return points.findIndex((p) => near(p, point, reach));
}

function near(a: Point, b: Point, reach: Point): boolean {
  return Math.abs(a.x - b.x) <= reach.x && Math.abs(a.y - b.y) <= reach.y;
}

/** Whether `point` is on the shape: inside a rectangle or polygon, within `reach` of a marker. */
export function hits(tool: ShapeTool, points: readonly Point[], point: Point, reach: Point): boolean {
  if (tool === 'marker') return vertexNear(points, point, reach) >= 0;
  // Even-odd ray casting: a rectangle is a four-vertex polygon.
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i]!;
    const b = points[j]!;
    if (a.y > point.y !== b.y > point.y && point.x < ((b.x - a.x) * (point.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** Kili's rectangle vertices: bottom-left, top-left, top-right, bottom-right. */
export function toVertices(box: Box): Point[] {
  return [
    { x: box.x0, y: box.y1 },
    { x: box.x0, y: box.y0 },
    { x: box.x1, y: box.y0 },
    { x: box.x1, y: box.y1 },
  ];
}

/** The upright box around the points. */
export function fromVertices(vertices: readonly Point[]): Box {
  const xs = vertices.map((v) => v.x);
  const ys = vertices.map((v) => v.y);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Whether a rectangle's four points (Kili's order) have their sides on the axes. */
export function isUpright(points: readonly Point[]): boolean {
  const [bl, tl, tr, br] = points;
  return !!bl && !!tl && !!tr && !!br && bl.x === tl.x && tr.x === br.x && tl.y === tr.y && bl.y === br.y;
}
