// What a drag on the labeling tool's frame does to a shape while the pointer is down, and when a
// click closes the polygon being drawn. Pure.
import { fromVertices, moveShape, moveVertex, resizeBox, toVertices, vertexNear, type Corner, type Point } from './tracks.js';

/** The smallest rectangle a drag draws or leaves (a click is not a box), as a fraction of the frame. */
export const MIN_SIZE = 0.005;

export type Gesture =
  | { kind: 'draw'; from: Point; to: Point }
  | { kind: 'move'; mid: string; from: Point; to: Point; points: readonly Point[] }
  | { kind: 'resize'; mid: string; corner: Corner; from: Point; to: Point; points: readonly Point[] }
  | { kind: 'vertex'; mid: string; vertex: number; from: Point; to: Point; points: readonly Point[] };

/** The shape an edit gesture makes of the shape it started on; null when a rectangle would be too small. */
export function shapeGesture(gesture: Exclude<Gesture, { kind: 'draw' }>): Point[] | null {
  if (gesture.kind === 'move') return moveShape(gesture.points, gesture.to.x - gesture.from.x, gesture.to.y - gesture.from.y);
  if (gesture.kind === 'vertex') return moveVertex(gesture.points, gesture.vertex, gesture.to);
  const box = resizeBox(fromVertices(gesture.points), gesture.corner, gesture.to);
  return box.x1 - box.x0 >= MIN_SIZE && box.y1 - box.y0 >= MIN_SIZE ? toVertices(box) : null;
}

/** A click on the first vertex of a polygon of three or more vertices closes it. */
export function closesPolygon(draft: readonly Point[], at: Point, reach: Point): boolean {
  return draft.length >= 3 && vertexNear(draft.slice(0, 1), at, reach) === 0;
}
