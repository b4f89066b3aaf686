/** Wall-clock fields of a time, as a file name states them. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const DAY_MS = 86_400_000;

/** Offset of `zone` from UTC at instant `utcMs`, in ms (east positive). */
function offsetMs(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(utcMs));
  const field = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Epoch ms of a wall-clock time in `zone` (UTC when null). In the hour a DST change skips, the time
 * is read with the offset from before the change; in the hour it repeats, as the first of the two.
 */
export function wallTimeToEpochMs(time: WallTime, zone: string | null): number {
  const naive = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second, time.millisecond);
  if (!zone) return naive;
  // The zone's offsets a day before and a day after: a change of offset lies between them, if any.
  const before = naive - offsetMs(zone, naive - DAY_MS);
  const after = naive - offsetMs(zone, naive + DAY_MS);
  const shows = (instant: number) => instant + offsetMs(zone, instant) === naive;
  if (shows(before) && shows(after)) return Math.min(before, after);
  if (shows(after)) return after;
  // Shown by `before` only, or by neither (a skipped hour): the offset from before the change.
  return before;
}
