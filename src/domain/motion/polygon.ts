import { CamtroveError } from '../errors.js';
import type { Polygon, Zone } from './motion-types.js';

/**
 * Reads a polygon as users write it: points "x,y" separated by spaces (or ";"), at least three.
 * Coordinates are fractions of the frame (0-1); when any is above 1 they are all read as pixels of
 * the source video, which needs its size.
 */
export function parsePolygon(text: string, sourceSize?: { width: number; height: number }, what = 'polygon'): Polygon {
  const parts = text.trim().split(/[\s;]+/).filter(Boolean);
  const points = parts.map((part) => {
    const match = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(part);
    if (!match) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `${what} "${text}": "${part}" is not a point x,y`);
    return { x: Number(match[1]), y: Number(match[2]) };
  });
  if (points.length < 3) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `${what} "${text}" has ${points.length} point(s); a polygon needs at least 3 ("x,y x,y x,y")`);
  if (points.some((p) => p.x < 0 || p.y < 0)) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `${what} "${text}" has a negative coordinate`);
  if (!points.some((p) => p.x > 1 || p.y > 1)) return points;
  if (!sourceSize) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `${what} "${text}" is in pixels, but the video's size is unknown; give fractions 0-1`);
  return points.map((p) => ({ x: p.x / sourceSize.width, y: p.y / sourceSize.height }));
}

/** Reads "name:x,y x,y x,y". */
export function parseZone(text: string, sourceSize?: { width: number; height: number }): Zone {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[\w.-]{1,64}$/.test(name)) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `zone "${text}" needs a name first: "name:x,y x,y x,y" (letters, digits, _ . -)`);
  return { name, polygon: parsePolygon(text.slice(colon + 1), sourceSize, `zone ${name}`) };
}

/** 1 where a pixel's centre lies inside any of the polygons (even-odd rule), 0 elsewhere. */
export function rasterizePolygons(polygons: readonly Polygon[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const polygon of polygons) {
    for (let y = 0; y < height; y += 1) {
      const py = (y + 0.5) / height;
      // Crossings of this row with the polygon's edges, then fill between pairs.
      const crossings: number[] = [];
      for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i, i += 1) {
        const a = polygon[i]!;
        const b = polygon[j]!;
        if (a.y > py !== b.y > py) crossings.push(a.x + ((py - a.y) / (b.y - a.y)) * (b.x - a.x));
      }
      crossings.sort((p, q) => p - q);
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        const from = Math.max(0, Math.ceil(crossings[k]! * width - 0.5));
        const to = Math.min(width - 1, Math.floor(crossings[k + 1]! * width - 0.5));
        for (let x = from; x <= to; x += 1) mask[y * width + x] = 1;
      }
    }
  }
  return mask;
}
