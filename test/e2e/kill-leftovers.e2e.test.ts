import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { openLibrary } from '../../src/main.js';
import { Processes, waitUntil } from '../helpers/cli.js';
import { makeVideo } from '../helpers/media.js';
import { alive, childrenOf } from '../helpers/proc.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

describe('item 9: kill -9 leaves nothing behind', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  let env: TestEnv;
  const processes = new Processes();

  before(async () => {
    env = await createTestEnv();
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  it('a worker killed -9 mid-transcode takes its ffmpeg with it within seconds, and the next start removes its work folder', { timeout: 120_000 }, async () => {
    const video = await makeVideo(join(env.dir, 'long.mp4'), { seconds: 20, width: 640, height: 480, fps: 25 });
    const library = await openLibrary(env.config(), { logger: pino({ level: 'silent' }) });
    try {
      const { file } = await library.files.addFromPath(video, { name: 'long.mp4' });
      // veryslow at crf 10: far longer than the test waits, on any machine.
      await library.analyses.start({ analysis: 'transcode', fileId: file.id, params: { preset: 'veryslow', crf: 10 } });
    } finally {
      await library.close();
    }
    const workRoot = join(env.dir, 'data', 'work');
    const worker = await processes.worker(env.env());
    const pid = worker.child.pid!;
    const ffmpeg = await waitUntil('the worker to run ffmpeg', () => childrenOf(pid).find((p) => p.comm === 'ffmpeg'), 60_000);
    const [workFolder, ...others] = await readdir(workRoot);
    assert.ok(workFolder && others.length === 0, 'one work folder, the transcode\'s');

    worker.kill('SIGKILL');
    await worker.exited;
    try {
      await waitUntil(`ffmpeg (pid ${ffmpeg.pid}) to die with its worker`, () => !alive(ffmpeg.pid), 5000);
    } finally {
      // Should it have outlived the worker, it must not outlive the test.
      if (alive(ffmpeg.pid)) process.kill(ffmpeg.pid, 'SIGKILL');
    }
    assert.deepEqual(await readdir(workRoot), [workFolder], 'the killed worker left its work folder');

    // Any command that opens the library cleans up after processes that are gone.
    const listed = await processes.run(['files', 'ls'], env.env());
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(await readdir(workRoot), [], 'the next start removed it');
  });

  it('a server killed -9 mid-upload leaves a .part that the next start removes; a live upload\'s is never touched', { timeout: 120_000 }, async () => {
    const server = await processes.serve(env.env());
    const tmp = join(env.dir, 'data', 'blobs', 'tmp');
    const boundary = 'killtestboundary';
    const upload = request(`${server.url}/api/files`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    upload.on('error', () => undefined);
    upload.write(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="slow.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`);
    upload.write(Buffer.alloc(2 << 20, 7));
    const [part] = await waitUntil('the upload\'s temp file', async () => {
      const names = await readdir(tmp);
      return names.length > 0 && names;
    });
    assert.match(part!, /\.part$/);

    // Another process opening the library meanwhile leaves the live upload alone.
    const whileAlive = await processes.run(['files', 'ls'], env.env());
    assert.equal(whileAlive.code, 0, whileAlive.stderr);
    assert.deepEqual(await readdir(tmp), [part], 'a live process\'s temp file is kept');

    server.process.kill('SIGKILL');
    await server.process.exited;
    upload.destroy();
    assert.deepEqual(await readdir(tmp), [part], 'the killed server left its temp file');
    const next = await processes.run(['files', 'ls'], env.env());
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(await readdir(tmp), [], 'the next start removed it');
  });
});
