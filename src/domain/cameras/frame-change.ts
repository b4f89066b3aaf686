/** A small greyscale picture of a frame, for comparing frames cheaply. */
export interface GrayImage {
  width: number;
  height: number;
  /** One byte a pixel, row by row. */
  pixels: Uint8Array;
  /** The frame's own size, before it was shrunk. */
  sourceWidth: number;
  sourceHeight: number;
}

/**
 * Per-pixel tolerance (luma levels of 255) below which a pixel has not changed: JPEG re-encoding
 * noise and sensor noise move a shrunk pixel by a few levels; a person, a car or a light turned on
 * move it by tens.
 */
export const DEFAULT_PIXEL_TOLERANCE = 12;

/** How a new frame compares with the last saved one, and whether to keep it. */
export interface ChangeDecision {
  save: boolean;
  /** % of pixels changed (100 for the first frame or a new resolution); 0 for identical bytes. */
  score: number;
  reason: 'first' | 'identical' | 'resolution' | 'changed' | 'unchanged' | 'always';
}

/** % of pixels of two same-size pictures that differ by more than `tolerance`. */
export function changedPercent(a: GrayImage, b: GrayImage, tolerance = DEFAULT_PIXEL_TOLERANCE): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`pictures of different sizes: ${a.width}x${a.height} and ${b.width}x${b.height}`);
  const count = a.width * a.height;
  if (count === 0) return 0;
  let changed = 0;
  for (let i = 0; i < count; i += 1) {
    const difference = a.pixels[i]! - b.pixels[i]!;
    if (difference > tolerance || difference < -tolerance) changed += 1;
  }
  return (changed / count) * 100;
}

/**
 * Whether to save a frame, given the last saved one. `diffPct` 0 saves every frame (byte-identical
 * repeats too: the user asked for all of them). Otherwise identical bytes are skipped before any
 * decoding (`sameBytes`; `current` may then be null), a new resolution is always a change, and a
 * frame is saved when at least `diffPct` % of its pixels changed.
 */
export function decideSave(options: { diffPct: number; tolerance?: number; previous: GrayImage | null; current: GrayImage | null; sameBytes: boolean }): ChangeDecision {
  const { diffPct, previous, current, sameBytes } = options;
  if (diffPct <= 0) return { save: true, score: sameBytes ? 0 : 100, reason: 'always' };
  if (!previous) return { save: true, score: 100, reason: 'first' };
  if (sameBytes) return { save: false, score: 0, reason: 'identical' };
  if (!current) throw new Error('a frame whose bytes changed must be decoded to compare it');
  if (current.sourceWidth !== previous.sourceWidth || current.sourceHeight !== previous.sourceHeight || current.width !== previous.width || current.height !== previous.height) {
    return { save: true, score: 100, reason: 'resolution' };
  }
  const score = Math.round(changedPercent(previous, current, options.tolerance) * 1000) / 1000;
  return score >= diffPct ? { save: true, score, reason: 'changed' } : { save: false, score, reason: 'unchanged' };
}
