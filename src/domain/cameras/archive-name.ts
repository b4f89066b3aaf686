import type { ImageKind } from './image-bytes.js';

/** ISO 8601 UTC with microseconds, for frame records: 2026-11-30T21:37:16.123456Z. */
export function isoMicros(epochMicros: number): string {
  const millis = Math.floor(epochMicros / 1000);
  const micros = Math.floor(epochMicros - millis * 1000);
  return `${new Date(millis).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** `YYYY-MM-DD_HH-MM-SS-ffffff` in UTC, from epoch microseconds: the archive's file-name stamp. */
export function archiveStamp(epochMicros: number): string {
  const iso = isoMicros(epochMicros);
  return `${iso.slice(0, 10)}_${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}-${iso.slice(20, 26)}`;
}

/** `<cameraID>_<stamp>.<ext>`, the name archivers have always used, so existing tools keep working. */
export function archiveFileName(cameraId: string, epochMicros: number, kind: ImageKind): string {
  return `${cameraId}_${archiveStamp(epochMicros)}.${kind === 'image/png' ? 'png' : 'jpg'}`;
}
