import { randomBytes } from 'node:crypto';
import { CamtroveError } from './errors.js';

/** Ids are lowercase hex: a file id is the 64-hex SHA-256 of its bytes, an analysis id 32 random hex. */
export const MIN_PREFIX_LENGTH = 6;
const HEX_ID = /^[0-9a-f]+$/;

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

/** Picks the one match of a prefix lookup, or throws NOT_FOUND / AMBIGUOUS_ID naming the matches. */
export function pickUnique(prefix: string, matches: readonly string[], kind: 'file' | 'analysis'): string {
  const [first] = matches;
  if (first === undefined) {
    const code = kind === 'file' ? 'CAMTROVE_ERR_FILE_NOT_FOUND' : 'CAMTROVE_ERR_ANALYSIS_NOT_FOUND';
    throw new CamtroveError(code, `no ${kind} has id ${prefix}${prefix.length < 32 ? '…' : ''}`);
  }
  if (matches.length > 1) {
    throw new CamtroveError(
      'CAMTROVE_ERR_AMBIGUOUS_ID',
      `${kind} id prefix ${prefix} matches several ${kind === 'file' ? 'files' : 'analyses'} (${matches.join(', ')}); give more characters`,
    );
  }
  return first;
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
