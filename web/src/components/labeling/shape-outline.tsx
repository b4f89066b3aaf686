import { fromVertices, isUpright, type Point, type ShapeTool } from '../../labeling/tracks.js';

/**
 * One shape in the frame's pixels: a marker as a dot, an upright rectangle as a rect, any other
 * rectangle or a polygon as a polygon. Without `colour` its stroke and fill are left to the styles.
 */
export function ShapeOutline({ tool, points, width, height, colour }: { tool: ShapeTool; points: readonly Point[]; width: number; height: number; colour?: string }) {
  if (tool === 'marker') return <circle className="shape marker" cx={points[0]!.x * width} cy={points[0]!.y * height} r={5} stroke={colour} fill={colour} vectorEffect="non-scaling-stroke" />;
  if (tool === 'rectangle' && isUpright(points)) {
    const bounds = fromVertices(points);
    return <rect className="shape" x={bounds.x0 * width} y={bounds.y0 * height} width={(bounds.x1 - bounds.x0) * width} height={(bounds.y1 - bounds.y0) * height} stroke={colour} fill={colour} vectorEffect="non-scaling-stroke" />;
  }
  return <polygon className="shape" points={scaled(points, width, height)} stroke={colour} fill={colour} vectorEffect="non-scaling-stroke" />;
}

/** Points as an SVG `points` list in the frame's pixels. */
export function scaled(points: readonly Point[], width: number, height: number): string {
  return points.map((p) => `${p.x * width},${p.y * height}`).join(' ');
}
