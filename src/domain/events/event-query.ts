import { CamtroveError } from '../errors.js';
import { parseFormNumber } from '../form-number.js';
import { COLOR_NAMES } from '../motion/color-names.js';
import type { Region } from './heat-bits.js';

/** How a search orders events: by start time (oldest first, or newest first with `-time`), or best score first. */
export type EventSort = 'time' | '-time' | 'score';
export const EVENT_SORTS: readonly EventSort[] = ['time', '-time', 'score'];

/** An event search, validated: every filter is optional, and they all apply together. */
export interface EventQuery {
  cameras: string[];
  /** Events overlapping [fromMs, toMs), epoch ms UTC; only events whose media has a capture time can match. */
  fromMs: number | null;
  toMs: number | null;
  media: string | null;
  job: string | null;
  minScore: number | null;
  minDuration: number | null;
  maxDuration: number | null;
  /** Directions of travel from `fromDeg` clockwise to `toDeg` (0 = up), half-open; may wrap past 360. */
  direction: { fromDeg: number; toDeg: number } | null;
  /** Any of these dominant colours. */
  colors: string[];
  /** Touching any of these zones. */
  zones: string[];
  /** Labelled with any (or, with labelMatch 'all', every one) of these. */
  labels: string[];
  labelMatch: 'any' | 'all';
  /** Moving somewhere in this part of the frame (its heatmap touches it). */
  roi: Region | null;
  sort: EventSort;
  limit: number;
}

/** A search as it arrives: from a query string or from command-line flags. */
export interface EventQueryInput {
  camera?: string | string[];
  from?: string;
  to?: string;
  media?: string;
  job?: string;
  min_score?: string;
  min_duration?: string;
  max_duration?: string;
  direction?: string;
  color?: string | string[];
  zone?: string | string[];
  label?: string | string[];
  label_match?: string;
  roi?: string;
  sort?: string;
  limit?: string | number;
}

/** Names given as a repeated parameter, or separated by commas. */
function names(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export const MAX_EVENT_PAGE = 1000;
const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
const DIRECTION_WORDS: Record<string, string> = { NORTH: 'N', EAST: 'E', SOUTH: 'S', WEST: 'W', UP: 'N', RIGHT: 'E', DOWN: 'S', LEFT: 'W' };

/** Reads a search, or throws INVALID_QUERY naming the parameter that is wrong and why. */
export function parseEventQuery(input: EventQueryInput): EventQuery {
  const cameras = names(input.camera);
  const colors = names(input.color).map((c) => c.toLowerCase());
  for (const color of colors) if (!(COLOR_NAMES as readonly string[]).includes(color)) invalid('color', `${JSON.stringify(color)} is not one of ${COLOR_NAMES.join(', ')}`);
  // Labels may hold commas: only repeating the parameter gives several.
  const labels = (Array.isArray(input.label) ? input.label : input.label === undefined ? [] : [input.label]).filter((l) => l !== '');
  for (const label of labels) checkLabelName('label', label);
  const labelMatch = input.label_match ?? 'any';
  if (labelMatch !== 'any' && labelMatch !== 'all') invalid('label_match', `${JSON.stringify(labelMatch)} is not any or all`);
  const fromMs = input.from === undefined ? null : utcTime('from', input.from);
  const toMs = input.to === undefined ? null : utcTime('to', input.to);
  if (fromMs !== null && toMs !== null && fromMs >= toMs) invalid('from', `${input.from} is not before to (${input.to})`);
  const minDuration = optionalNumber('min_duration', input.min_duration, 0);
  const maxDuration = optionalNumber('max_duration', input.max_duration, 0);
  if (minDuration !== null && maxDuration !== null && minDuration > maxDuration) invalid('min_duration', `${minDuration} s is longer than max_duration (${maxDuration} s)`);
  const minScore = optionalNumber('min_score', input.min_score, 0, 1);
  const sort = (input.sort ?? 'time') as EventSort;
  if (!EVENT_SORTS.includes(sort)) invalid('sort', `${JSON.stringify(input.sort)} is not one of ${EVENT_SORTS.join(', ')}`);
  const limit = input.limit === undefined ? 100 : typeof input.limit === 'number' ? (Number.isInteger(input.limit) ? input.limit : null) : parseFormNumber(input.limit, 'integer');
  if (limit === null || limit < 1 || limit > MAX_EVENT_PAGE) invalid('limit', `${JSON.stringify(input.limit)} is not a whole number from 1 to ${MAX_EVENT_PAGE}`);
  const media = input.media === undefined ? null : input.media.trim().toLowerCase();
  if (media !== null && !/^[0-9a-f]{64}$/.test(media)) invalid('media', `${JSON.stringify(input.media)} is not a file id (64 hexadecimal characters)`);
  return {
    cameras,
    fromMs,
    toMs,
    media,
    job: input.job === undefined || input.job === '' ? null : input.job,
    minScore,
    minDuration,
    maxDuration,
    direction: input.direction === undefined ? null : parseDirection(input.direction),
    colors,
    zones: names(input.zone),
    labels,
    labelMatch,
    roi: input.roi === undefined ? null : parseRegion(input.roi),
    sort,
    limit,
  };
}

/**
 * A compass word (N, NE, … NW, or north, east, left, …: 45° around it) or an arc of degrees
 * `from-to` read clockwise from up (e.g. `45-135` is rightwards, `300-60` wraps through north).
 */
export function parseDirection(value: string): { fromDeg: number; toDeg: number } {
  const word = value.trim().toUpperCase().replace(/[\s_-]+/g, '');
  const compass = COMPASS.indexOf(DIRECTION_WORDS[word] ?? word.replace(/^NORTH/, 'N').replace(/^SOUTH/, 'S').replace(/EAST$/, 'E').replace(/WEST$/, 'W'));
  if (compass !== -1) return { fromDeg: (compass * 45 - 22.5 + 360) % 360, toDeg: (compass * 45 + 22.5) % 360 };
  const arc = /^\s*(\d+(?:\.\d+)?)\s*(?:-|\.\.)\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  if (arc) {
    const [fromDeg, toDeg] = [Number(arc[1]), Number(arc[2])];
    if (fromDeg <= 360 && toDeg <= 360 && fromDeg !== toDeg) return { fromDeg: fromDeg % 360, toDeg: toDeg % 360 };
  }
  return invalid('direction', `${JSON.stringify(value)} is neither a compass direction (N, NE, E, SE, S, SW, W, NW, or north, left…) nor an arc of degrees such as 45-135 (clockwise from up)`);
}

/** `x,y,w,h`, fractions of the frame from its top left: the box must lie inside the frame and not be empty. */
export function parseRegion(value: string): Region {
  const parts = value.split(',').map((p) => parseFormNumber(p.trim(), 'number') ?? NaN);
  const [x, y, w, h] = parts as [number, number, number, number];
  const inside = parts.length === 4 && parts.every(Number.isFinite) && x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 1 + 1e-9 && y + h <= 1 + 1e-9;
  if (!inside) invalid('roi', `${JSON.stringify(value)} is not a region x,y,w,h of fractions of the frame (0-1, from the top left, inside the frame), such as 0.5,0,0.5,0.5 for the top right quarter`);
  return { x, y, w, h };
}

/** A label's name: 1 to 100 characters, no control characters (any markup is kept, and escaped on the way out). */
export function checkLabelName(parameter: string, name: string): string {
  if (name.length === 0 || name.length > MAX_LABEL_LENGTH || /\p{Cc}/u.test(name) || name !== name.trim()) {
    invalid(parameter, `${JSON.stringify(name)} is not a label name: 1 to ${MAX_LABEL_LENGTH} characters, no control characters, no spaces around it`);
  }
  return name;
}

export const MAX_LABEL_LENGTH = 100;

/** A date, or a date and time with Z or an offset, as epoch milliseconds; INVALID_QUERY naming `name` otherwise. */
export function utcTime(name: string, value: string): number {
  // A date, or a date and time with Z or an offset: a time without one would be read in no known zone.
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i.test(value.trim())) {
    return invalid(name, `${JSON.stringify(value)} is not a UTC ISO 8601 time: give a date (2026-11-30) or a time with Z or an offset (2026-11-30T08:00:00Z)`);
  }
  const [year, month, day] = value.trim().slice(0, 10).split('-').map(Number) as [number, number, number];
  // Date.parse rolls 2026-02-31 over into March rather than refusing it.
  const real = month >= 1 && month <= 12 && day >= 1 && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
  const ms = Date.parse(value.trim().replace(' ', 'T'));
  return real && Number.isFinite(ms) ? ms : invalid(name, `${JSON.stringify(value)} is not a real date`);
}

/** A number in plain decimal (domain/form-number): `0x10`, ` 5` and an empty value are refused, not read as 16, 5 or no filter. */
function optionalNumber(name: string, value: string | undefined, min: number, max = Infinity): number | null {
  if (value === undefined) return null;
  const n = parseFormNumber(value, 'number');
  if (n === null || n < min || n > max) invalid(name, `${JSON.stringify(value)} is not a number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}`);
  return n;
}

function invalid(name: string, reason: string): never {
  throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `${name}: ${reason}`);
}

/** Where a page of a search ended: the sort key of its last event. */
export interface EventCursor {
  key: number;
  id: string;
}

/**
 * An opaque cursor, tied to its search: "key:id:fingerprint". A cursor brought to another search
 * (other filters or order) would skip or repeat events, so it is refused.
 */
export function encodeEventCursor(query: EventQuery, cursor: EventCursor): string {
  return Buffer.from(`${cursor.key}:${cursor.id}:${fingerprint(query)}`).toString('base64url');
}

export function decodeEventCursor(query: EventQuery, value: string): EventCursor {
  const [key, id, print] = Buffer.from(value, 'base64url').toString().split(':');
  if (key === undefined || !id || !Number.isFinite(Number(key)) || print === undefined) invalid('after', 'this is not a cursor camtrove gave (pass back the `next` value of the previous page)');
  if (print !== fingerprint(query)) invalid('after', 'this cursor belongs to another search: the filters and the sort must stay the same from page to page');
  return { key: Number(key), id };
}

/** A short digest of everything but the page size: FNV-1a over the canonical JSON. */
function fingerprint(query: EventQuery): string {
  const { limit: _limit, ...rest } = query;
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify({ ...rest, cameras: [...rest.cameras].sort() })) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
