import sharp from 'sharp';
import type { GrayImage } from '../../domain/cameras/frame-change.js';
import { CamtroveError } from '../../domain/errors.js';

/** Width frames are compared at: enough for a person across a street, cheap to decode (JPEG shrinks on load). */
export const COMPARE_WIDTH = 160;

// One decode at a time per core is plenty; libvips threads inside each call.
sharp.concurrency(1);
sharp.cache(false);

/**
 * Decodes a JPEG or PNG to a small greyscale picture for change detection (libvips through sharp:
 * a JPEG is decoded at 1/2, 1/4 or 1/8 scale directly, so a 1080p frame costs a fraction of a full
 * decode). The frame's own size comes from its header.
 */
export async function decodeSmallGray(bytes: Buffer, width = COMPARE_WIDTH): Promise<GrayImage> {
  try {
    const image = sharp(bytes, { failOn: 'error' });
    const { width: sourceWidth, height: sourceHeight } = await image.metadata();
    if (!sourceWidth || !sourceHeight) throw new Error('no size in its header');
    const { data, info } = await image
      .resize({ width: Math.min(width, sourceWidth), fastShrinkOnLoad: true })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), sourceWidth, sourceHeight };
  } catch (error) {
    throw new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `the image cannot be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
}
