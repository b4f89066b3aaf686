import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema.js';

export interface Page<T> {
  items: T[];
  /** Pass back as `after` for the next page; null on the last page. */
  next: string | null;
}

/**
 * Keyset pagination over (created_at, id), newest first: stable while rows are added, and as fast on
 * page 1000 as on page 1. Cursors are opaque to clients: base64url of "time:id".
 */
export function encodeCursor(time: number, id: string): string {
  return Buffer.from(`${time}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): { time: number; id: string } | null {
  if (!cursor) return null;
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  if (!time || !id || !/^\d+$/.test(time)) return null;
  return { time: Number(time), id };
}

/** Rows after the cursor, for tables keyed by `created_at` and `id`. */
export function olderThan(cursor: { time: number; id: string }): RawBuilder<boolean> {
  return sql<boolean>`(created_at < ${cursor.time} OR (created_at = ${cursor.time} AND id < ${cursor.id}))`;
}

/** Builds a page from up to limit + 1 rows (the extra row only says there is a next page). */
export function toPage<T extends { createdAt: number; id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
}

/**
 * The smallest string greater than every string starting with `prefix`: its last character moved
 * one up. Ids are ASCII (hex, or camera and job names), so the next code point exists.
 */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** Tables whose primary key is a text `id` that users type. */
type IdTable = 'files' | 'analyses' | 'events' | 'frames' | 'cameras' | 'import_jobs' | 'label_projects' | 'label_assets' | 'labels' | 'label_exports';

/**
 * Ids starting with `prefix`, in id order, at most `limit`: a range on the primary key
 * (`id >= p AND id < prefixEnd(p)`), which both databases answer from the index.
 */
export async function idsWithPrefix(db: Kysely<Database>, table: IdTable, prefix: string, limit: number): Promise<string[]> {
  if (prefix === '') return [];
  const rows = await db.selectFrom(table).select('id').where('id', '>=', prefix).where('id', '<', prefixEnd(prefix)).orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}
