import { colorName } from './color-names.js';
import type { Box, DominantColor, RgbFrame } from './motion-types.js';

export interface DominantColorOptions {
  /** At most this many colours are reported. */
  maxColors?: number;
  /** Colours covering less than this share of the object are details, not dominant colours. */
  minShare?: number;
}

/** Which pixels stood for the object, and how they were found. */
export interface ObjectPixels {
  /** Byte offsets into the frame's pixels (the R of each pixel). */
  offsets: Int32Array;
  /** `difference`: pixels of the box unlike the calm frame; `centre`: the middle of the box, for want of better. */
  source: 'difference' | 'centre';
}

/** Sum of |ΔR|+|ΔG|+|ΔB| (0–765), after matching exposure, above which a pixel is not the calm scene. */
const OBJECT_DIFFERENCE = 60;
/** The difference must cover this much of the box (and a few pixels) to be trusted as the object. */
const MIN_OBJECT_SHARE = 0.03;
const MIN_OBJECT_PIXELS = 12;
/** Enough pixels for stable clusters; more only costs time. */
const MAX_SAMPLES = 6000;
/** Clusters looked for; shades that share a name are merged afterwards, so a few spare ones help. */
const CLUSTERS = 4;
/** Seeds closer than this (CIELAB ΔE) to one already taken are the same colour. */
const MIN_SEED_DISTANCE = 6;

/**
 * The dominant colours of what moved, largest share first. `frame` is the strongest moment, `box`
 * (normalised) where it moved, `reference` the same view at a calm moment, or null. The object is
 * the pixels of the box that differ from the reference; without a reference, or when too little
 * differs (the object stood still in both), the middle of the box stands in for it. Its colours are
 * grouped by k-means in CIELAB, where distances follow what eyes see, then named; shades with one
 * name are one colour to someone searching, so they merge.
 */
export function dominantColors(frame: RgbFrame, box: Box, reference: RgbFrame | null, options: DominantColorOptions = {}): DominantColor[] {
  const { maxColors = 3, minShare = 0.1 } = options;
  const { offsets } = selectObjectPixels(frame, box, reference);
  if (offsets.length === 0) return [];
  const byName = new Map<string, DominantColor>();
  for (const cluster of clusterColors(frame.pixels, sample(offsets, MAX_SAMPLES))) {
    const rgb = cluster.rgb.map(Math.round) as [number, number, number];
    const name = colorName(rgb);
    const known = byName.get(name);
    // The largest shade speaks for the name (clusters arrive largest first).
    if (known) known.share += cluster.share;
    else byName.set(name, { rgb, hex: toHex(rgb), name, share: cluster.share });
  }
  return [...byName.values()]
    .filter((color) => color.share >= minShare)
    .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name))
    .slice(0, maxColors)
    .map((color) => ({ ...color, share: Math.round(color.share * 1000) / 1000 }));
}

/**
 * The pixels of the moving object: inside the box and unlike the calm frame. The calm frame is first
 * matched to the frame's exposure (per channel, from the pixels outside the box), so a camera that
 * brightened meanwhile does not turn the whole box into "object". Pixels that are the calm scene
 * evenly darkened — the object's shadow — are left out when they are the lesser part; when they are
 * most of it, the object itself is probably just darker than the ground, and they stay.
 */
export function selectObjectPixels(frame: RgbFrame, box: Box, reference: RgbFrame | null): ObjectPixels {
  const rect = pixelRect(box, frame.width, frame.height);
  const boxPixels = (rect.x1 - rect.x0) * (rect.y1 - rect.y0);
  if (boxPixels === 0) return { offsets: new Int32Array(0), source: 'centre' };
  const usable = reference && reference.width === frame.width && reference.height === frame.height && reference.pixels.length === frame.pixels.length;
  if (usable) {
    const gain = exposureGain(frame, reference, rect);
    const p = frame.pixels;
    const q = reference.pixels;
    const solid: number[] = [];
    const shadow: number[] = [];
    for (let y = rect.y0; y < rect.y1; y += 1) {
      for (let x = rect.x0; x < rect.x1; x += 1) {
        const i = (y * frame.width + x) * 3;
        const r0 = Math.min(255, q[i]! * gain[0]);
        const g0 = Math.min(255, q[i + 1]! * gain[1]);
        const b0 = Math.min(255, q[i + 2]! * gain[2]);
        if (Math.abs(p[i]! - r0) + Math.abs(p[i + 1]! - g0) + Math.abs(p[i + 2]! - b0) <= OBJECT_DIFFERENCE) continue;
        (isShadow(p[i]!, p[i + 1]!, p[i + 2]!, r0, g0, b0) ? shadow : solid).push(i);
      }
    }
    const enough = Math.max(MIN_OBJECT_PIXELS, boxPixels * MIN_OBJECT_SHARE);
    const differing = solid.length + shadow.length;
    if (differing >= enough) {
      const chosen = solid.length >= shadow.length && solid.length >= enough ? solid : [...solid, ...shadow].sort((a, b) => a - b);
      return { offsets: Int32Array.from(chosen), source: 'difference' };
    }
  }
  return { offsets: centreOffsets(rect, frame.width), source: 'centre' };
}

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The box in whole pixels, clamped to the frame; at least one pixel when the box touches the frame. */
function pixelRect(box: Box, width: number, height: number): Rect {
  const x0 = clamp(Math.floor(box.x * width), 0, width);
  const y0 = clamp(Math.floor(box.y * height), 0, height);
  const x1 = clamp(Math.max(Math.ceil((box.x + box.w) * width), x0 + 1), 0, width);
  const y1 = clamp(Math.max(Math.ceil((box.y + box.h) * height), y0 + 1), 0, height);
  return { x0, y0, x1, y1 };
}

/** Per-channel gain that maps the calm frame onto the frame's exposure: median ratio over the scene outside the box. */
function exposureGain(frame: RgbFrame, reference: RgbFrame, rect: Rect): [number, number, number] {
  const { width, height } = frame;
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 8000)));
  const ratios: [number[], number[], number[]] = [[], [], []];
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      if (x >= rect.x0 && x < rect.x1 && y >= rect.y0 && y < rect.y1) continue;
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c += 1) {
        const before = reference.pixels[i + c]!;
        // Near-black channels give wild ratios.
        if (before >= 20) ratios[c]!.push(frame.pixels[i + c]! / before);
      }
    }
  }
  return ratios.map((list) => (list.length < 50 ? 1 : clamp(median(list), 0.5, 2))) as [number, number, number];
}

/** The calm colour darkened evenly (same hue, 25–92 % of its brightness): a shadow falling on it. */
function isShadow(r: number, g: number, b: number, r0: number, g0: number, b0: number): boolean {
  if (r0 < 24 || g0 < 24 || b0 < 24) return false;
  const kr = r / r0;
  const kg = g / g0;
  const kb = b / b0;
  const low = Math.min(kr, kg, kb);
  const high = Math.max(kr, kg, kb);
  return low >= 0.25 && high <= 0.92 && high - low <= 0.12;
}

/** The middle half of the box in each direction: mostly object, little background. */
function centreOffsets(rect: Rect, width: number): Int32Array {
  const w = rect.x1 - rect.x0;
  const h = rect.y1 - rect.y0;
  const x0 = rect.x0 + Math.floor(w / 4);
  const x1 = Math.max(x0 + 1, rect.x1 - Math.floor(w / 4));
  const y0 = rect.y0 + Math.floor(h / 4);
  const y1 = Math.max(y0 + 1, rect.y1 - Math.floor(h / 4));
  const offsets = new Int32Array((x1 - x0) * (y1 - y0));
  let n = 0;
  for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) offsets[n++] = (y * width + x) * 3;
  return offsets;
}

/** At most `limit` offsets, evenly spread over the list (deterministic). */
function sample(offsets: Int32Array, limit: number): Int32Array {
  if (offsets.length <= limit) return offsets;
  const picked = new Int32Array(limit);
  for (let k = 0; k < limit; k += 1) picked[k] = offsets[Math.floor((k * offsets.length) / limit)]!;
  return picked;
}

interface ColorCluster {
  /** Mean sRGB of the members. */
  rgb: [number, number, number];
  share: number;
}

/**
 * k-means on the pixels' CIELAB colours, largest cluster first. Pixels are first binned (5 bits per
 * channel), so the work depends on how many colours there are, not how many pixels. Seeding is
 * deterministic: the fullest bin, then each time the bin that maximises weight × squared distance to
 * the seeds taken, which finds a second colour without letting one stray pixel become a cluster.
 */
function clusterColors(pixels: Uint8Array, offsets: Int32Array): ColorCluster[] {
  const bins = new Map<number, { n: number; r: number; g: number; b: number }>();
  for (const i of offsets) {
    const r = pixels[i]!;
    const g = pixels[i + 1]!;
    const b = pixels[i + 2]!;
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    const bin = bins.get(key);
    if (bin) {
      bin.n += 1;
      bin.r += r;
      bin.g += g;
      bin.b += b;
    } else {
      bins.set(key, { n: 1, r, g, b });
    }
  }
  const points = [...bins.values()].map((bin) => {
    const rgb: [number, number, number] = [bin.r / bin.n, bin.g / bin.n, bin.b / bin.n];
    return { weight: bin.n, rgb, lab: toLab(rgb) };
  });

  const seeds: Lab[] = [];
  let first = points[0]!;
  for (const point of points) if (point.weight > first.weight) first = point;
  seeds.push(first.lab);
  while (seeds.length < Math.min(CLUSTERS, points.length)) {
    let best: (typeof points)[number] | null = null;
    let bestScore = 0;
    for (const point of points) {
      const nearest = Math.min(...seeds.map((seed) => distance2(point.lab, seed)));
      if (nearest < MIN_SEED_DISTANCE ** 2) continue;
      const score = point.weight * nearest;
      if (score > bestScore) {
        bestScore = score;
        best = point;
      }
    }
    if (!best) break;
    seeds.push(best.lab);
  }

  const centres = seeds.map((seed) => [...seed] as Lab);
  const assignment = new Int32Array(points.length).fill(-1);
  for (let round = 0; round < 12; round += 1) {
    let moved = false;
    points.forEach((point, p) => {
      let nearest = 0;
      for (let c = 1; c < centres.length; c += 1) if (distance2(point.lab, centres[c]!) < distance2(point.lab, centres[nearest]!)) nearest = c;
      if (assignment[p] !== nearest) moved = true;
      assignment[p] = nearest;
    });
    if (!moved) break;
    const sums = centres.map(() => [0, 0, 0, 0]);
    points.forEach((point, p) => {
      const sum = sums[assignment[p]!]!;
      sum[0]! += point.lab[0] * point.weight;
      sum[1]! += point.lab[1] * point.weight;
      sum[2]! += point.lab[2] * point.weight;
      sum[3]! += point.weight;
    });
    sums.forEach((sum, c) => {
      if (sum[3]! > 0) centres[c] = [sum[0]! / sum[3]!, sum[1]! / sum[3]!, sum[2]! / sum[3]!];
    });
  }

  const totals = centres.map(() => ({ n: 0, r: 0, g: 0, b: 0 }));
  points.forEach((point, p) => {
    const total = totals[assignment[p]!]!;
    total.n += point.weight;
    total.r += point.rgb[0] * point.weight;
    total.g += point.rgb[1] * point.weight;
    total.b += point.rgb[2] * point.weight;
  });
  return totals
    .filter((total) => total.n > 0)
    .map((total) => ({ rgb: [total.r / total.n, total.g / total.n, total.b / total.n] as [number, number, number], share: total.n / offsets.length }))
    .sort((a, b) => b.share - a.share);
}

type Lab = [number, number, number];

/** sRGB (0–255) to linear light, once per level. */
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

/** sRGB to CIELAB (D65); fractional channels are interpolated between levels. */
function toLab([r, g, b]: readonly [number, number, number]): Lab {
  const R = linear(r);
  const G = linear(g);
  const B = linear(b);
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const fx = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const fy = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const fz = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

function linear(v: number): number {
  const low = Math.floor(v);
  const high = Math.min(255, low + 1);
  return LINEAR[low]! + (LINEAR[high]! - LINEAR[low]!) * (v - low);
}

function distance2(a: Lab, b: Lab): number {
  return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const middle = values.length >> 1;
  return values.length % 2 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function toHex(rgb: readonly number[]): string {
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
