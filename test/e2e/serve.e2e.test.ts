import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/adapters/db/database.js';
import { analysisLogs, freePort, Processes, waitUntil, type CamtroveProcess, type Server } from '../helpers/cli.js';
import { fileForm, pollAnalysis } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

interface AnalysisBody {
  analysis_id: string;
  state: string;
  attempts: number;
  progress: number;
  result: unknown;
  error: { code: string; message: string } | null;
}

async function startAnalysis(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${url}/api/analyses`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const answer = (await response.json()) as { analysis_id?: string };
  assert.equal(response.status, 200, JSON.stringify(answer));
  return answer.analysis_id!;
}

async function analysisOf(url: string, id: string): Promise<AnalysisBody> {
  const response = await fetch(`${url}/api/analyses/${id}`);
  assert.equal(response.status, 200);
  return (await response.json()) as AnalysisBody;
}

/** Waits until the analysis is STARTED (its sleep is under way). */
function untilStarted(url: string, id: string): Promise<AnalysisBody> {
  return waitUntil(`analysis ${id} to start`, async () => {
    const analysis = await analysisOf(url, id);
    assert.ok(['PENDING', 'STARTED'].includes(analysis.state), `analysis ${id} is ${analysis.state} before it could be interrupted`);
    return analysis.state === 'STARTED' && analysis;
  });
}

/** The queue's row for a job, read straight from the test's database. */
async function jobRow(env: TestEnv, id: string): Promise<{ state: string; attempts: number }> {
  const database = openDatabase(env.config());
  try {
    return await database.db.selectFrom('jobs').select(['state', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow();
  } finally {
    await database.close();
  }
}

/** The job's row once it has settled: the analysis answers SUCCESS a moment before the queue marks its job completed. */
async function settledJobRow(env: TestEnv, id: string): Promise<{ state: string; attempts: number }> {
  for (let tries = 0; tries < 50; tries += 1) {
    const row = await jobRow(env, id);
    if (row.state === 'completed' || row.state === 'failed') return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return jobRow(env, id);
}

/**
 * Leases long enough that a heartbeat delayed by a busy machine never looks like a dead worker, in
 * tests where no worker dies; and short enough, where one does, that the restart takes over soon.
 */
const steadyLease = { CAMTROVE_LEASE: '10s' };
const crashLease = { CAMTROVE_LEASE: '3s' };

describe('camtrove serve', () => {
  const processes = new Processes();
  const envs: TestEnv[] = [];
  let clip: string;

  async function newEnv(): Promise<TestEnv> {
    const env = await createTestEnv();
    envs.push(env);
    return env;
  }

  before(async () => {
    const env = await newEnv();
    clip = await makeVideo(join(env.dir, 'clip.mp4'), { seconds: 2, width: 320, height: 240 });
  });
  after(async () => {
    await processes.killAll();
    for (const env of envs) await env.cleanup();
  });

  it('the tour: upload, start an analysis, poll until done, download the result', async () => {
    const env = envs[0]!;
    const { url } = await processes.serve(env.env());
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);

    const bytes = await readFile(clip);
    const upload = await fetch(`${url}/api/files`, { method: 'POST', body: fileForm(bytes, 'clip.mp4') });
    assert.equal(upload.status, 200);
    const { file_id: fileId } = (await upload.json()) as { file_id: string };
    assert.equal(fileId, createHash('sha256').update(bytes).digest('hex'));

    const id = await startAnalysis(url, { analysis: 'thumbnail', file_id: fileId, params: { t: 1, width: 160 } });
    const done = await pollAnalysis(url, id, 20_000);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const result = done.body as { file_id: string; t: number; width: number; height: number };
    assert.deepEqual({ t: result.t, width: result.width, height: result.height }, { t: 1, width: 160, height: 120 });

    const download = await fetch(`${url}/api/files/${result.file_id}`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'image/jpeg');
    const jpeg = Buffer.from(await download.arrayBuffer());
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    assert.equal(createHash('sha256').update(jpeg).digest('hex'), result.file_id);
  });

  it('refuses to listen on 0.0.0.0 without a token; with one it starts and every request needs it, and revoking the last one closes it', async () => {
    const env = await newEnv();
    const port = String(await freePort());
    const refused = await processes.run(['serve', '--host', '0.0.0.0', '--port', port], env.env());
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refusing to listen on 0\.0\.0\.0 without an API token: .*Create one first with `camtrove token create`.*\(CAMTROVE_ERR_PUBLIC_BIND_WITHOUT_TOKEN\)/);
    assert.ok(!refused.stderr.includes('camtrove listening'), 'it never listened');

    const created = await processes.run(['token', 'create', '--json'], env.env());
    assert.equal(created.code, 0, created.stderr);
    const { id, token } = JSON.parse(created.stdout) as { id: string; token: string };

    const { url, process: server } = await processes.serve(env.env(), ['--host', '0.0.0.0']);
    try {
      const anonymous = await fetch(`${url}/api/files`);
      assert.equal(anonymous.status, 401);
      assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_UNAUTHORIZED');
      const wrong = await fetch(`${url}/api/files`, { headers: { authorization: 'Bearer ctk_not-the-token' } });
      assert.equal(wrong.status, 401);
      const allowed = await fetch(`${url}/api/files`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(allowed.status, 200);
      assert.deepEqual(await allowed.json(), { files: [], next: null });

      // 3. Revoking the last token while it listens closes it rather than opening it.
      const revoked = await processes.run(['token', 'revoke', id], env.env());
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stdout, /It was the last one: a server of this library listening beyond loopback now refuses every request/);
      for (const headers of [{}, { authorization: `Bearer ${token}` }] as Record<string, string>[]) {
        const closed = await fetch(`${url}/api/files`, { headers });
        assert.equal(closed.status, 401);
        assert.match(((await closed.json()) as { error: { message: string } }).error.message, /no API token.*`camtrove token create`/);
      }
      assert.equal((await fetch(`${url}/health`)).status, 200);
    } finally {
      server.kill('SIGTERM');
    }
    assert.deepEqual(await server.waitForExit(5000), { code: 0, signal: null });
    assert.ok(!server.stderr.includes(token), 'the token never reaches the log');
  });

  describe('with separate worker processes', () => {
    let env: TestEnv;
    let server: Server;
    let first: CamtroveProcess;

    const workerEnv = () => ({ ...env.env(), ...steadyLease });

    before(async () => {
      env = await newEnv();
      server = await processes.serve(env.env(), ['--no-workers']);
    });

    it('serve --no-workers queues analyses; a camtrove worker on the same library runs them', async () => {
      const upload = await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(await readFile(clip), 'clip.mp4') });
      const { file_id: fileId } = (await upload.json()) as { file_id: string };
      const id = await startAnalysis(server.url, { analysis: 'probe', file_id: fileId });
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await analysisOf(server.url, id)).state, 'PENDING', 'nothing runs analyses in serve --no-workers');

      first = await processes.worker(workerEnv());
      const done = await pollAnalysis(server.url, id, 15_000);
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal((done.body as { duration: number }).duration, 2);
      // The analysis answers SUCCESS a moment before its worker's log line reaches us.
      await waitUntil('the worker to log its success', () => analysisLogs(first, 'analysis succeeded', id).length > 0, 5000);
      assert.equal(analysisLogs(first, 'analysis succeeded', id).length, 1, 'the worker ran it');
      assert.equal(analysisLogs(server.process, 'analysis started').length, 0, 'the server ran nothing');
    });

    it('two workers share the queue and run each analysis exactly once', async () => {
      assert.ok(first, 'the first worker is running');
      const second = await processes.worker(workerEnv());
      // Each worker runs two sleeps at once (the default concurrency), so ten keep both busy.
      const ids = await Promise.all(Array.from({ length: 10 }, () => startAnalysis(server.url, { analysis: 'sleep', params: { time: 0.4 } })));
      for (const id of ids) {
        const done = await pollAnalysis(server.url, id, 20_000);
        assert.deepEqual(done, { status: 200, body: { slept: 0.4 } });
      }
      const story = (id: string) =>
        [first, second].flatMap((w, i) => w.logs().filter((l) => l.analysisId === id || l.level === 50).map((l) => `worker ${i + 1}: ${JSON.stringify(l)}`)).join('\n');
      for (const id of ids) {
        const analysis = await analysisOf(server.url, id);
        assert.equal(analysis.attempts, 1, `analysis ${id} ran once:\n${story(id)}`);
        const started = [first, second].map((w) => analysisLogs(w, 'analysis started', id).length);
        assert.equal(started[0]! + started[1]!, 1, `analysis ${id} was started by exactly one worker:\n${story(id)}`);
        assert.deepEqual(await settledJobRow(env, id), { state: 'completed', attempts: 1 });
      }
      const succeeded = (w: CamtroveProcess, id: string) => analysisLogs(w, 'analysis succeeded', id).length > 0;
      await waitUntil('every success to be logged', () => ids.every((id) => succeeded(first, id) || succeeded(second, id)), 5000);
      const shares = [first, second].map((w) => ids.filter((id) => succeeded(w, id)).length);
      assert.equal(shares[0]! + shares[1]!, 10);
      assert.ok(shares[0]! > 0 && shares[1]! > 0, `both workers took work (${shares.join(' and ')})`);

      for (const worker of [first, second]) worker.kill('SIGTERM');
      for (const worker of [first, second]) assert.deepEqual(await worker.waitForExit(5000), { code: 0, signal: null });
    });
  });

  it('after kill -9 mid-analysis, a restarted server runs it again to a single success', async () => {
    const env = await newEnv();
    const crashed = await processes.serve({ ...env.env(), ...crashLease });
    const id = await startAnalysis(crashed.url, { analysis: 'sleep', params: { time: 2 } });
    const running = await untilStarted(crashed.url, id);
    assert.equal(running.attempts, 1);

    crashed.process.kill('SIGKILL');
    assert.deepEqual(await crashed.process.waitForExit(5000), { code: null, signal: 'SIGKILL' });
    assert.equal(analysisLogs(crashed.process, 'analysis succeeded').length, 0);
    assert.deepEqual(await jobRow(env, id), { state: 'active', attempts: 1 });

    // The restarted server takes the job once the dead worker's lease runs out.
    const restarted = await processes.serve({ ...env.env(), ...crashLease });
    const done = await pollAnalysis(restarted.url, id, 20_000);
    assert.deepEqual(done, { status: 200, body: { slept: 2 } });
    const analysis = await analysisOf(restarted.url, id);
    assert.equal(analysis.state, 'SUCCESS');
    assert.equal(analysis.attempts, 2);
    assert.deepEqual(await settledJobRow(env, id), { state: 'completed', attempts: 2 });
    assert.deepEqual(analysisLogs(restarted.process, 'analysis started', id).map((l) => l.attempt), [2]);
    await waitUntil('the restarted server to log its success', () => analysisLogs(restarted.process, 'analysis succeeded', id).length > 0, 5000);
    assert.equal(analysisLogs(restarted.process, 'analysis succeeded', id).length, 1);
  });

  it('SIGTERM mid-analysis stops the server cleanly; after restart the analysis completes on the same attempt', async () => {
    const env = await newEnv();
    const stopped = await processes.serve({ ...env.env(), ...crashLease });
    const id = await startAnalysis(stopped.url, { analysis: 'sleep', params: { time: 2 } });
    await untilStarted(stopped.url, id);

    const signalled = Date.now();
    stopped.process.kill('SIGTERM');
    assert.deepEqual(await stopped.process.waitForExit(5000), { code: 0, signal: null });
    assert.ok(Date.now() - signalled < 3000, `stopped in ${Date.now() - signalled} ms`);
    assert.ok(stopped.process.logs().some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM'));
    assert.equal(analysisLogs(stopped.process, 'analysis succeeded').length, 0);
    assert.deepEqual(await jobRow(env, id), { state: 'waiting', attempts: 0 }, 'the job went back to the queue, its attempt not used');

    const restarted = await processes.serve({ ...env.env(), ...crashLease });
    const done = await pollAnalysis(restarted.url, id, 20_000);
    assert.deepEqual(done, { status: 200, body: { slept: 2 } });
    assert.equal((await analysisOf(restarted.url, id)).attempts, 1);
    assert.deepEqual(await settledJobRow(env, id), { state: 'completed', attempts: 1 });
    assert.deepEqual(analysisLogs(restarted.process, 'analysis started', id).map((l) => l.attempt), [1]);
  });
});
