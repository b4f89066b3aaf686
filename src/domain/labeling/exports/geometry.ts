import type { Point } from '../label-model.js';

export interface Bounds { minX: number; minY: number; maxX: number; maxY: number }

/** The axis-aligned box around points (a rotated rectangle's box is its rotated corners'). */
export function boundsOf(points: readonly Point[]): Bounds {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  return { minX, minY, maxX, maxY };
}

/** Bounds cut to the frame (0–1); null when nothing of them is inside. */
export function clipToFrame(b: Bounds): Bounds | null {
  const clipped = { minX: Math.max(0, b.minX), minY: Math.max(0, b.minY), maxX: Math.min(1, b.maxX), maxY: Math.min(1, b.maxY) };
  return clipped.maxX > clipped.minX && clipped.maxY > clipped.minY ? clipped : null;
}

/** A box in pixels as CVAT writes it: the unrotated corners, then the turn (degrees clockwise, 0–360) about its centre. */
export interface PixelBox { xtl: number; ytl: number; xbr: number; ybr: number; rotation: number }

/** Kili's rectangle (bottom-left, top-left, top-right, bottom-right, normalised) as a CVAT box on a frame of width × height. */
export function rectangleToBox(points: readonly Point[], width: number, height: number): PixelBox {
  const [bl, tl, tr, br] = points.map((p) => ({ x: p.x * width, y: p.y * height })) as [Point, Point, Point, Point];
  if (bl.x === tl.x && tr.x === br.x && tl.y === tr.y && bl.y === br.y) {
    const b = boundsOf([bl, tl, tr, br]);
    return { xtl: b.minX, ytl: b.minY, xbr: b.maxX, ybr: b.maxY, rotation: 0 };
  }
  const cx = (bl.x + tl.x + tr.x + br.x) / 4;
  const cy = (bl.y + tl.y + tr.y + br.y) / 4;
  const w = Math.hypot(br.x - bl.x, br.y - bl.y);
  const h = Math.hypot(tl.x - bl.x, tl.y - bl.y);
  // y points down, so a positive angle of the bottom edge is a clockwise turn, as CVAT counts it.
  const degrees = (Math.atan2(br.y - bl.y, br.x - bl.x) * 180) / Math.PI;
  return { xtl: cx - w / 2, ytl: cy - h / 2, xbr: cx + w / 2, ybr: cy + h / 2, rotation: ((degrees % 360) + 360) % 360 };
}

/** The inverse of `rectangleToBox`: Kili's four corners, normalised. */
export function boxToRectangle(box: PixelBox, width: number, height: number): Point[] {
  const cx = (box.xtl + box.xbr) / 2;
  const cy = (box.ytl + box.ybr) / 2;
  const a = (box.rotation * Math.PI) / 180;
  const cos = box.rotation === 0 ? 1 : Math.cos(a);
  const sin = box.rotation === 0 ? 0 : Math.sin(a);
  const corners: [number, number][] = [[box.xtl, box.ybr], [box.xtl, box.ytl], [box.xbr, box.ytl], [box.xbr, box.ybr]];
  return corners.map(([x, y]) => {
    const dx = x - cx;
    const dy = y - cy;
    return { x: (cx + dx * cos - dy * sin) / width, y: (cy + dx * sin + dy * cos) / height };
  });
}

/** The area enclosed by a polygon (shoelace formula), in the units of its points squared. */
export function polygonArea(points: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
}
