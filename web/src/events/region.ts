// The event search's region (`roi`): x,y,w,h as fractions of the frame from its top-left corner,
// drawn by dragging on a frame. Pure.

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));
/** Three decimals: a thousandth of the frame, under two pixels at 1080p. */
const short = (v: number) => String(Math.round(v * 1000) / 1000);

/** The region between two corners dragged on the frame (in fractions, either order), kept inside it. */
export function regionBetween(a: { x: number; y: number }, b: { x: number; y: number }): Region {
  const [x0, x1] = [clamp(Math.min(a.x, b.x)), clamp(Math.max(a.x, b.x))];
  const [y0, y1] = [clamp(Math.min(a.y, b.y)), clamp(Math.max(a.y, b.y))];
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** As GET /api/events takes it: `x,y,w,h`. */
export function regionText(region: Region): string {
  return [region.x, region.y, region.w, region.h].map(short).join(',');
}

/** The region a `roi` text names, or null when it is not four fractions that stay inside the frame. */
export function parseRegion(text: string | undefined): Region | null {
  const parts = (text ?? '').split(',').map((p) => p.trim());
  if (parts.length !== 4 || parts.some((p) => p === '')) return null;
  const [x, y, w, h] = parts.map(Number) as [number, number, number, number];
  if (![x, y, w, h].every(Number.isFinite) || x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > 1.000001 || y + h > 1.000001) return null;
  return { x, y, w, h };
}
