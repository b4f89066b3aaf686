import type { Logger } from 'pino';
import type { Clock } from '../adapters/clock.js';
import type { JobQueue } from '../adapters/queue/job-queue.js';

/** Jobs deleted per statement. */
const BATCH = 1000;
/** How often each worker process prunes: finished jobs pile up at the rate work is done, slowly. */
export const PRUNE_EVERY_MS = 3_600_000;

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

  /** Sweeps now and then every `everyMs` until stopped; a failed sweep is logged and tried again next time. */
  start(logger: Logger, everyMs = PRUNE_EVERY_MS): { stop(): Promise<void> } {
    let running: Promise<void> = Promise.resolve();
    const sweep = () => {
      running = this.sweep().then(
        (deleted) => void (deleted > 0 && logger.info({ deleted }, `deleted ${deleted} finished jobs older than the queue keeps them`)),
        (error: unknown) => logger.warn({ err: error }, 'could not delete old finished jobs; the next sweep tries again'),
      );
    };
    sweep();
    const timer = setInterval(sweep, everyMs);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  }
}
