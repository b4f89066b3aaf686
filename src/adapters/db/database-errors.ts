import { CamtroveError } from '../../domain/errors.js';
import type { DialectName } from './database.js';

/** SQLSTATEs PostgreSQL answers a connection it will not serve with. */
const AUTH_STATES = new Set(['28P01', '28000']);
const MISSING_DATABASE = '3D000';
/** Socket errors of a server that cannot be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);

/**
 * The error to report for one opening the database threw: a catalogue error naming the database
 * (`description` is safe to print: no password) and what to do, for the failures a user can fix.
 * Anything else is returned as it is.
 */
export function explainDatabaseError(error: unknown, dialect: DialectName, description: string): unknown {
  if (error instanceof CamtroveError && error.code !== 'CAMTROVE_ERR_INTERNAL') return error;
  const cause = rootCause(error);
  const rawCode = (cause as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'string' ? rawCode : '';
  const message = cause instanceof Error ? cause.message : String(cause);
  if (dialect === 'sqlite') {
    if (/^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)/.test(code)) {
      return new CamtroveError('CAMTROVE_ERR_DATABASE_READ_ONLY', `cannot write the SQLite database ${description} (${message}): give the user running camtrove write access to it and its folder, or choose another data folder with --data`, { cause: error });
    }
    return error;
  }
  if (AUTH_STATES.has(code)) {
    return new CamtroveError('CAMTROVE_ERR_DATABASE_AUTH', `PostgreSQL at ${description} refused the connection: ${message}; fix the user or password in CAMTROVE_DATABASE_URL`, { cause: error });
  }
  if (code === MISSING_DATABASE) {
    return new CamtroveError('CAMTROVE_ERR_DATABASE_NOT_FOUND', `PostgreSQL at ${description}: ${message}; create it (createdb) or fix the database name in CAMTROVE_DATABASE_URL`, { cause: error });
  }
  if (UNREACHABLE.has(code) || /timeout|terminated unexpectedly/i.test(message)) {
    return new CamtroveError('CAMTROVE_ERR_DATABASE_UNREACHABLE', `cannot reach PostgreSQL at ${description} (${code || message}): start it, or fix the host and port in CAMTROVE_DATABASE_URL`, { cause: error });
  }
  return error;
}

/** The innermost cause: migrations wrap the driver's error; a connection to a name with several addresses fails with an AggregateError. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const next: unknown = current instanceof AggregateError && current.errors.length > 0 ? (current.errors as unknown[])[0] : (current as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) break;
    current = next;
  }
  return current;
}
