import { CamtroveError } from './errors.js';
import { parseFormNumber } from './form-number.js';
import { utcTime } from './events/event-query.js';

export const MAX_FRAME_PAGE = 1000;

/** Capture order: oldest first (`time`, the default) or newest first (`-time`). */
export type FrameSort = 'time' | '-time';
export const FRAME_SORTS: readonly FrameSort[] = ['time', '-time'];

/** A browse of a camera's frames as it arrives: from a query string or from command-line flags. */
export interface FrameQueryInput {
  from?: string;
  to?: string;
  cursor?: string;
  limit?: string | number;
  sort?: string;
}

export interface FrameQuery {
  /** Epoch microseconds: frames captured at or after this. */
  fromMicros: number | null;
  /** Epoch microseconds: frames captured before this. */
  toMicros: number | null;
  after: FrameCursor | null;
  limit: number;
  newestFirst: boolean;
}

/** Where a page ended: the capture time and id of its last frame. */
export interface FrameCursor {
  capturedAtMicros: number;
  id: string;
}

/** Reads a browse, or throws INVALID_QUERY naming the parameter that is wrong and why. */
export function parseFrameQuery(input: FrameQueryInput): FrameQuery {
  const fromMicros = input.from === undefined ? null : utcTime('from', input.from) * 1000;
  const toMicros = input.to === undefined ? null : utcTime('to', input.to) * 1000;
  if (fromMicros !== null && toMicros !== null && fromMicros >= toMicros) invalid('from', `${input.from} is not before to (${input.to})`);
  const limit = input.limit === undefined ? 100 : typeof input.limit === 'number' ? (Number.isInteger(input.limit) ? input.limit : null) : parseFormNumber(input.limit, 'integer');
  if (limit === null || limit < 1 || limit > MAX_FRAME_PAGE) invalid('limit', `${JSON.stringify(input.limit)} is not a whole number from 1 to ${MAX_FRAME_PAGE}`);
  const sort = (input.sort ?? 'time') as FrameSort;
  if (!FRAME_SORTS.includes(sort)) invalid('sort', `${JSON.stringify(input.sort)} is not one of ${FRAME_SORTS.join(', ')}`);
  const newestFirst = sort === '-time';
  return { fromMicros, toMicros, after: input.cursor === undefined || input.cursor === '' ? null : decodeFrameCursor(input.cursor, newestFirst), limit, newestFirst };
}

/**
 * An opaque cursor: base64url of "capturedAtMicros:id", with a leading "-" when the pages come newest
 * first, so that a cursor cannot be brought to a browse in the other order.
 */
export function encodeFrameCursor(cursor: FrameCursor, newestFirst: boolean): string {
  return Buffer.from(`${newestFirst ? '-' : ''}${cursor.capturedAtMicros}:${cursor.id}`).toString('base64url');
}

function decodeFrameCursor(value: string, newestFirst: boolean): FrameCursor {
  const [time, id, extra] = Buffer.from(value, 'base64url').toString().split(':');
  if (time === undefined || !/^-?\d{1,17}$/.test(time) || id === undefined || !/^[0-9a-f]{32}$/.test(id) || extra !== undefined) {
    invalid('cursor', 'this is not a cursor camtrove gave (pass back the `next` value of the previous page)');
  }
  if (time.startsWith('-') !== newestFirst) invalid('cursor', `this cursor continues a browse ${newestFirst ? 'oldest' : 'newest'} first: pass the same sort as the page it came from`);
  return { capturedAtMicros: Number(time.replace('-', '')), id };
}

function invalid(name: string, reason: string): never {
  throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `${name}: ${reason}`);
}
