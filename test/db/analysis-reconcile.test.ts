// What a crash can leave between the analyses and their jobs, set right by AnalysisService.reconcile
// (every worker runs it hourly): on the real queue and database, SQLite or PostgreSQL. The crashes are
// simulated by changing the rows as a process that died half way would have left them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestLibrary } from '../helpers/test-library.js';

type TestLibrary = Awaited<ReturnType<typeof openTestLibrary>>;

describe('reconciling analyses with their jobs', () => {
  let library: TestLibrary;
  before(async () => {
    library = await openTestLibrary();
  });
  after(async () => {
    await library?.dispose();
  });

  /** A `sleep` analysis no worker runs: PENDING, its job waiting. */
  const started = async () => (await library.analyses.start({ analysis: 'sleep', params: { time: 1 } })).id;
  const setJob = (id: string, values: { state: string; last_error?: string }) => library.database.db.updateTable('jobs').set({ ...values, finished_at: Date.now() }).where('id', '=', id).execute();
  const setStarted = (id: string) => library.database.db.updateTable('analyses').set({ state: 'STARTED', attempts: 1, updated_at: Date.now() }).where('id', '=', id).execute();

  it('queues a PENDING analysis whose job is gone, and ends STARTED ones whose job failed, was cancelled or is gone', async () => {
    const lostPending = await started();
    await library.database.db.deleteFrom('jobs').where('id', '=', lostPending).execute();
    const failedJob = await started();
    await setStarted(failedJob);
    await setJob(failedJob, { state: 'failed', last_error: 'worker lost' });
    const cancelledJob = await started();
    await setStarted(cancelledJob);
    await setJob(cancelledJob, { state: 'cancelled' });
    const goneJob = await started();
    await setStarted(goneJob);
    await library.database.db.deleteFrom('jobs').where('id', '=', goneJob).execute();
    const fine = await started();

    assert.deepEqual(await library.analyses.reconcile({ graceMs: 10 }), { requeued: 1, ended: 3 });
    assert.equal((await library.queue.get(lostPending))?.state, 'waiting');
    const ended = await Promise.all([failedJob, cancelledJob, goneJob, fine].map((id) => library.analyses.get(id)));
    assert.deepEqual(ended.map((a) => [a.state, a.error?.code ?? null]), [['FAILURE', 'CAMTROVE_ERR_WORKER_LOST'], ['CANCELLED', null], ['FAILURE', 'CAMTROVE_ERR_WORKER_LOST'], ['PENDING', null]]);
    assert.match(ended[0]!.error?.message ?? '', /its job failed: worker lost/);
    assert.match(ended[2]!.error?.message ?? '', /no longer in the queue/);
    assert.deepEqual(await library.analyses.reconcile({ graceMs: 10 }), { requeued: 0, ended: 0 }, 'nothing left to set right');
  });

  it('retries the failed job of a PENDING analysis (a retry cut short), and leaves what changed during the grace alone', async () => {
    const retrying = await started();
    await setJob(retrying, { state: 'failed', last_error: 'broken' });
    const recorded = await started();
    await setStarted(recorded);
    await setJob(recorded, { state: 'failed', last_error: 'not a video' });

    const reconciled = library.analyses.reconcile({ graceMs: 300 });
    // Meanwhile the worker records the failure itself, with its own code: that record stands.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await library.database.db.updateTable('analyses').set({ state: 'FAILURE', error_code: 'CAMTROVE_ERR_MEDIA_UNREADABLE', error_message: 'not a video', updated_at: Date.now() }).where('id', '=', recorded).execute();
    assert.deepEqual(await reconciled, { requeued: 1, ended: 0 });
    assert.equal((await library.queue.get(retrying))?.state, 'waiting');
    assert.equal((await library.analyses.get(recorded)).error?.code, 'CAMTROVE_ERR_MEDIA_UNREADABLE');
  });

  it('stops waiting out the grace when aborted, doing nothing', async () => {
    const id = await started();
    await setStarted(id);
    await library.database.db.deleteFrom('jobs').where('id', '=', id).execute();
    const stop = new AbortController();
    const reconciled = library.analyses.reconcile({ graceMs: 60_000, signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    await assert.rejects(reconciled);
    assert.equal((await library.analyses.get(id)).state, 'STARTED');
  });
});
