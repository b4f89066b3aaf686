import type { Migration } from 'kysely';
import * as initial from './2026-11-22-001-initial.js';
import * as mediaEvents from './2026-11-22-002-media-events.js';

/** Every migration in order; names are date-prefixed and never change once landed. */
export const migrations: Record<string, Migration> = {
  '2026-11-22-001-initial': initial,
  '2026-11-22-002-media-events': mediaEvents,
};
