// The queue's failed jobs: `camtrove jobs failed` lists them (locally and with --server, the same
// as GET /api/queue/failed), `camtrove jobs retry` runs a failed analysis again from its first
// attempt, and what cannot be retried says why. The failure is a real one fixed by the user: an
// ffprobe that fails until a file exists (a broken install, repaired).
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Processes, type Server } from '../helpers/cli.js';
import { fileForm, pollAnalysis } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

interface FailedJob {
  job_id: string;
  name: string;
  attempts: number;
  max_attempts: number;
  error: string | null;
  failed_at: string;
  retry: string;
}

describe('failed jobs', () => {
  const processes = new Processes();
  let env: TestEnv;
  let server: Server;
  let repaired: string;
  let failed: string[];
  let uploaded: string;

  before(async () => {
    env = await createTestEnv();
    repaired = join(env.dir, 'repaired');
    const ffprobe = join(env.dir, 'ffprobe');
    await writeFile(ffprobe, `#!/bin/sh\n[ -e '${repaired}' ] && exec ffprobe "$@"\necho 'ffprobe: not installed properly' >&2\nexit 1\n`);
    await chmod(ffprobe, 0o755);
    // One attempt each, so a failure is final at once.
    server = await processes.serve({ ...env.env(), CAMTROVE_FFPROBE: ffprobe, CAMTROVE_MAX_ATTEMPTS: '1' });
    const clip = await makeVideo(join(env.dir, 'clip.mp4'), { seconds: 1, width: 160, height: 120 });
    const upload = await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(await readFile(clip)) });
    uploaded = ((await upload.json()) as { file_id: string }).file_id;
    failed = [];
    for (let i = 0; i < 2; i += 1) {
      const started = await fetch(`${server.url}/api/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ analysis: 'probe', file_id: uploaded }) });
      const id = ((await started.json()) as { analysis_id: string }).analysis_id;
      assert.equal((await pollAnalysis(server.url, id)).status, 422);
      failed.unshift(id);
    }
  });
  after(async () => {
    await processes.killAll();
    await env?.cleanup();
  });

  it('lists the failed jobs newest first with their errors, the same locally, with --server and over HTTP', async () => {
    const listed = await fetch(`${server.url}/api/queue/failed`);
    assert.equal(listed.status, 200);
    const { jobs, next } = (await listed.json()) as { jobs: FailedJob[]; next: string | null };
    assert.deepEqual(jobs.map((j) => [j.job_id, j.name, j.attempts, j.max_attempts, j.retry]), failed.map((id) => [id, 'probe', 1, 1, `camtrove jobs retry ${id}`]));
    assert.match(jobs[0]!.error ?? '', /not installed properly/);
    assert.equal(next, null);

    const local = await processes.run(['jobs', 'failed', '--json'], env.env());
    assert.equal(local.code, 0, local.stderr);
    assert.deepEqual(JSON.parse(local.stdout), { jobs, next: null });
    const remote = await processes.run(['jobs', 'failed', '--json', '--server', server.url], env.env());
    assert.equal(remote.code, 0, remote.stderr);
    assert.deepEqual(JSON.parse(remote.stdout), { jobs, next: null });

    // A page at a time, and a table for people.
    const first = await processes.run(['jobs', 'failed', '--limit', '1', '--server', server.url], env.env());
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`${failed[0]}\\s+probe\\s+\\S+ \\S+\\s+1/1\\s+.*not installed properly`));
    assert.match(first.stdout, new RegExp(`${failed[0]}: camtrove jobs retry ${failed[0]}`));
    assert.doesNotMatch(first.stdout, new RegExp(failed[1]!));
    const cursor = /more: camtrove jobs failed --after (\S+)/.exec(first.stdout)?.[1];
    assert.ok(cursor, first.stdout);
    const second = await processes.run(['jobs', 'failed', '--json', '--after', cursor, '--server', server.url], env.env());
    assert.deepEqual((JSON.parse(second.stdout) as { jobs: FailedJob[] }).jobs.map((j) => j.job_id), [failed[1]]);
  });

  it('retries a failed analysis from its first attempt once the cause is fixed; only failed jobs are retried', async () => {
    await writeFile(repaired, '');
    const retried = await processes.run(['jobs', 'retry', failed[0]!, '--server', server.url], env.env());
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, new RegExp(`job ${failed[0]} \\(probe\\) is (waiting|active|completed) again`));
    const result = await pollAnalysis(server.url, failed[0]!);
    assert.equal(result.status, 200, JSON.stringify(result.body));
    const analysis = (await (await fetch(`${server.url}/api/analyses/${failed[0]}`)).json()) as { state: string; attempts: number; error: unknown };
    assert.deepEqual([analysis.state, analysis.attempts, analysis.error], ['SUCCESS', 1, null]);

    // The other one, from this machine's CLI on the same library.
    const local = await processes.run(['jobs', 'retry', failed[1]!], env.env());
    assert.equal(local.code, 0, local.stderr);
    assert.equal((await pollAnalysis(server.url, failed[1]!)).status, 200);
    const { jobs } = (await (await fetch(`${server.url}/api/queue/failed`)).json()) as { jobs: FailedJob[] };
    assert.deepEqual(jobs, []);

    const again = await processes.run(['jobs', 'retry', failed[0]!, '--server', server.url], env.env());
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is completed, not failed: only a failed job is retried \(CAMTROVE_ERR_JOB_NOT_RETRYABLE\)/);
    const unknown = await fetch(`${server.url}/api/queue/0123456789abcdef/retry`, { method: 'POST' });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_JOB_NOT_FOUND');
  });
});
