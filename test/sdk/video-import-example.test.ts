// The walkthrough in examples/labeling/video-import.ts, run as a user would (tsx) against a real
// `camtrove serve`: what it prints, and what the server holds afterwards.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { freePort, Processes } from '../helpers/cli.js';
import { makeVideo } from '../helpers/media.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const example = join(root, 'examples', 'labeling', 'video-import.ts');

describe(`the video-import walkthrough against camtrove serve (${dialectName})`, () => {
  const processes = new Processes();
  let env: TestEnv;
  const server = { url: '' };

  before(async () => {
    env = await createTestEnv();
    // As processes.serve does, with more time to start: this file runs beside others that keep every core busy.
    const port = await freePort();
    const serve = processes.start(['serve', '--port', String(port)], { ...env.env(), CAMTROVE_LOG_LEVEL: 'info' });
    await serve.waitForLog('"camtrove listening on"', (line) => typeof line.msg === 'string' && line.msg.startsWith('camtrove listening on '), 60_000);
    server.url = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  it('adds a local file, a URL, split frames, an image list and a sampled video, updates metadata, and cleans up', async () => {
    const clip = await makeVideo(join(env.dir, 'walkthrough.mp4'), { seconds: 2, fps: 10 });
    const { NODE_TEST_CONTEXT: _ignored, ...clean } = process.env;
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', example, clip], { cwd: root, env: { ...clean, CAMTROVE_API_ENDPOINT: server.url }, timeout: 240_000 });
    assert.doesNotMatch(stderr, /error/i);
    const lines = stdout.trim().split('\n');
    const line = (pattern: RegExp) => {
      const found = lines.find((l) => pattern.test(l));
      assert.ok(found, `no line matches ${pattern} in:\n${stdout}`);
      return pattern.exec(found)!;
    };
    assert.equal(line(/^server: (.*)$/)[1], server.url);
    const projectId = line(/^project created: ([0-9a-f]{32})$/)[1]!;
    line(new RegExp(`^uploaded ${(await readFile(clip)).length} bytes$`));
    line(/^local file: asset clip READY, 20 frames, 320x240, 10 fps, h264$/);
    line(/^URL: asset from-url READY, 20 frames, 320x240, 10 fps, h264$/);
    line(/^split into frames: asset split READY, 20 frames, 320x240/);
    line(/^image list: asset image-list READY, 3 frames, 320x240/);
    line(/^sampled at 2 fps: asset sampled READY, 4 frames, 320x240/);
    const metadata = JSON.parse(line(/^metadata of sampled: (.*)$/)[1]!) as Record<string, unknown> & { processingParameters: Record<string, unknown> };
    assert.equal(metadata.reviewed, false);
    assert.equal(metadata.priority, 2);
    assert.equal(metadata.processingParameters.framesPlayedPerSecond, 2, 'kept through the replacing update');
    line(/^assets with shift=night: 1$/);
    line(/^re-adding clip refused: CAMTROVE_ERR_INVALID_ASSETS: .*no assets to import/);
    assert.deepEqual(line(/^assets: (.*) \(5 in the project\)$/)[1]!.split(', ').sort(), ['clip', 'from-url', 'image-list', 'sampled', 'split']);
    line(/^deleted 1 asset$/);
    line(new RegExp(`^project deleted: ${projectId} \\(with 4 assets\\)$`));

    // The server: no project left; the clip stored once, by content.
    assert.equal((await fetch(`${server.url}/api/projects/${projectId}`)).status, 404);
    assert.deepEqual(await (await fetch(`${server.url}/api/projects/count`)).json(), { count: 0 });
    const fileId = createHash('sha256').update(await readFile(clip)).digest('hex');
    assert.equal((await fetch(`${server.url}/api/files/${fileId}`, { method: 'HEAD' })).status, 200);
  });
});
