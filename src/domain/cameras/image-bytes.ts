/** What the bytes a camera sent are, read from their first bytes rather than from what it claimed. */
export type ImageKind = 'image/jpeg' | 'image/png';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function imageKind(bytes: Uint8Array): ImageKind | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'image/png';
  return null;
}

/** Whether the bytes are text markup: a login page or an error page served with status 200. */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  const start = Buffer.from(bytes.subarray(0, 512)).toString('latin1').trimStart().toLowerCase();
  return start.startsWith('<!doctype') || start.startsWith('<html') || start.startsWith('<?xml') || start.startsWith('<head') || start.startsWith('<body');
}

/**
 * Whether an image ends where its format says it ends: a JPEG with its end-of-image marker (some
 * cameras pad after it, so a marker in the last bytes counts), a PNG with its IEND chunk. A body
 * cut short by a dropped connection fails this even when no length was declared.
 */
export function imageComplete(bytes: Uint8Array, kind: ImageKind): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  if (kind === 'image/jpeg') {
    for (let i = tail.length - 2; i >= 0; i -= 1) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
    return false;
  }
  return Buffer.from(tail).includes(Buffer.from('IEND', 'latin1'));
}
/** Width and height of a picture as its header states them (before any EXIF rotation). */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The size a JPEG or PNG states in its header, read without decoding: the JPEG's frame header
 * (any SOFn: baseline, progressive, lossless, arithmetic), the PNG's IHDR. Null when the bytes
 * are neither, end before the size, or state a zero size.
 */
export function imageSize(bytes: Uint8Array): ImageSize | null {
  if (imageKind(bytes) === 'image/png') {
    if (bytes.length < 24 || Buffer.from(bytes.subarray(12, 16)).toString('latin1') !== 'IHDR') return null;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    return width > 0 && height > 0 ? { width, height } : null;
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  for (let i = 2; i + 3 < bytes.length; ) {
    if (bytes[i] !== 0xff) return null; // not at a marker: corrupt
    const marker = bytes[i + 1]!;
    if (marker === 0xff) { i += 1; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { i += 2; continue; } // no length
    if (marker === 0xd9 || marker === 0xda) return null; // the image ends, or its data starts, before any frame header
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2) return null;
    // SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC): length (2), precision (1), height (2), width (2)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 8 >= bytes.length) return null;
      const height = (bytes[i + 5]! << 8) | bytes[i + 6]!;
      const width = (bytes[i + 7]! << 8) | bytes[i + 8]!;
      return width > 0 && height > 0 ? { width, height } : null;
    }
    i += 2 + length;
  }
  return null;
}
