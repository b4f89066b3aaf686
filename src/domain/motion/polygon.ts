import { CamtroveError } from '../errors.js';
import type { Point, Polygon, Zone } from './motion-types.js';

/** Size of the source video in pixels, to read polygons given in pixels. */
export interface SourceSize {
  width: number;
  height: number;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const ZONE_NAME = /^[\p{L}\p{N}_.-][\p{L}\p{N}_. -]{0,63}$/u;

function invalid(message: string): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', message);
}

/**
 * Reads a polygon as users write it on the command line: points `x,y` separated by spaces (or `;`),
 * at least three, e.g. `"0.1,0.1 0.5,0.1 0.5,0.4"`.
 *
 * Units are decided for the whole polygon: when every coordinate is within 0–1 they are fractions
 * of the frame; when any is above 1 they are all pixels of the source video, which needs
 * `sourceSize`. (A pixel polygon that fits within 1 × 1 px would be misread, but it would also be
 * smaller than one pixel of analysis.) Points beyond the frame's right or bottom edge are clamped
 * onto it, so a mask can be drawn generously to the edge; negative coordinates are refused, they
 * are always a typo. `what` names the polygon in error messages ("mask", "zone door").
 */
export function parsePolygon(text: string, sourceSize?: SourceSize | null, what = 'polygon'): Polygon {
  const parts = text.trim().split(/[\s;]+/).filter((part) => part !== '');
  const points: Point[] = parts.map((part) => {
    const coordinates = part.split(',');
    if (coordinates.length !== 2 || !NUMBER.test(coordinates[0]!) || !NUMBER.test(coordinates[1]!)) {
      throw invalid(`${what} "${text}": "${part}" is not a point "x,y" (two numbers joined by a comma, points separated by spaces)`);
    }
    return { x: Number(coordinates[0]), y: Number(coordinates[1]) };
  });
  if (points.length < 3) throw invalid(`${what} "${text}" has ${points.length} point${points.length === 1 ? '' : 's'}; a polygon needs at least 3, e.g. "0.1,0.1 0.5,0.1 0.5,0.4"`);
  const negative = points.find((p) => p.x < 0 || p.y < 0);
  if (negative) throw invalid(`${what} "${text}" has a negative coordinate (${negative.x},${negative.y}); use 0-1 fractions of the frame or pixels from the top left`);
  if (polygonArea(points) === 0) throw invalid(`${what} "${text}" encloses no area: its points lie on one line`);
  const inPixels = points.some((p) => p.x > 1 || p.y > 1);
  if (!inPixels) return points;
  if (!sourceSize) throw invalid(`${what} "${text}" is in pixels (a coordinate is above 1), but the video's size is unknown; give fractions of the frame (0-1) instead`);
  if (!(sourceSize.width > 0 && sourceSize.height > 0)) throw invalid(`${what} "${text}" is in pixels, but the video's size ${sourceSize.width}x${sourceSize.height} is not usable`);
  return points.map((p) => ({ x: Math.min(1, p.x / sourceSize.width), y: Math.min(1, p.y / sourceSize.height) }));
}

/** Reads a zone `name:polygon`, e.g. `"door:0.1,0.1 0.5,0.1 0.5,0.4"`; the polygon as parsePolygon reads it. */
export function parseZone(text: string, sourceSize?: SourceSize | null): Zone {
  const colon = text.indexOf(':');
  const name = colon >= 0 ? text.slice(0, colon).trim() : '';
  if (colon < 0 || name === '') throw invalid(`zone "${text}" needs a name first: "name:x,y x,y x,y"`);
  if (!ZONE_NAME.test(name)) throw invalid(`zone name "${name}" may only use letters, digits, spaces, "_", "." and "-" (at most 64 characters)`);
  return { name, polygon: parsePolygon(text.slice(colon + 1), sourceSize, `zone ${name}`) };
}

/** Reads several zones; two zones with one name would be indistinguishable in the results. */
export function parseZones(texts: readonly string[], sourceSize?: SourceSize | null): Zone[] {
  const zones = texts.map((text) => parseZone(text, sourceSize));
  const names = new Set<string>();
  for (const zone of zones) {
    if (names.has(zone.name)) throw invalid(`zone name "${zone.name}" is used twice; each zone needs its own name`);
    names.add(zone.name);
  }
  return zones;
}

/** Area enclosed by the polygon (shoelace formula), in the polygon's own units. */
export function polygonArea(polygon: Polygon): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i, i += 1) {
    twice += polygon[j]!.x * polygon[i]!.y - polygon[i]!.x * polygon[j]!.y;
  }
  return Math.abs(twice) / 2;
}

/**
 * A width × height mask: 1 where a pixel's centre lies inside any of the polygons (normalised
 * coordinates), 0 elsewhere. Each polygon uses the even-odd rule, so a self-crossing outline leaves
 * holes the way SVG's `evenodd` does; the polygons are then united.
 */
export function rasterizePolygons(polygons: readonly Polygon[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const polygon of polygons) {
    const crossings = new Float64Array(polygon.length);
    for (let y = 0; y < height; y += 1) {
      const centreY = (y + 0.5) / height;
      // Where the row through the pixel centres crosses the outline; each edge counts once
      // (half-open in y), so a vertex on the row is not counted twice.
      let count = 0;
      for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i, i += 1) {
        const a = polygon[i]!;
        const b = polygon[j]!;
        if (a.y > centreY !== b.y > centreY) crossings[count++] = (a.x + ((centreY - a.y) / (b.y - a.y)) * (b.x - a.x)) * width;
      }
      const sorted = crossings.subarray(0, count).sort();
      const row = y * width;
      for (let k = 0; k + 1 < count; k += 2) {
        // Pixels whose centre x + 0.5 lies in [from, to).
        const first = Math.max(0, Math.ceil(sorted[k]! - 0.5));
        const last = Math.min(width - 1, Math.ceil(sorted[k + 1]! - 0.5) - 1);
        for (let x = first; x <= last; x += 1) mask[row + x] = 1;
      }
    }
  }
  return mask;
}
