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
