import type { KyselyPlugin } from 'kysely';
import { systemClock } from '../../src/adapters/clock.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/adapters/db/database.js';
import { DbJobQueue } from '../../src/adapters/queue/db.job-queue.js';
import { createTestEnv, dialectName } from '../helpers/test-library.js';
import { jobQueueContract, type QueueClient } from './job-queue.contract.js';

// Each test gets its own database (a temp SQLite file, or its own PostgreSQL schema). A second
// client opens its own connections to it, as another `camtrove worker` process would.
jobQueueContract(`DbJobQueue on ${dialectName}`, async () => {
  const env = await createTestEnv();
  const config = env.config();
  let main: DatabaseHandle | null = null;
  try {
    main = openDatabase(config);
    await migrateToLatest(main);
  } catch (error) {
    await main?.close();
    await env.cleanup();
    throw error;
  }
  const database = main;
  return {
    queue: new DbJobQueue(database.db, database.dialect, systemClock),
    async connect(): Promise<QueueClient> {
      const handle = openDatabase(config);
      const link = severableLink();
      return {
        queue: new DbJobQueue(handle.db.withPlugin(link.plugin), handle.dialect, systemClock),
        crash: async () => link.sever(),
        dispose: () => handle.close(),
      };
    },
    async dispose() {
      await database.close();
      await env.cleanup();
    },
  };
});

/**
 * What a dead process looks like from the database: from `sever()` on, none of its statements
 * reach the database and no answer reaches it. (Destroying its pool instead would leave its
 * workers' pending queries hanging, so they could not be shut down at the end of the test.)
 */
function severableLink(): { plugin: KyselyPlugin; sever(): void } {
  let severed = false;
  const check = () => {
    if (severed) throw new Error('the process using this connection is gone');
  };
  return {
    plugin: {
      transformQuery(args) {
        check();
        return args.node;
      },
      async transformResult(args) {
        check();
        return args.result;
      },
    },
    sever: () => void (severed = true),
  };
}
