import { MalformedMedia } from './bit-reader.js';

/** The frame size a JPEG image declares in its SOFn segment (ITU-T T.81 §B.2.2). */
export interface JpegFrame {
  width: number;
  height: number;
}

/** Walks marker segments from SOI to the first SOFn; `bytes` is the start of the image. */
export function parseJpegFrame(bytes: Uint8Array): JpegFrame {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new MalformedMedia('not a JPEG image');
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) throw new MalformedMedia('JPEG marker expected');
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    // Standalone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // image data or end before any frame header
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    if (length < 2) throw new MalformedMedia('bad JPEG segment length');
    const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrameHeader) {
      if (length < 8 || pos + 9 > bytes.length) break;
      const height = (bytes[pos + 5]! << 8) | bytes[pos + 6]!;
      const width = (bytes[pos + 7]! << 8) | bytes[pos + 8]!;
      if (width === 0 || height === 0) throw new MalformedMedia('JPEG frame without a size');
      return { width, height };
    }
    pos += 2 + length;
  }
  throw new MalformedMedia('no JPEG frame header');
}
