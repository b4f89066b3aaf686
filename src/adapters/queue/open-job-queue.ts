import type { QueueLocation } from '../../domain/queue-location.js';
import type { Clock } from '../clock.js';
import type { DatabaseHandle } from '../db/database.js';
import { libraryId } from '../db/library-identity.js';
import { DbJobQueue } from './db.job-queue.js';
import type { JobQueue } from './job-queue.js';

export interface OpenedJobQueue {
  queue: JobQueue;
  /** What the start-up check found worth a warning (a Redis that does not persist). */
  warnings: string[];
  /** Closes the queue's own connections; the database closes with the library. */
  close(): Promise<void>;
}

/** The queue the configuration names: the metadata database's, or BullMQ on Redis. */
export async function openJobQueue(
  location: QueueLocation,
  database: DatabaseHandle,
  clock: Clock,
  options: { onError?: (error: unknown) => void; globalConcurrency?: Readonly<Record<string, number>> } = {},
): Promise<OpenedJobQueue> {
  if (location.kind === 'database') {
    return { queue: new DbJobQueue(database.db, database.dialect, clock), warnings: [], close: async () => undefined };
  }
  // Loaded only here: BullMQ and its Redis client add a tenth of a second to every start.
  const { BullJobQueue } = await import('./bull.job-queue.js');
  // Libraries sharing a Redis keep apart: each one's keys are under its own id.
  const queue = await BullJobQueue.open({ url: location.url, prefix: `camtrove:${await libraryId(database.db)}`, globalConcurrency: { ...options.globalConcurrency }, onError: options.onError });
  return { queue, warnings: queue.warnings, close: () => queue.close() };
}
