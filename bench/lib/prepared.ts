import { ServerConnection } from '../../src/adapters/remote/server-connection.js';
import type { BatchStatus, Camtrove } from '../../src/sdk/index.js';

/** Polls the import's batch until nothing is pending (or, if the SDK did not pass the batch on, the project's assets: it holds only this import's). */
export async function untilPrepared(sdk: Camtrove, url: string, projectId: string, batchId: string | null): Promise<{ ready: number; failed: number }> {
  const connection = new ServerConnection(new URL(url), null, 'labeling');
  try {
    for (;;) {
      if (batchId !== null) {
        const status = await connection.json<BatchStatus>({ method: 'GET', path: `/api/projects/${projectId}/assets/batches/${batchId}` });
        if (status.pending === 0) return { ready: status.ready, failed: status.failed.length };
      } else {
        const states = (await sdk.assets({ projectId, fields: ['processing'] })).map((a) => a.processing.state);
        if (!states.includes('PENDING')) return { ready: states.filter((s) => s === 'READY').length, failed: states.filter((s) => s === 'FAILED').length };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await connection.close();
  }
}
