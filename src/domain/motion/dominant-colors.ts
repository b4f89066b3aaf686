import type { Box, DominantColor } from './motion-types.js';

/** A full-colour frame: 3 bytes (R, G, B) per pixel, row by row. */
export interface RgbFrame {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** How different (sum of |ΔR|+|ΔG|+|ΔB|) a pixel must be from the calm reference to belong to the object. */
const OBJECT_DIFFERENCE = 60;
/** Below this share a colour is a detail, not a dominant colour. */
const MIN_SHARE = 0.1;
const CLUSTERS = 3;

/**
 * Up to three dominant colours of what moved: the pixels inside `box` that differ from a calm
 * reference frame (the scene without the object), grouped by k-means. Without a reference, or when
 * too few pixels differ, the middle of the box stands in for the object.
 */
export function dominantColors(frame: RgbFrame, box: Box, reference: RgbFrame | null): DominantColor[] {
  const x0 = Math.max(0, Math.floor(box.x * frame.width));
  const y0 = Math.max(0, Math.floor(box.y * frame.height));
  const x1 = Math.min(frame.width, Math.ceil((box.x + box.w) * frame.width));
  const y1 = Math.min(frame.height, Math.ceil((box.y + box.h) * frame.height));
  const inBox: number[] = [];
  const differing: number[] = [];
  const sameSize = reference && reference.width === frame.width && reference.height === frame.height;
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      const i = (y * frame.width + x) * 3;
      inBox.push(i);
      if (sameSize) {
        const p = frame.pixels;
        const r = reference.pixels;
        if (Math.abs(p[i]! - r[i]!) + Math.abs(p[i + 1]! - r[i + 1]!) + Math.abs(p[i + 2]! - r[i + 2]!) > OBJECT_DIFFERENCE) differing.push(i);
      }
    }
  }
  let chosen = differing.length >= Math.max(4, inBox.length * 0.05) ? differing : centre(inBox, x0, y0, x1, y1, frame.width);
  if (chosen.length === 0) return [];
  // Enough for stable clusters, cheap on a large box.
  if (chosen.length > 4000) chosen = chosen.filter((_, k) => k % Math.ceil(chosen.length / 4000) === 0);
  // Shades with one name are one colour to a searcher: merged, the largest shade speaking for them.
  const byName = new Map<string, DominantColor>();
  for (const c of cluster(frame.pixels, chosen)) {
    const rgb: [number, number, number] = [Math.round(c.r), Math.round(c.g), Math.round(c.b)];
    const name = colorName(rgb);
    const known = byName.get(name);
    if (known) known.share += c.share;
    else byName.set(name, { rgb, hex: `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`, name, share: c.share });
  }
  return [...byName.values()].filter((c) => c.share >= MIN_SHARE).sort((a, b) => b.share - a.share);
}

/** The middle half of the box (in each direction): mostly the object, little background. */
function centre(inBox: number[], x0: number, y0: number, x1: number, y1: number, width: number): number[] {
  const w = x1 - x0;
  const h = y1 - y0;
  const cx0 = x0 + Math.floor(w / 4);
  const cx1 = x1 - Math.floor(w / 4);
  const cy0 = y0 + Math.floor(h / 4);
  const cy1 = y1 - Math.floor(h / 4);
  return inBox.filter((i) => {
    const p = i / 3;
    const x = p % width;
    const y = (p - x) / width;
    return x >= cx0 && x < cx1 && y >= cy0 && y < cy1;
  });
}

interface Cluster {
  r: number;
  g: number;
  b: number;
  share: number;
}

/** k-means on RGB, seeded deterministically (farthest points), largest cluster first. */
function cluster(pixels: Uint8Array, chosen: number[]): Cluster[] {
  const k = Math.min(CLUSTERS, chosen.length);
  const at = (i: number): [number, number, number] => [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
  const distance = (a: readonly number[], b: readonly number[]) => (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2 + (a[2]! - b[2]!) ** 2;
  const centres: number[][] = [at(chosen[0]!)];
  while (centres.length < k) {
    let best = chosen[0]!;
    let bestDistance = -1;
    for (const i of chosen) {
      const d = Math.min(...centres.map((c) => distance(at(i), c)));
      if (d > bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    if (bestDistance <= 0) break;
    centres.push(at(best));
  }
  const assignment = new Uint8Array(chosen.length);
  for (let round = 0; round < 8; round += 1) {
    const sums = centres.map(() => [0, 0, 0, 0]);
    chosen.forEach((i, n) => {
      const p = at(i);
      let nearest = 0;
      for (let c = 1; c < centres.length; c += 1) if (distance(p, centres[c]!) < distance(p, centres[nearest]!)) nearest = c;
      assignment[n] = nearest;
      const sum = sums[nearest]!;
      sum[0]! += p[0];
      sum[1]! += p[1];
      sum[2]! += p[2];
      sum[3]! += 1;
    });
    sums.forEach((sum, c) => {
      if (sum[3]! > 0) centres[c] = [sum[0]! / sum[3]!, sum[1]! / sum[3]!, sum[2]! / sum[3]!];
    });
  }
  const counts = centres.map((_, c) => assignment.filter((a) => a === c).length);
  return centres
    .map((c, index) => ({ r: c[0]!, g: c[1]!, b: c[2]!, share: counts[index]! / chosen.length }))
    .filter((c) => c.share > 0)
    .sort((a, b) => b.share - a.share);
}

/**
 * A plain name people search by: black, white, grey, red, orange, yellow, green, cyan, blue,
 * purple, pink or brown, from hue, saturation and lightness.
 */
export function colorName([r, g, b]: readonly [number, number, number]): string {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const lightness = (max + min) / 2;
  const chroma = max - min;
  const saturation = chroma === 0 ? 0 : chroma / (1 - Math.abs(2 * lightness - 1));
  if (lightness < 0.15 || (lightness < 0.25 && saturation < 0.3)) return 'black';
  if (saturation < 0.15 || chroma < 0.08) return lightness > 0.8 ? 'white' : lightness < 0.3 ? 'black' : 'grey';
  if (lightness > 0.92) return 'white';
  let hue = 0;
  const R = r / 255;
  const G = g / 255;
  const B = b / 255;
  if (max === R) hue = ((G - B) / chroma + 6) % 6;
  else if (max === G) hue = (B - R) / chroma + 2;
  else hue = (R - G) / chroma + 4;
  hue *= 60;
  if (hue < 15 || hue >= 345) return lightness > 0.7 ? 'pink' : lightness < 0.35 && saturation < 0.6 ? 'brown' : 'red';
  if (hue < 45) return lightness < 0.45 ? 'brown' : 'orange';
  if (hue < 70) return lightness < 0.35 ? 'brown' : 'yellow';
  if (hue < 165) return 'green';
  if (hue < 195) return 'cyan';
  if (hue < 260) return 'blue';
  if (hue < 300) return lightness > 0.7 ? 'pink' : 'purple';
  return lightness > 0.55 ? 'pink' : 'purple';
}
