import type { Sharp, SharpOptions } from 'sharp';
import type { GrayImage } from '../../domain/cameras/frame-change.js';
import { imageSize } from '../../domain/cameras/image-bytes.js';
import { CamtroveError } from '../../domain/errors.js';
import { jpegLumaEighth, type JpegLuma } from '../../domain/cameras/jpeg-luma.js';

/** The most pixels across that frames are compared at: enough for a person across a street, cheap to compare. */
export const COMPARE_WIDTH = 160;

/**
 * libvips, loaded on the first fallback decode (PNG, progressive JPEG): those are rare, and loading
 * it costs a decode thread hundreds of milliseconds at start-up. One at a time per call, no cache.
 */
let loadedSharp: Promise<(input: Buffer, options: SharpOptions) => Sharp> | null = null;
function loadSharp(): Promise<(input: Buffer, options: SharpOptions) => Sharp> {
  loadedSharp ??= import('sharp').then(({ default: sharp }) => {
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  });
  return loadedSharp;
}

/**
 * The size a frame is compared at: one pixel for each 8×8 block (what a JPEG's DC coefficients
 * give), shrunk by a whole factor to at most `maxWidth` wide: 640×480 → 80×60, 1280×720 → 160×90,
 * 1920×1080 → 120×68, 3840×2160 → 160×90. Every frame of a given size gets the same, whichever
 * way it is decoded.
 */
export function compareSize(sourceWidth: number, sourceHeight: number, maxWidth = COMPARE_WIDTH): { width: number; height: number } {
  const blocksX = Math.ceil(sourceWidth / 8);
  const factor = shrinkFactor(blocksX, maxWidth);
  return { width: Math.ceil(blocksX / factor), height: Math.ceil(Math.ceil(sourceHeight / 8) / factor) };
}

/** The whole factor that brings `width` to at most `maxWidth`. */
function shrinkFactor(width: number, maxWidth: number): number {
  return Math.max(1, Math.ceil(width / Math.max(1, maxWidth)));
}

/**
 * Decodes a JPEG or PNG to a small greyscale (luma) picture for change detection, at
 * `compareSize`. A baseline JPEG, what cameras send, is read from its DC coefficients only, in
 * plain TypeScript (~0.3 ms for a 640×480 frame, against ~2–4 ms for any sharp pipeline, most of
 * it per-call overhead). Anything else, or a JPEG that decoder will not read, goes through sharp.
 */
export async function decodeSmallGray(bytes: Buffer, width = COMPARE_WIDTH): Promise<GrayImage> {
  try {
    let luma: JpegLuma | null = null;
    try {
      luma = jpegLumaEighth(bytes);
    } catch {
      // not a JPEG, or one it cannot read: sharp decides (it accepts some damage, and names the problem)
    }
    if (!luma) return await decodeWithSharp(bytes, width);
    const small = boxShrink(luma.pixels, luma.width, luma.height, shrinkFactor(luma.width, width));
    return { ...small, sourceWidth: luma.sourceWidth, sourceHeight: luma.sourceHeight };
  } catch (error) {
    throw new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `the image cannot be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Averages each `factor` × `factor` square of pixels (fewer at the right and bottom edges) into one. */
function boxShrink(pixels: Uint8Array, width: number, height: number, factor: number): { width: number; height: number; pixels: Uint8Array } {
  if (factor === 1) return { width, height, pixels };
  const outW = Math.ceil(width / factor);
  const outH = Math.ceil(height / factor);
  const out = new Uint8Array(outW * outH);
  for (let oy = 0; oy < outH; oy += 1) {
    const y0 = oy * factor;
    const y1 = Math.min(height, y0 + factor);
    for (let ox = 0; ox < outW; ox += 1) {
      const x0 = ox * factor;
      const x1 = Math.min(width, x0 + factor);
      let sum = 0;
      for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) sum += pixels[y * width + x]!;
      out[oy * outW + ox] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return { width: outW, height: outH, pixels: out };
}

/**
 * PNGs, progressive JPEGs and the like: sharp shrinks to twice the compare size (on load, for a
 * JPEG), then BT.601 luma of its RGB, as a JPEG's Y, and 2×2 means, as the DC path's block means.
 */
async function decodeWithSharp(bytes: Buffer, maxWidth: number): Promise<GrayImage> {
  const size = imageSize(bytes);
  if (!size) throw new Error('no size in its header');
  const { width, height } = compareSize(size.width, size.height, maxWidth);
  const sharp = await loadSharp();
  const { data, info } = await sharp(bytes, { failOn: 'error' })
    .resize({ width: width * 2, height: height * 2, fit: 'fill', fastShrinkOnLoad: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const luma = new Uint8Array(info.width * info.height);
  if (info.channels >= 3) {
    for (let i = 0, j = 0; i < luma.length; i += 1, j += info.channels) luma[i] = (77 * data[j]! + 150 * data[j + 1]! + 29 * data[j + 2]! + 128) >> 8;
  } else {
    for (let i = 0; i < luma.length; i += 1) luma[i] = data[i * info.channels]!;
  }
  return { ...boxShrink(luma, info.width, info.height, 2), sourceWidth: size.width, sourceHeight: size.height };
}
