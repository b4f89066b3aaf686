import { CamtroveError, isCamtroveError } from './errors.js';

/**
 * Error codes meaning "no room to write": the file system's (full, over quota), SQLite's (its
 * WAL or database file could not grow) and PostgreSQL's (disk_full).
 */
const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100', 'CAMTROVE_ERR_NO_SPACE']);

/** Whether an error, or an error it wraps, says the disk is full. */
export function isNoSpace(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NO_SPACE_CODES.has(code)) return true;
  }
  return false;
}

/** The catalogue's error for a full disk, saying what did not happen; other errors pass through. */
export function asNoSpace(error: unknown, outcome: string): unknown {
  if (!isNoSpace(error) || (isCamtroveError(error) && error.code === 'CAMTROVE_ERR_NO_SPACE')) return error;
  const given = (error as { code?: unknown }).code;
  const code = typeof given === 'string' ? given : 'ENOSPC';
  return new CamtroveError('CAMTROVE_ERR_NO_SPACE', `the disk holding the library is full (${code}); ${outcome}. Delete files to free space and try again`, { cause: error });
}
