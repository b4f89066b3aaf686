import { resolve } from 'node:path';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.js';
import { CamtroveError } from '../../domain/errors.js';
import { isLoopback } from '../../domain/listen-address.js';
import { openLibrary } from '../../main.js';
import { addCommonOptions, libraryConfigFrom, type CommonOptions } from '../context.js';
import { untilStopped } from '../signals.js';

interface ServeOptions extends CommonOptions {
  host?: string;
  port?: string;
  workers: boolean;
}

export function serveCommand(): Command {
  return addCommonOptions(
    new Command('serve')
      .description('run the HTTP API, with analysis workers in the same process')
      .option('--host <address>', 'address to listen on (default 127.0.0.1; env CAMTROVE_HOST)')
      .option('--port <port>', 'port (default 8080; env CAMTROVE_PORT)')
      .option('--no-workers', 'do not run analyses here (use separate `camtrove worker` processes)'),
  ).action(async (options: ServeOptions) => {
    const config = libraryConfigFrom(options, {
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.workers === false ? { workers: false } : {}),
    });
    const library = await openLibrary(config);
    try {
      library.media.ensureAvailable();
      if (!isLoopback(config.host) && !(await library.tokens.anyExist())) {
        throw new CamtroveError(
          'CAMTROVE_ERR_PUBLIC_BIND_WITHOUT_TOKEN',
          `refusing to listen on ${config.host} without an API token: anyone on the network could use this server. Create one first with \`camtrove token create\`, or listen on 127.0.0.1`,
        );
      }
      const requeued = await library.analyses.requeuePending();
      // Loaded here, not at the top: the other commands start faster without the HTTP stack.
      const { buildApp } = await import('../../http/app.js');
      const app = await buildApp({ ...library, logger: library.logger });
      const address = await listen(app, config);
      // Workers start once the port is ours, so a server that cannot start takes no jobs.
      if (config.workers) {
        library.startWorkers();
        await library.startArchiving();
      }
      // The one line a person starting the server reads: where it answers, where its docs are, which library it serves.
      // Listening for Ctrl+C before saying so: whoever reads the line may send the signal at once.
      const stopped = untilStopped();
      const docs = `${address}/docs`;
      const dataDir = resolve(config.dataDir);
      library.logger.info({ address, docs, database: library.database.description, dataDir, workers: config.workers, requeued }, `camtrove listening on ${address}, API docs at ${docs}, library ${dataDir}${library.database.dialect === 'postgres' ? ` with database ${library.database.description}` : ''}`);
      const signal = await stopped;
      library.logger.info({ signal }, 'shutting down');
      await app.close();
    } finally {
      await library.close();
    }
  });
}

async function listen(app: FastifyInstance, config: Readonly<Config>): Promise<string> {
  try {
    return await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CamtroveError('CAMTROVE_ERR_CONFIG', `port ${config.port} on ${config.host} is already in use: stop the program using it or choose another port with --port or CAMTROVE_PORT`);
    }
    throw error;
  }
}
