import { Command } from 'commander';
import { openLibrary } from '../../main.js';
import { addCommonOptions, libraryConfigFrom, type CommonOptions } from '../context.js';
import { untilStopped } from '../signals.js';

export function workerCommand(): Command {
  return addCommonOptions(new Command('worker').description('run analysis workers and continuous camera archiving, sharing the queue and the cameras with other processes')).action(async (options: CommonOptions) => {
    const library = await openLibrary(libraryConfigFrom(options));
    try {
      library.media.ensureAvailable();
      await library.analyses.requeuePending();
      library.startWorkers();
      await library.startArchiving();
      const stopped = untilStopped(); // before the line that says the worker is ready
      library.logger.info({ database: library.database.description, concurrency: library.config.concurrency }, 'camtrove worker started');
      const signal = await stopped;
      library.logger.info({ signal }, 'worker stopping; running analyses go back to the queue');
    } finally {
      await library.close();
    }
  });
}
