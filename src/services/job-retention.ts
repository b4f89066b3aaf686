import type { Clock } from '../adapters/clock.js';
import type { JobQueue } from '../adapters/queue/job-queue.js';

/** Jobs deleted per statement. */
const BATCH = 1000;

/**
 * Deletes the queue's completed and cancelled jobs once older than `keepMs` (the records of
 * analyses, assets and exports keep what they did); failed jobs stay to be listed and retried.
 * Every worker process prunes: deleting the same rows twice is harmless.
 */
export class JobRetention {
  constructor(
    private readonly queue: Pick<JobQueue, 'prune'>,
    private readonly clock: Clock,
    private readonly keepMs: number,
  ) {}

  async sweep(): Promise<number> {
    const before = this.clock.now() - this.keepMs;
    let total = 0;
    for (;;) {
      const deleted = await this.queue.prune(before, BATCH);
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
