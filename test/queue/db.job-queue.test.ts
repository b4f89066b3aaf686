import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs } from 'kysely';
import { systemClock } from '../../src/adapters/clock.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/adapters/db/database.js';
import { DbJobQueue } from '../../src/adapters/queue/db.job-queue.js';
import { waitUntil } from '../helpers/cli.js';
import { createTestEnv, dialectName } from '../helpers/test-library.js';
import { jobQueueContract, type QueueClient } from './job-queue.contract.js';
import type { RunningJob, WorkerOptions } from '../../src/adapters/queue/job-queue.js';

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

describe(`DbJobQueue on ${dialectName}: statements meeting concurrent ones`, () => {
  const options = { pollMs: 10, heartbeatMs: 5, leaseMs: 5_000, timeoutMs: 10_000, backoff: { baseMs: 20, maxMs: 200 } };

  it('records a job whose "completed" lost a deadlock as completed, and does not run it again', async () => {
    // The first statement marking a job completed fails as a deadlock victim does: nothing written.
    let victims = 0;
    const plugin = statementSpy({
      before(node) {
        if (victims > 0 || updatedColumns(node).state !== 'completed') return;
        victims += 1;
        throw Object.assign(new Error('deadlock detected'), { code: dialectName === 'postgres' ? '40P01' : 'SQLITE_BUSY' });
      },
    });
    await withQueue(plugin, async (queue) => {
      const id = randomBytes(8).toString('hex');
      await queue.enqueue({ id, name: 'alpha', payload: {}, maxAttempts: 3 });
      const runs: number[] = [];
      const reported = await runWorker(queue, { ...options, handle: async (job) => void runs.push(job.attempt) }, async () => {
        await waitUntil(`job ${id} to complete`, async () => (await queue.get(id))?.state === 'completed', 10_000, 10);
      });
      assert.equal(victims, 1, 'the completion statement was never sent');
      assert.deepEqual(runs, [1]);
      assert.deepEqual(reported, []);
      const record = await queue.get(id);
      assert.deepEqual({ state: record?.state, attempts: record?.attempts }, { state: 'completed', attempts: 1 });
    });
  });

  it('keeps one lease renewal in flight per worker, however slow the database answers', async () => {
    let inFlight = 0;
    let most = 0;
    let renewals = 0;
    const isRenewal = (node: OperationNode) => Object.keys(updatedColumns(node)).join() === 'lease_until';
    const plugin = statementSpy({
      before(node) {
        if (!isRenewal(node)) return;
        inFlight += 1;
        most = Math.max(most, inFlight);
      },
      async after(node) {
        if (!isRenewal(node)) return;
        await sleep(40); // an answer slower than eight heartbeats
        inFlight -= 1;
        renewals += 1;
      },
    });
    await withQueue(plugin, async (queue) => {
      const ids = Array.from({ length: 4 }, () => randomBytes(8).toString('hex'));
      for (const id of ids) await queue.enqueue({ id, name: 'alpha', payload: {}, maxAttempts: 3 });
      // The jobs run until three renewals were answered, not for a fixed time: a loaded machine fires
      // fewer heartbeats a second, and the claim is about overlap, not rate.
      const reported = await runWorker(queue, { ...options, handle: async () => void (await waitUntil('three lease renewals', () => renewals >= 3, 10_000, 5)) }, async () => {
        for (const id of ids) await waitUntil(`job ${id} to complete`, async () => (await queue.get(id))?.state === 'completed', 10_000, 10);
      });
      assert.ok(renewals >= 3, `only ${renewals} lease renewals while jobs ran`);
      assert.equal(most, 1, `${most} renewals of one worker were in flight at once`);
      assert.deepEqual(reported, []);
    });
  });
});

/** Calls `before` with each statement about to be sent (throw to fail it unsent), `after` once it is answered. */
function statementSpy(hooks: { before?: (node: OperationNode) => void; after?: (node: OperationNode) => Promise<void> }): KyselyPlugin {
  const nodes = new WeakMap<object, OperationNode>();
  return {
    transformQuery(args: PluginTransformQueryArgs) {
      nodes.set(args.queryId, args.node);
      hooks.before?.(args.node);
      return args.node;
    },
    async transformResult(args) {
      const node = nodes.get(args.queryId);
      if (node) await hooks.after?.(node);
      return args.result;
    },
  };
}

/** Column → value of an UPDATE's SET clause (values that are not plain parameters read as null). */
function updatedColumns(node: OperationNode): Record<string, unknown> {
  if (node.kind !== 'UpdateQueryNode') return {};
  const updates = (node as unknown as { updates?: { column: { column: { name: string } }; value: { kind: string; value?: unknown } }[] }).updates ?? [];
  return Object.fromEntries(updates.map((u) => [u.column.column.name, u.value.kind === 'ValueNode' ? u.value.value : null]));
}

async function withQueue(plugin: KyselyPlugin, body: (queue: DbJobQueue) => Promise<void>): Promise<void> {
  const env = await createTestEnv();
  const handle = openDatabase(env.config());
  try {
    await migrateToLatest(handle);
    await body(new DbJobQueue(handle.db.withPlugin(plugin), handle.dialect, systemClock));
  } finally {
    await handle.close();
    await env.cleanup();
  }
}

/** Runs a worker taking 'alpha' jobs two at a time until `done` resolves; returns the errors and retries it reported. */
async function runWorker(
  queue: DbJobQueue,
  spec: Omit<WorkerOptions, 'concurrency' | 'onFailed'> & { handle: (job: RunningJob) => Promise<void> },
  done: () => Promise<void>,
): Promise<string[]> {
  const reported: string[] = [];
  const worker = queue.startWorker({
    ...spec,
    concurrency: { alpha: 2 },
    onFailed: async (job, error) => void reported.push(`failed ${job.id}: ${error.message}`),
    onRetry: async (job, error) => void reported.push(`retry ${job.id}: ${error.message}`),
    onError: (error) => void reported.push(`error: ${String(error)}`),
  });
  try {
    await done();
  } finally {
    await worker.close();
  }
  return reported;
}
