import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Processes } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

describe('camtrove cameras', () => {
  let env: TestEnv;
  const processes = new Processes();
  const cameras = (args: string[]) => processes.run(['cameras', ...args], env.env(), { timeoutMs: 30_000 });

  before(async () => {
    env = await createTestEnv();
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  it('adds, lists, shows and removes a camera; the password is never printed', async () => {
    const added = await cameras(['add', 'lobby', '--type', 'snapshot', '--url', 'http://127.0.0.1:9/lobby.jpg', '--username', 'cam', '--password', 'pw-123', '--city', 'Lyon', '--country', 'France', '--lat', '45.764', '--lon', '4.8357', '--tag', 'indoor']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /camera lobby registered \(snapshot, http:\/\/127\.0\.0\.1:9\/lobby\.jpg\)/);
    const listed = await cameras(['ls']);
    assert.match(listed.stdout, /lobby\s+snapshot\s+-\s+Lyon, France\s+indoor\s+yes/);
    const shown = await cameras(['show', 'lobby', '--json']);
    const body = JSON.parse(shown.stdout) as Record<string, unknown>;
    assert.deepEqual([body.auth, body.latitude, body.tags], ['basic', 45.764, ['indoor']]);
    for (const output of [added, listed, shown]) assert.ok(!`${output.stdout}${output.stderr}`.includes('pw-123'));
    const removed = await cameras(['rm', 'lobby']);
    assert.equal(removed.code, 0);
    const missing = await cameras(['show', 'lobby']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no camera has id "lobby" \(CAMTROVE_ERR_CAMERA_NOT_FOUND\)/);
  });

  it('5. credentials in query strings: shown nowhere by the CLI, its logs or its archive reports, used whole to fetch', async () => {
    const asked: string[] = [];
    const camera = createServer((request, response) => {
      asked.push(request.url ?? '');
      response.writeHead(500).end('camera fault');
    });
    await new Promise<void>((resolve) => camera.listen(0, '127.0.0.1', resolve));
    try {
      const port = (camera.address() as AddressInfo).port;
      const added = await cameras(['add', 'foscam', '--type', 'ip', '--ip', '127.0.0.1', '--port', String(port), '--image-path', '/snapshot.cgi?user=admin&pwd=s3cret-pwd']);
      assert.equal(added.code, 0, added.stderr);
      const outputs = [added, await cameras(['ls']), await cameras(['ls', '--json']), await cameras(['show', 'foscam']), await cameras(['show', 'foscam', '--json'])];
      const archived = await processes.run(['archive', '--camera', 'foscam', '--duration', '1', '--interval', '0.5', '--json'], { ...env.env(), CAMTROVE_LOG_LEVEL: 'debug' }, { timeoutMs: 30_000 });
      const report = JSON.parse(archived.stdout) as { cameras: { url: string; last_error: string | null }[] };
      assert.equal(report.cameras[0]?.url, `http://127.0.0.1:${port}/snapshot.cgi?user=admin&pwd=***`);
      assert.match(report.cameras[0]?.last_error ?? '', /500/);
      outputs.push(archived, await processes.run(['archive', '--camera', 'foscam', '--duration', '1', '--interval', '0.5'], env.env(), { timeoutMs: 30_000 }), await cameras(['ls']));
      for (const output of outputs) assert.ok(!`${output.stdout}${output.stderr}`.includes('s3cret-pwd'), `${output.stdout}${output.stderr}`);
      assert.ok(asked.length > 0 && asked.every((url) => url === '/snapshot.cgi?user=admin&pwd=s3cret-pwd'), `the camera is asked with its whole address: ${asked.join(' ')}`);
    } finally {
      camera.close();
    }
  });

  it('imports a CSV list, reports the rows it could not take, and searches around a point', async () => {
    const list = join(env.dir, 'cams.csv');
    await writeFile(list, [
      'cameraID,camera_type,snapshot_url,m3u8_url,city,latitude,longitude',
      'a1,non_ip,http://127.0.0.1:9/a1.jpg,,Lyon,45.7640,4.8357',
      'a2,stream,,https://127.0.0.1:9/a2.m3u8,Villeurbanne,45.7719,4.8902',
      'a3,non_ip,http://127.0.0.1:9/a3.jpg,,Paris,48.8566,2.3522',
      'bad,non_ip,,,Nowhere,,',
    ].join('\n'));
    const imported = await cameras(['import', list]);
    assert.equal(imported.code, 1, 'a row could not be imported');
    assert.match(imported.stdout, /3 added, 0 already registered, 1 invalid/);
    assert.match(imported.stdout, /4\s+bad\s+camera "bad": a snapshot camera needs snapshot_url/);
    const again = await cameras(['import', list, '--json']);
    assert.equal((JSON.parse(again.stdout) as { skipped: unknown[] }).skipped.length, 3);
    const near = await cameras(['search', '--near', '45.764,4.8357', '--radius', '20', '--json']);
    assert.deepEqual((JSON.parse(near.stdout) as { cameras: { id: string }[] }).cameras.map((c) => c.id), ['a1', 'a2']);
    const bad = await cameras(['search', '--near', 'lyon']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--near must be "lat,lon" in degrees/);
  });
});
