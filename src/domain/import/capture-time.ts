/** Where a file's capture time came from. */
export type TimeSource = 'name' | 'metadata' | 'mtime';

const EARLIEST_MS = Date.UTC(1971, 0, 1);

/**
 * A file's capture time: its name's when the name has one, else the video's own creation time
 * (cameras that never set their clock write 1970 or 1904: ignored), else the file's modification time.
 */
export function chooseCaptureTime(fromName: number | null, creationTime: string | null, mtimeMs: number): { capturedAt: number; source: TimeSource } {
  if (fromName !== null) return { capturedAt: fromName, source: 'name' };
  const created = creationTime === null ? NaN : Date.parse(creationTime);
  if (Number.isFinite(created) && created >= EARLIEST_MS) return { capturedAt: created, source: 'metadata' };
  return { capturedAt: Math.round(mtimeMs), source: 'mtime' };
}
