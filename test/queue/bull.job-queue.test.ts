import { BullJobQueue } from '../../src/adapters/queue/bull.job-queue.js';
import { deleteKeys, severableLink, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-server.js';
import { jobQueueContract, type QueueClient } from './job-queue.contract.js';

// Each fixture has its own key prefix on the shared Redis, deleted afterwards. A second client
// reaches Redis through a relay of its own, which crash() cuts, as a dead process's sockets close.
jobQueueContract('BullJobQueue on Redis', async () => {
  const prefix = uniquePrefix();
  const queue = await BullJobQueue.open({ url: SHARED_REDIS_URL, prefix });
  return {
    queue,
    async connect(): Promise<QueueClient> {
      const link = await severableLink(6379);
      const client = await BullJobQueue.open({ url: link.url, prefix, redisOptions: link.redisOptions });
      return {
        queue: client,
        crash: () => link.sever(),
        async dispose() {
          await client.close();
          await link.close();
        },
      };
    },
    async dispose() {
      await queue.close();
      await deleteKeys(SHARED_REDIS_URL, prefix);
    },
  };
});
