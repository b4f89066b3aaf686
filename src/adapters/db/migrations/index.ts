import type { Migration } from 'kysely';
import * as initial from './2026-11-22-001-initial.js';
import * as mediaEvents from './2026-11-22-002-media-events.js';
import * as cameras from './2026-11-30-003-cameras.js';
import * as frames from './2026-11-30-004-frames.js';
import * as cameraHealth from './2026-11-30-005-camera-health.js';
import * as importJobs from './2026-12-01-006-import-jobs.js';
import * as eventSearch from './2026-12-01-007-event-search.js';
import * as eventsInTimeOrder from './2026-12-01-008-events-in-time-order.js';
import * as blobDeletions from './2026-12-06-009-blob-deletions.js';
import * as framesInTimeOrder from './2026-12-06-010-frames-in-time-order.js';
import * as labeling from './2026-12-07-011-labeling.js';
import * as labels from './2026-12-07-013-labels.js';
import * as finishedJobs from './2026-12-07-014-finished-jobs.js';
import * as archivers from './2026-12-07-015-archivers.js';
import * as libraryIdentity from './2026-12-07-016-library-identity.js';

/** Every migration in order; names are date-prefixed and never change once landed. */
export const migrations: Record<string, Migration> = {
  '2026-11-22-001-initial': initial,
  '2026-11-22-002-media-events': mediaEvents,
  '2026-11-30-003-cameras': cameras,
  '2026-11-30-004-frames': frames,
  '2026-11-30-005-camera-health': cameraHealth,
  '2026-12-01-006-import-jobs': importJobs,
  '2026-12-01-007-event-search': eventSearch,
  '2026-12-01-008-events-in-time-order': eventsInTimeOrder,
  '2026-12-06-009-blob-deletions': blobDeletions,
  '2026-12-06-010-frames-in-time-order': framesInTimeOrder,
  '2026-12-07-011-labeling': labeling,
  '2026-12-07-013-labels': labels,
  '2026-12-07-014-finished-jobs': finishedJobs,
  '2026-12-07-015-archivers': archivers,
  '2026-12-07-016-library-identity': libraryIdentity,
};
