import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { openLibrary } from '../../src/main.js';
import { filesBelow } from '../helpers/api.js';
import type { ImportJson } from '../helpers/import.js';
import { Processes } from '../helpers/cli.js';
import { makeVideo, uniqueMp4 } from '../helpers/media.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

const exampleHook = join(import.meta.dirname, '..', '..', 'examples', 'import-hooks', 'notify.ts');


describe(`camtrove import --hooks (${dialectName})`, () => {
  const processes = new Processes();
  let env: TestEnv;
  let base: Buffer;
  let webhook: Server;
  let webhookUrl: string;
  const received: Record<string, unknown>[] = [];
  before(async () => {
    env = await createTestEnv();
    base = await readFile(await makeVideo(join(env.dir, 'base.mp4'), { seconds: 1, width: 160, height: 120, fps: 5 }));
    webhook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/footage`;
  });
  after(async () => {
    await processes.killAll();
    await new Promise((resolve) => webhook.close(resolve));
    await env.cleanup();
  });

  it('runs the documented example (TypeScript): files stored as usual, cameras mapped, a webhook told of each file and of the job', async () => {
    const library = await openLibrary(env.config(), { logger: pino({ level: 'silent' }) });
    await library.cameras.add({ id: 'gate-north', type: 'import', name: 'Gate, north side' });
    await library.close();
    const folder = join(env.dir, 'survey');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'CAM7-survey-1700000000.mp4'), uniqueMp4(base, 'one'));
    await writeFile(join(folder, 'CAM8-survey-1700000060.mp4'), uniqueMp4(base, 'two'));
    const data = JSON.stringify({ webhook: webhookUrl, cameras: { CAM7: 'gate-north' }, project: 'survey-2026' });
    const run = await processes.run(['import', folder, '--hooks', exampleHook, '--hook-data-json', data, '--no-segment', '--json'], env.env(), { timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ImportJson;
    assert.equal(report.imported, 2);
    assert.match(run.stderr, /notify\.ts: stored .*CAM7-survey-1700000000\.mp4/);

    const files = received.filter((r) => r.event === 'file').sort((a, b) => String(a.path).localeCompare(String(b.path)));
    assert.deepEqual(files.map((f) => [f.camera, f.time, f.project, f.job_id]), [
      ['gate-north', '2023-11-14T22:13:20.000Z', 'survey-2026', report.job_id],
      ['CAM8', '2023-11-14T22:14:20.000Z', 'survey-2026', report.job_id],
    ]);
    assert.deepEqual(received.filter((r) => r.event === 'job'), [{ event: 'job', project: 'survey-2026', job_id: report.job_id, item_count: 2, shards: { 0: 2 }, new_files: 2 }]);
    const reopened = await openLibrary(env.config(), { logger: pino({ level: 'silent' }) });
    try {
      const media = await reopened.database.db.selectFrom('media').select(['camera_id']).orderBy('camera_id').execute();
      assert.deepEqual(media.map((m) => m.camera_id), ['CAM8', 'gate-north'], 'stored in the library, by the default behaviour');
    } finally {
      await reopened.close();
    }
  });

  it('refuses hook data the hook rejects, data that is not JSON, and data without a hook, before any work', async () => {
    const folder = join(env.dir, 'refused');
    await mkdir(folder, { recursive: true });
    const cases: [string[], RegExp][] = [
      [['--hooks', exampleHook, '--hook-data-json', '{"webhook": 5}'], /the hook module notify\.ts rejected its hook data: "webhook" must be an http\(s\) URL \(CAMTROVE_ERR_INVALID_IMPORT\)/],
      [['--hooks', exampleHook, '--hook-data-json', '{webhook'], /--hook-data-json is not valid JSON/],
      [['--hooks', exampleHook, '--hook-data-json-file', join(env.dir, 'absent.json')], /--hook-data-json-file .*absent\.json cannot be read: ENOENT/],
      [['--hook-data-json', '{}'], /hook data was given .* but no --hooks module reads it/],
      [['--hooks', join(env.dir, 'nowhere.mjs')], /the hook module .*nowhere\.mjs does not exist/],
    ];
    for (const [k, [args, message]] of cases.entries()) {
      // A dry run refuses the same way (checked on the first case: each run loads the module again).
      for (const dry of k === 0 ? [[], ['--dry-run']] : [[]]) {
        const run = await processes.run(['import', folder, ...args, ...dry], env.env());
        assert.equal(run.code, 1, `${args.join(' ')} ${dry.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, message);
      }
    }
    const broken = join(env.dir, 'broken.mjs');
    await writeFile(broken, 'export function postVideoContent( {');
    assert.match((await processes.run(['import', folder, '--hooks', broken], env.env())).stderr, /the hook module .*broken\.mjs failed to load: /);
    const empty = join(env.dir, 'empty.mjs');
    await writeFile(empty, 'export const unrelated = 1;');
    assert.match((await processes.run(['import', folder, '--hooks', empty], env.env())).stderr, /exports none of setHookData, registerCamera, postVideoContent, assignJobIds, registerJobs/);
  });

  it('lets a JavaScript hook replace where files go and name the job; its refusals fail the file', async () => {
    const folder = join(env.dir, 'outgoing');
    const outbox = join(env.dir, 'outbox');
    await mkdir(folder, { recursive: true });
    await mkdir(outbox, { recursive: true });
    await writeFile(join(folder, 'CAM1-x-1700000100.mp4'), uniqueMp4(base, 'out-1'));
    await writeFile(join(folder, 'CAM1-x-1700000101.mp4'), uniqueMp4(base, 'out-2'));
    await writeFile(join(folder, 'CAM2-x-1700000102.mp4'), uniqueMp4(base, 'refused'));
    const hook = join(env.dir, 'outbox-hook.mjs');
    await writeFile(
      hook,
      `import { copyFile } from 'node:fs/promises';
let outbox;
export function setHookData(data) { outbox = data.outbox; }
export function registerCamera(name) { return { cameraId: 'ext-' + name }; }
export function assignJobIds(items) { return 'batch-' + items.length; }
export async function postVideoContent(video) {
  if (video.cameraName === 'CAM2') return false;
  await copyFile(video.path, outbox + '/' + video.sha256 + '.mp4');
  return true;
}
`,
    );
    const blobsBefore = (await filesBelow(join(env.dir, 'data', 'blobs'))).length;
    const run = await processes.run(['import', folder, '--hooks', hook, '--hook-data-json', JSON.stringify({ outbox }), '--json'], env.env(), { timeoutMs: 60_000 });
    assert.equal(run.code, 1, 'the refused file fails the run');
    const report = JSON.parse(run.stdout) as ImportJson;
    assert.equal(report.job_id, 'batch-3');
    assert.equal(report.imported, 2);
    assert.deepEqual(report.errors.map((e) => e.reason), ["the hook's postVideoContent did not take the file (it returned false)"]);
    assert.equal((await readdir(outbox)).length, 2);
    assert.equal((await filesBelow(join(env.dir, 'data', 'blobs'))).length, blobsBefore, 'the library kept no copy');
    const show = JSON.parse((await processes.run(['jobs', 'show', 'batch-3', '--json'], env.env())).stdout) as { status: string; counts: unknown; request: { cameras: string[] } };
    assert.deepEqual([show.status, show.counts], ['complete_with_failures', { item_count: 3, done: 2, failed: 1 }]);

    const again = JSON.parse((await processes.run(['import', folder, '--hooks', hook, '--hook-data-json', JSON.stringify({ outbox }), '--json'], env.env(), { timeoutMs: 60_000 })).stdout) as ImportJson;
    assert.deepEqual([again.job_id, again.imported, again.already_imported, again.failed], ['batch-3', 0, 2, 1], 'the same job continues; only the refused file is tried again');
  });
});
