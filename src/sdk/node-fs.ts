import type * as NodeFs from 'node:fs';

/**
 * node:fs, loaded only when a local path is used (a browser has none): the SDK's one Node module,
 * imported in this one place so a browser bundle leaves it out. Null where it cannot be loaded.
 */
export function loadNodeFs(): Promise<typeof NodeFs | null> {
  return import('node:fs').catch(() => null);
}
