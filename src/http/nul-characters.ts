import type { FastifyInstance } from 'fastify';
import { CamtroveError } from '../domain/errors.js';

/**
 * No text camtrove takes (ids, names, labels, paths, filters) has a use for a NUL character, and
 * PostgreSQL cannot store one in text (it fails the statement: a 500 where SQLite would keep it).
 * A NUL anywhere in the path, the query, the headers or a parsed body is refused, naming where.
 */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['params', request.params], ['querystring', request.query], ['headers', request.headers], ['body', request.body]] as const) {
      const where = nulIn(value, '');
      if (where !== null) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `${part} ${where || 'value'}: contains a NUL character`.replace('  ', ' '));
    }
  });
}

/** The path of the first string (or key) holding a NUL, '' for `value` itself, or null. Plain data only: streams are not walked. */
function nulIn(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > 100) return null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulIn(item, `${path}[${i}]`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  if (Buffer.isBuffer(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return null;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at;
    const found = nulIn(item, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
