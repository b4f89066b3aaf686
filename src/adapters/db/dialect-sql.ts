import { sql, type RawBuilder } from 'kysely';
import type { DialectName } from './database.js';

/**
 * SQL that differs between SQLite and PostgreSQL, in one place. Repositories call these instead of
 * writing either dialect's functions themselves.
 */

/** `column` contains `value`, case-sensitively, with no wildcard meaning in `value`. */
export function containsText(dialect: DialectName, column: string, value: string): RawBuilder<boolean> {
  return dialect === 'postgres' ? sql<boolean>`strpos(${sql.ref(column)}, ${value}) > 0` : sql<boolean>`instr(${sql.ref(column)}, ${value}) > 0`;
}
