/**
 * Names of exported files. An external id is whatever the user chose ("cam 1/2024-05-01.mp4"), so it
 * is made safe to use as one path segment on any system. The mapping is deterministic (a caller
 * adding frame images next to the labels computes the same names): a name that had to change gets
 * a short hash of the original, so "a/b" and "a_b" cannot land on the same file.
 */

// Separators, characters Windows refuses in names, and control characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[/\\:*?"<>|\u0000-\u001f\u007f]/g;

export function safeEntryName(externalId: string): string {
  let name = externalId.replace(UNSAFE, '_').trim();
  if (name === '' || name === '.' || name === '..') name = '_';
  if (name.length > 150) name = name.slice(0, 150);
  return name === externalId ? name : `${name}-${fnv1a(externalId)}`;
}

/** 32-bit FNV-1a of the text's UTF-16 code units, 8 hex digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The file name (without extension) of one frame: `<name>_<frame + 1>`, the number zero-padded to
 * the digits of `frameCount` so names sort in frame order ("cam1_007" for frame index 6 of 120).
 * Numbers start at 1, as image sequences extracted by ffmpeg do.
 */
export function frameFileName(name: string, frame: number, frameCount: number): string {
  return `${name}_${String(frame + 1).padStart(String(Math.max(1, frameCount)).length, '0')}`;
}

/** The printf-style pattern of `frameFileName` for an asset ("cam1_%03d"). */
export function frameFilePattern(name: string, frameCount: number): string {
  return `${name.replace(/%/g, '%%')}_%0${String(Math.max(1, frameCount)).length}d`;
}
