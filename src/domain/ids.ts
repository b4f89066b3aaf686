import { randomBytes } from 'node:crypto';
import { CamtroveError, type ErrorCode } from './errors.js';

/** Ids are lowercase hex: a file id is the 64-hex SHA-256 of its bytes, an analysis id 32 random hex. */
export const MIN_PREFIX_LENGTH = 6;
const HEX_ID = /^[0-9a-f]+$/;

/** Rows a prefix lookup reads: enough to name a few of the matches, and to know there are more. */
export const PREFIX_MATCHES_READ = 6;

/**
 * What users type ids of. Hex kinds (files, analyses, events, frames, projects, assets, labels, exports) are checked as hex of at most their
 * length; named kinds (cameras, import jobs) have ids people choose, tried whole first.
 */
const KINDS = {
  file: { plural: 'files', hexLength: 64, notFound: 'CAMTROVE_ERR_FILE_NOT_FOUND' },
  analysis: { plural: 'analyses', hexLength: 32, notFound: 'CAMTROVE_ERR_ANALYSIS_NOT_FOUND' },
  event: { plural: 'events', hexLength: 32, notFound: 'CAMTROVE_ERR_EVENT_NOT_FOUND' },
  frame: { plural: 'frames', hexLength: 32, notFound: 'CAMTROVE_ERR_FRAME_NOT_FOUND' },
  camera: { plural: 'cameras', hexLength: null, notFound: 'CAMTROVE_ERR_CAMERA_NOT_FOUND' },
  'import job': { plural: 'import jobs', hexLength: null, notFound: 'CAMTROVE_ERR_IMPORT_JOB_NOT_FOUND' },
  project: { plural: 'projects', hexLength: 32, notFound: 'CAMTROVE_ERR_PROJECT_NOT_FOUND' },
  asset: { plural: 'assets', hexLength: 32, notFound: 'CAMTROVE_ERR_ASSET_NOT_FOUND' },
  label: { plural: 'labels', hexLength: 32, notFound: 'CAMTROVE_ERR_LABEL_NOT_FOUND' },
  export: { plural: 'exports', hexLength: 32, notFound: 'CAMTROVE_ERR_EXPORT_NOT_FOUND' },
} as const satisfies Record<string, { plural: string; hexLength: number | null; notFound: ErrorCode }>;

export type IdKind = keyof typeof KINDS;

/**
 * Normalises a full id or a prefix given by a user, or throws INVALID_ID naming the problem.
 * `kind` words the message ("file", "analysis").
 */
export function parseIdPrefix(raw: string, kind: string, maxLength: number): string {
  const id = raw.trim().toLowerCase();
  if (!HEX_ID.test(id)) {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_ID', `${kind} id "${truncate(raw)}" is not hexadecimal (0-9, a-f)`);
  }
  if (id.length < MIN_PREFIX_LENGTH || id.length > maxLength) {
    throw new CamtroveError(
      'CAMTROVE_ERR_INVALID_ID',
      `${kind} id "${truncate(raw)}" has ${id.length} characters; give ${MIN_PREFIX_LENGTH} to ${maxLength}`,
    );
  }
  return id;
}

/**
 * The one wording of an ambiguous prefix, for every kind on the CLI and the API. `matches` are the
 * rows a lookup read (at most PREFIX_MATCHES_READ): when it read that many, there may be more.
 */
export function ambiguousIdMessage(kind: IdKind, prefix: string, matches: readonly string[]): string {
  const count = matches.length >= PREFIX_MATCHES_READ ? `${PREFIX_MATCHES_READ - 1} or more` : String(matches.length);
  // Whole ids, to copy: the next command takes one.
  const shown = matches.slice(0, PREFIX_MATCHES_READ - 1);
  return `${kind} id prefix ${truncate(prefix)} is ambiguous: matches ${count} ${KINDS[kind].plural} (${shown.join(', ')}); give more characters`;
}

export function notFoundError(kind: IdKind, id: string): CamtroveError {
  const hexLength = KINDS[kind].hexLength;
  const shown = hexLength === null ? JSON.stringify(truncate(id)) : `${id}${id.length < hexLength ? '…' : ''}`;
  return new CamtroveError(KINDS[kind].notFound, `no ${kind} has id ${shown}`);
}

/** Picks the one match of a prefix lookup, or throws the kind's NOT_FOUND / AMBIGUOUS_ID naming the matches. */
export function pickUnique(prefix: string, matches: readonly string[], kind: IdKind): string {
  const [first] = matches;
  if (first === undefined) throw notFoundError(kind, prefix);
  if (matches.length > 1) throw new CamtroveError('CAMTROVE_ERR_AMBIGUOUS_ID', ambiguousIdMessage(kind, prefix, matches));
  return first;
}

/** How a kind's ids are looked up: whether one exists whole, and the ids starting with a prefix (in id order, at most `limit`). */
export interface IdLookup {
  exists?(id: string): Promise<boolean>;
  withPrefix(prefix: string, limit: number): Promise<string[]>;
}

/**
 * The full id a user meant: a whole id, or a unique prefix of at least MIN_PREFIX_LENGTH
 * characters. Hex kinds must be hex (INVALID_ID otherwise); a named kind's id is tried whole
 * first, so a camera called "gate" is never mistaken for a prefix of "gate-2".
 */
export async function resolveId(kind: IdKind, raw: string, lookup: IdLookup): Promise<string> {
  const hexLength = KINDS[kind].hexLength;
  if (hexLength !== null) {
    const prefix = parseIdPrefix(raw, kind, hexLength);
    if (prefix.length === hexLength) return prefix;
    return pickUnique(prefix, await lookup.withPrefix(prefix, PREFIX_MATCHES_READ), kind);
  }
  if (await lookup.exists?.(raw)) return raw;
  if (raw.length < MIN_PREFIX_LENGTH) throw notFoundError(kind, raw);
  // The lookup's range compares in the database's collation: keep only true prefixes.
  const matches = (await lookup.withPrefix(raw, PREFIX_MATCHES_READ)).filter((id) => id.startsWith(raw));
  return pickUnique(raw, matches, kind);
}

export function newAnalysisId(): string {
  return randomBytes(16).toString('hex');
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/** Event ids have the shape of analysis ids: 32 random hex. */
export const newEventId = newAnalysisId;

/**
 * Frame ids are 32 hex too, but start with the capture time (12 hex of epoch milliseconds), then 20
 * random: they sort by time, and a thousand frames a second go in at the end of the table's index
 * instead of at random places in it, which keeps archiving's writes to a few pages however large the
 * table grows.
 */
export function newFrameId(capturedAtMs: number): string {
  return Math.max(0, Math.floor(capturedAtMs)).toString(16).padStart(12, '0').slice(-12) + randomBytes(10).toString('hex');
}
