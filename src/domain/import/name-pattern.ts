import { wallTimeToEpochMs, type WallTime } from './zoned-time.js';

/** A user's file-name regex, compiled, with the named groups it has. */
export interface NamePattern {
  regex: RegExp;
  groups: ReadonlySet<string>;
}

/** What a file's path says about it. */
export interface PathFacts {
  camera: string | null;
  /** Epoch ms, UTC; null when the name carries no time. */
  capturedAtMs: number | null;
  latitude: number | null;
  longitude: number | null;
}

/**
 * The default: `[folders/]<camera>-<anything>-<epoch>.<ext>`, as field recorders name their files.
 * The folder part is optional, so files at the top of the imported folder match too, and the
 * extension is whichever `--ext` let through (in any case).
 */
export const DEFAULT_NAME_PATTERN = String.raw`(?:.*/)?(?P<camera>\w+?)-[^/]*-(?P<epoch>\d+)\.\w+$`;

const EARLIEST_MS = Date.UTC(1970, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

/**
 * Compiles a file-name regex. Python's named groups, `(?P<name>…)` and `(?P=name)`, are accepted
 * as well as JavaScript's `(?<name>…)`. Without `cameraGiven` (a `--camera` for every file) the
 * pattern must have a `camera` group. Throws naming what is wrong.
 */
export function compileNamePattern(source: string, options: { cameraGiven: boolean }): NamePattern {
  const converted = source.replace(/\(\?P<(?=[A-Za-z_])/g, '(?<').replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>');
  let regex: RegExp;
  try {
    regex = new RegExp(converted);
  } catch (error) {
    throw new Error(`the regex ${JSON.stringify(source)} is not a valid regular expression: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`);
  }
  const groups = new Set([...converted.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!));
  if (!options.cameraGiven && !groups.has('camera')) throw new Error(`the regex ${JSON.stringify(source)} has no camera group ((?P<camera>…) or (?<camera>…)), and no --camera names the camera`);
  if (groups.has('epoch') && groups.has('timestamp')) throw new Error(`the regex ${JSON.stringify(source)} has both an epoch and a timestamp group; keep one`);
  return { regex, groups };
}

/**
 * Reads camera, time and place from a path with a compiled pattern: null when the path does not
 * match. An epoch is seconds or milliseconds, told apart by size (12 digits or more: ms); a
 * timestamp is read with `timeFormat` (strftime codes) or as ISO 8601. Times without a zone of their
 * own are in `timeZone` (an IANA name), UTC when it is null. Throws naming a value that cannot be
 * right (a time before 1970 or after 2100, a latitude beyond 90°).
 */
export function readPathFacts(pattern: NamePattern, path: string, options: { timeFormat?: string | null; timeZone?: string | null } = {}): PathFacts | null {
  const match = pattern.regex.exec(path);
  if (!match) return null;
  const group = (name: string) => (match.groups?.[name] === undefined || match.groups[name] === '' ? null : match.groups[name]);
  const zone = options.timeZone ?? null;
  let capturedAtMs: number | null = null;
  const epoch = group('epoch');
  const timestamp = group('timestamp');
  if (epoch !== null) capturedAtMs = epochMs(epoch);
  else if (timestamp !== null) capturedAtMs = options.timeFormat ? parseWithFormat(timestamp, options.timeFormat, zone) : parseIso(timestamp, zone);
  if (capturedAtMs !== null && (capturedAtMs < EARLIEST_MS || capturedAtMs > LATEST_MS)) {
    const when = Math.abs(capturedAtMs) < 8.64e15 ? new Date(capturedAtMs).toISOString() : 'beyond any calendar date';
    throw new Error(`the time in the name (${epoch ?? timestamp}) is ${when}, outside 1970–2100`);
  }
  return { camera: group('camera'), capturedAtMs, latitude: coordinate(group('lat'), 90, 'latitude'), longitude: coordinate(group('lng') ?? group('lon'), 180, 'longitude') };
}

function epochMs(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`the epoch ${JSON.stringify(text)} is not a whole number of seconds or milliseconds`);
  // 12 digits or more can only be milliseconds: as seconds they would be past the year 5000.
  return text.length >= 12 ? Number(text) : Number(text) * 1000;
}

function coordinate(text: string | null, limit: number, what: string): number | null {
  if (text === null) return null;
  const value = Number(text.replace(',', '.'));
  if (!Number.isFinite(value) || Math.abs(value) > limit) throw new Error(`the ${what} ${JSON.stringify(text)} in the name is not a number from -${limit} to ${limit}`);
  return value;
}

const ISO = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T _](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function parseIso(text: string, zone: string | null): number {
  const m = ISO.exec(text.trim());
  if (!m) throw new Error(`the timestamp ${JSON.stringify(text)} is not ISO 8601 (e.g. 2026-11-30T14:05:00Z); give --time-format to read it`);
  const wall: WallTime = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0), millisecond: Math.round(Number(`0.${m[7] ?? '0'}`) * 1000) };
  return withZone(wall, m[8] ?? null, zone, text);
}

/** Reads a time with strftime codes: %Y %y %m %d %H %M %S %f %b %z %% (other characters stand for themselves). */
function parseWithFormat(text: string, format: string, zone: string | null): number {
  const codes: Record<string, string> = { Y: '(\\d{4})', y: '(\\d{2})', m: '(\\d{1,2})', d: '(\\d{1,2})', H: '(\\d{1,2})', M: '(\\d{1,2})', S: '(\\d{1,2})', f: '(\\d{1,9})', b: '([A-Za-z]{3})', z: '(Z|[+-]\\d{2}:?\\d{2})' };
  const order: string[] = [];
  let source = '';
  for (let i = 0; i < format.length; i += 1) {
    const c = format[i]!;
    if (c === '%' && i + 1 < format.length) {
      const code = format[(i += 1)]!;
      if (code === '%') source += '%';
      else if (codes[code]) {
        source += codes[code];
        order.push(code);
      } else throw new Error(`--time-format ${JSON.stringify(format)}: %${code} is not supported (use %Y %y %m %d %H %M %S %f %b %z)`);
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const m = new RegExp(`^${source}$`).exec(text);
  if (!m) throw new Error(`the timestamp ${JSON.stringify(text)} does not have the form --time-format ${JSON.stringify(format)}`);
  const value = (code: string) => (order.includes(code) ? m[order.indexOf(code) + 1] : undefined);
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const month = value('b') !== undefined ? months.indexOf(value('b')!.toLowerCase()) + 1 : Number(value('m') ?? 1);
  const wall: WallTime = {
    year: value('Y') !== undefined ? Number(value('Y')) : 2000 + Number(value('y') ?? 0),
    month,
    day: Number(value('d') ?? 1),
    hour: Number(value('H') ?? 0),
    minute: Number(value('M') ?? 0),
    second: Number(value('S') ?? 0),
    millisecond: Math.round(Number(`0.${value('f') ?? '0'}`) * 1000),
  };
  return withZone(wall, value('z') ?? null, zone, text);
}

/** The instant of a wall time: by its own offset when it states one, else in `zone` (UTC when null). */
function withZone(wall: WallTime, offset: string | null, zone: string | null, text: string): number {
  const valid = wall.month >= 1 && wall.month <= 12 && wall.day >= 1 && wall.day <= new Date(Date.UTC(wall.year, wall.month, 0)).getUTCDate() && wall.hour <= 23 && wall.minute <= 59 && wall.second <= 60;
  if (!valid) throw new Error(`the timestamp ${JSON.stringify(text)} is not a real date and time`);
  if (offset === null) return wallTimeToEpochMs(wall, zone);
  if (offset.toUpperCase() === 'Z') return wallTimeToEpochMs(wall, null);
  const [, sign, hh, mm] = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
  const minutes = (Number(hh) * 60 + Number(mm ?? 0)) * (sign === '-' ? -1 : 1);
  return wallTimeToEpochMs(wall, null) - minutes * 60_000;
}
