import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ImportRepository } from '../../src/adapters/db/import.repository.js';
import { LockRepository } from '../../src/adapters/db/lock.repository.js';
import { MediaRepository } from '../../src/adapters/db/media.repository.js';
import { IMPORT_LOCK_HEADER } from '../../src/http/import-wire.js';
import type { Library } from '../../src/main.js';
import { filesBelow } from '../helpers/api.js';
import { Processes, waitUntil } from '../helpers/cli.js';
import { listen } from '../helpers/http.js';
import type { ImportJson } from '../helpers/import.js';
import { makeVideo, uniqueMp4 } from '../helpers/media.js';
import { createTestEnv, openTestLibrary, type TestEnv } from '../helpers/test-library.js';

/**
 * `camtrove import --server`: the CLI on one side, a real server on loopback on the other, with a
 * library of its own. The client has no library: its environment points at an empty folder.
 */
describe('camtrove import --server', () => {
  const processes = new Processes();
  let server: Library & { env: TestEnv; dispose(): Promise<void> };
  let api: Awaited<ReturnType<typeof listen>>;
  let client: TestEnv;
  let token: string;
  let base: Buffer;
  before(async () => {
    server = await openTestLibrary();
    api = await listen(server);
    token = (await server.tokens.create('importer')).token;
    client = await createTestEnv();
    base = await readFile(await makeVideo(join(client.dir, 'base.mp4'), { seconds: 1, width: 160, height: 120, fps: 5 }));
  });
  after(async () => {
    await processes.killAll();
    await api.close();
    await server.dispose();
    await client.cleanup();
  });

  const importInto = (folder: string, ...flags: string[]) => processes.run(['import', folder, '--server', api.url, '--json', ...flags], { ...client.env(), CAMTROVE_TOKEN: token }, { timeoutMs: 120_000 });
  const serverBlobs = async () => (await filesBelow(join(server.env.dir, 'data', 'blobs'))).filter((f) => !f.startsWith('tmp')).map((f) => f.split('/').pop()!).sort();
  const serverFileRows = async () => (await server.database.db.selectFrom('files').select('id').execute()).map((r) => r.id).sort();

  it('imports into the server\'s library as a local import would, and running it again continues the same job there', async () => {
    const folder = join(client.dir, 'card');
    await mkdir(join(folder, 'site04'), { recursive: true });
    await writeFile(join(folder, 'site04', 'CAM7-survey-1476014557.mp4'), uniqueMp4(base, 'remote-a'));
    await writeFile(join(folder, 'CAM8-survey-1476014558123.MOV'), uniqueMp4(base, 'remote-b'));
    await copyFile(join(folder, 'site04', 'CAM7-survey-1476014557.mp4'), join(folder, 'site04', 'CAM9-copy-1476014600.mp4'));
    await writeFile(join(folder, 'CAM1-text-1476014600.mp4'), 'not a video');

    const run = await importInto(folder);
    assert.equal(run.code, 1, 'a file failed');
    const report = JSON.parse(run.stdout) as ImportJson;
    assert.deepEqual({ ...report, job_id: 'x' }, { job_id: 'x', imported: 2, already_imported: 0, duplicates: 1, skipped: 0, failed: 1, errors: [{ path: join(folder, 'CAM1-text-1476014600.mp4'), reason: report.errors[0]!.reason }], segmentations: 3, interrupted: false });
    assert.match(report.errors[0]!.reason, /not a readable video/);

    const items = await new ImportRepository(server.database.db).items(report.job_id);
    const byName = new Map(items.map((i) => [i.path.split('/').pop()!, i]));
    const media = new MediaRepository(server.database.db);
    const first = (await media.get(byName.get('CAM7-survey-1476014557.mp4')!.fileId!))!;
    const second = (await media.get(byName.get('CAM8-survey-1476014558123.MOV')!.fileId!))!;
    assert.deepEqual([first.cameraId, first.capturedAt, first.info.video?.codec], ['CAM7', 1_476_014_557_000, 'h264']);
    assert.deepEqual([second.cameraId, second.capturedAt], ['CAM8', 1_476_014_558_123]);
    assert.equal(byName.get('CAM9-copy-1476014600.mp4')!.outcome, 'duplicate');
    assert.equal((await server.cameras.find('CAM9'))?.type, 'import');
    assert.equal(byName.get('CAM1-text-1476014600.mp4')!.state, 'failed');
    assert.equal((await server.analyses.list({ limit: 10 })).items.filter((a) => a.analysis === 'segment').length, 2, 'one segmentation per content, on the server');
    assert.deepEqual(await serverBlobs(), await serverFileRows(), 'the text file\'s bytes were not kept; every blob has its row');
    assert.equal((await serverBlobs()).length, 2);
    const shown = await processes.run(['jobs', 'show', report.job_id, '--server', api.url, '--token', token, '--json'], client.env());
    assert.equal(shown.code, 0, shown.stderr);
    const view = JSON.parse(shown.stdout) as { status: string; counts: { item_count: number; done: number; failed: number } };
    assert.deepEqual(view.counts, { item_count: 4, done: 0, failed: 1 }, 'nothing segmented yet: the server runs no workers here');
    assert.equal(view.status, 'processing');

    // A file added and the text file replaced by a video: only those two are sent.
    await writeFile(join(folder, 'CAM1-text-1476014600.mp4'), uniqueMp4(base, 'remote-fixed'));
    await writeFile(join(folder, 'CAM8-later-1476014700.mp4'), uniqueMp4(base, 'remote-c'));
    const again = await importInto(folder);
    assert.equal(again.code, 0, again.stderr);
    const second_ = JSON.parse(again.stdout) as ImportJson;
    assert.deepEqual({ ...second_, job_id: second_.job_id }, { job_id: report.job_id, imported: 2, already_imported: 3, duplicates: 0, skipped: 0, failed: 0, errors: [], segmentations: 5, interrupted: false });
    assert.equal((await new ImportRepository(server.database.db).items(report.job_id)).length, 5, 'the same job, each file once');
  });

  it('gives hook modules the server as their defaults', async () => {
    const folder = join(client.dir, 'hooked');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'cam4-x-1476014557.mp4'), uniqueMp4(base, 'hooked'));
    const hook = join(client.dir, 'site-hook.mjs');
    await writeFile(hook, `
export function registerCamera(name, ctx) { return ctx.defaults.registerCamera(name.toUpperCase() + '-site9'); }
export async function postVideoContent(video, ctx) {
  await ctx.defaults.postVideoContent(video);
  ctx.log('stored ' + video.sha256.slice(0, 12) + ' as camera ' + video.cameraId);
  return true;
}
`);
    const run = await importInto(folder, '--hooks', hook, '--no-segment');
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as ImportJson).imported, 1);
    assert.match(run.stderr, /site-hook\.mjs: stored [0-9a-f]{12} as camera CAM4-site9/);
    const camera = await server.cameras.find('CAM4-site9');
    assert.equal(camera?.type, 'import', 'registered on the server by the default the hook called');
    const media = await server.database.db.selectFrom('media').select('id').where('camera_id', '=', 'CAM4-site9').execute();
    assert.equal(media.length, 1, 'stored in the server\'s library');
  });

  it('says what is wrong with a missing or wrong token, an unreachable server, or --link, and writes nothing', async () => {
    const folder = join(client.dir, 'refused');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'CAM2-x-1476014557.mp4'), uniqueMp4(base, 'refused'));
    const jobsBefore = (await server.imports.listJobs({ limit: 100 })).items.length;

    const noToken = await processes.run(['import', folder, '--server', api.url], client.env());
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /needs an API token: give it with --token, or in env CAMTROVE_TOKEN/);
    const wrong = await processes.run(['import', folder, '--server', api.url, '--token', 'ct_wrong'], client.env());
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /refused the token: the token is not valid/);
    assert.ok(!wrong.stderr.includes(token), 'no token in the output');
    const unreachable = await processes.run(['import', folder, '--server', 'http://127.0.0.1:9'], { ...client.env(), CAMTROVE_TOKEN: token });
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /cannot reach the camtrove server at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\).*CAMTROVE_ERR_SERVER_UNREACHABLE/);
    const link = await importInto(folder, '--link');
    assert.equal(link.code, 1);
    assert.match(link.stderr, /--link cannot be used with --server/);
    assert.equal((await server.imports.listJobs({ limit: 100 })).items.length, jobsBefore);
  });

  it('takes the server\'s import lock: a second import is refused naming the first, and writes need the lock', async () => {
    const folder = join(client.dir, 'locked');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'CAM3-x-1476014557.mp4'), uniqueMp4(base, 'locked'));
    const locks = new LockRepository(server.database.db);
    const now = Date.now();
    await locks.acquire('import', { holder: randomBytes(16).toString('hex'), host: 'field-laptop', pid: 4242, purpose: 'import of /media/card', acquiredAt: now, expiresAt: now + 60_000 }, () => false);
    try {
      const refused = await importInto(folder);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /another import into the library at http:\/\/127\.0\.0\.1:\d+ is running \(import of \/media\/card, pid 4242 on field-laptop/);

      // Bytes or records sent without holding the lock are refused, and nothing is stored.
      const bytes = uniqueMp4(base, 'sneaked');
      const sha = createHash('sha256').update(bytes).digest('hex');
      const put = await fetch(`${api.url}/api/imports/content/${sha}`, { method: 'PUT', body: bytes, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', [IMPORT_LOCK_HEADER]: 'not-the-holder' } });
      assert.equal(put.status, 409);
      assert.match(((await put.json()) as { error: { message: string } }).error.message, /does not hold the import lock: import of \/media\/card/);
      assert.ok(!(await serverBlobs()).includes(sha));
    } finally {
      await server.database.db.deleteFrom('locks').execute();
    }
  });

  it('refuses bytes that do not have the SHA-256 they are sent under, and keeps nothing of them', async () => {
    const holder = randomBytes(16).toString('hex');
    const headers = { authorization: `Bearer ${token}` };
    const take = await fetch(`${api.url}/api/imports/lock`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ holder, host: hostname(), pid: process.pid, purpose: 'a test' }) });
    assert.deepEqual(await take.json(), { acquired: true });
    try {
      const claimed = createHash('sha256').update('other bytes').digest('hex');
      // A clip taken whole, and a big file streamed to disk as it arrives.
      for (const bytes of [uniqueMp4(base, 'sent'), randomBytes(6 << 20)]) {
        const put = await fetch(`${api.url}/api/imports/content/${claimed}`, { method: 'PUT', body: bytes, headers: { ...headers, 'content-type': 'application/octet-stream', [IMPORT_LOCK_HEADER]: holder } });
        assert.equal(put.status, 422);
        assert.equal(((await put.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_CONTENT_MISMATCH');
        const actual = createHash('sha256').update(bytes).digest('hex');
        assert.ok(!(await serverBlobs()).some((b) => b === claimed || b === actual));
      }
      const held = (await filesBelow(join(server.env.dir, 'data', 'blobs', 'tmp'))).length;
      assert.equal(held, 0, 'no partial upload left behind');
    } finally {
      await fetch(`${api.url}/api/imports/lock/${holder}`, { method: 'DELETE', headers });
    }
  });

  it('after kill -9 of the client, running it again imports every file exactly once, taking over its own dead lock at once', async () => {
    const folder = join(client.dir, 'killed');
    await mkdir(folder, { recursive: true });
    const count = 120;
    for (let k = 0; k < count; k += 1) await writeFile(join(folder, `CAM6-x-${1_700_000_000 + k}.mp4`), uniqueMp4(base, `remote-kill-${k}`.repeat(200)));
    const storedNow = async () => Number((await server.database.db.selectFrom('import_items').select((eb) => eb.fn.countAll().as('n')).where('state', '=', 'stored').where('path', 'like', `${folder}/%`).executeTakeFirst())?.n ?? 0);
    const first = processes.start(['import', folder, '--server', api.url, '--no-segment', '--concurrency', '2'], { ...client.env(), CAMTROVE_TOKEN: token });
    await waitUntil('some files stored', async () => (await storedNow()) >= 15 || !first.running, 60_000, 20);
    first.kill('SIGKILL');
    await first.exited;
    const partial = await storedNow();
    assert.ok(partial < count, `killed part-way (${partial} of ${count} stored)`);
    assert.ok(await new LockRepository(server.database.db).holder('import'), 'the killed client still holds the lock');

    const again = await importInto(folder, '--no-segment');
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as ImportJson;
    assert.equal(report.imported + report.already_imported, count);
    assert.ok(report.already_imported >= partial, 'what the killed run stored is not sent again');
    const items = await new ImportRepository(server.database.db).items(report.job_id);
    assert.equal(items.length, count, 'each file once in the job');
    assert.ok(items.every((i) => i.state === 'stored'));
    assert.equal((await server.database.db.selectFrom('media').select('id').where('camera_id', '=', 'CAM6').execute()).length, count);
    assert.deepEqual(await serverBlobs(), await serverFileRows(), 'every blob has its row and every row its blob');
  });
});
