import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/adapters/db/database.js';
import { makeFrames, startCameraSimulator, type CameraSimulator } from '../helpers/camera-simulator.js';
import { Processes, waitUntil } from '../helpers/cli.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

describe('camtrove archive', () => {
  let env: TestEnv;
  let cameras: CameraSimulator;
  const processes = new Processes();
  const camtrove = (args: string[]) => processes.run(args, env.env(), { timeoutMs: 60_000 });

  before(async () => {
    env = await createTestEnv();
    cameras = await startCameraSimulator(await makeFrames(3));
  });
  after(async () => {
    await processes.killAll();
    await cameras.close();
    await env.cleanup();
  });

  it('archives a camera list into the library and the --out tree, and names the camera that gave nothing', async () => {
    const list = join(env.dir, 'cameras.json');
    await writeFile(list, JSON.stringify([
      { cameraID: 'good', camera_type: 'non_ip', snapshot_url: `${cameras.url}/changing.jpg` },
      { cameraID: 'login', camera_type: 'non_ip', snapshot_url: `${cameras.url}/html` },
    ]));
    const out = join(env.dir, 'out');
    const result = await camtrove(['archive', list, '--duration', '2', '--interval', '0.5', '--out', out, '--json']);
    assert.equal(result.code, 1, 'a camera never produced a frame');
    assert.match(result.stderr, /1 camera never produced a frame: login/);
    const body = JSON.parse(result.stdout) as { cameras: { id: string; kept: number; last_error: string | null; last_success_at: string | null }[] };
    const good = body.cameras.find((c) => c.id === 'good')!;
    assert.equal(good.kept, 4);
    assert.match(good.last_success_at!, /^\d{4}-\d\d-\d\dT/);
    assert.match(body.cameras.find((c) => c.id === 'login')!.last_error!, /HTML page/);
    assert.equal((await readdir(join(out, 'good'))).filter((f) => f.endsWith('.jpg')).length, 4);
    const database = openDatabase(env.config());
    try {
      const rows = await database.db.selectFrom('frames').selectAll().where('camera_id', '=', 'good').execute();
      assert.equal(rows.length, 4);
      assert.ok(rows.every((r) => r.file_id.length === 64 && r.content_type === 'image/jpeg'));
    } finally {
      await database.close();
    }
  });

  it('archives registered cameras by tag, and refuses a run with nothing to archive', async () => {
    assert.equal((await camtrove(['cameras', 'add', 'lobby', '--type', 'snapshot', '--url', `${cameras.url}/still.jpg`, '--tag', 'indoor'])).code, 0);
    const result = await camtrove(['archive', '--tag', 'indoor', '--duration', '1', '--interval', '0.5', '--diff', '1']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /lobby\s+1\s+1\s+0\s+0\s+0/);
    const none = await camtrove(['archive', '--duration', '1']);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /name the cameras: a camera list file, --camera ID or --tag TAG/);
    const bad = await camtrove(['archive', '--tag', 'indoor', '--interval', 'soon']);
    assert.match(bad.stderr, /--interval must be a positive number of seconds, not "soon"/);
  });

  it('keeps per-camera health in the library and shows it in cameras ls', async () => {
    assert.equal((await camtrove(['cameras', 'add', 'door', '--type', 'mjpeg', '--url', `${cameras.url}/mjpeg?fps=10`, '--tag', 'health'])).code, 0);
    assert.equal((await camtrove(['cameras', 'add', 'broken', '--type', 'snapshot', '--url', `${cameras.url}/error`, '--tag', 'health'])).code, 0);
    const run = await camtrove(['archive', '--tag', 'health', '--duration', '2', '--interval', '0.5', '--diff', '1', '--json']);
    assert.equal(run.code, 1, 'broken never produced a frame');
    const listed = JSON.parse((await camtrove(['cameras', 'ls', '--json'])).stdout) as { cameras: { id: string; health: Record<string, unknown> | null }[] };
    const health = new Map(listed.cameras.map((c) => [c.id, c.health]));
    const door = health.get('door')!;
    // Four ticks in 2 s; a frame too like the last kept one counts as skipped (--diff 1), so under load the split varies.
    assert.ok(Number(door.frames_saved) >= 1 && Number(door.frames_saved) + Number(door.frames_skipped) >= 3, JSON.stringify(door));
    assert.equal(door.consecutive_failures, 0);
    assert.match(String(door.last_success_at), /^\d{4}-\d\d-\d\dT/);
    const broken = health.get('broken')!;
    assert.equal(broken.frames_saved, 0);
    assert.ok(Number(broken.consecutive_failures) >= 1 && Number(broken.failures) >= 1, JSON.stringify(broken));
    assert.match(String(broken.last_error), /HTTP 500/);
    assert.equal(health.get('lobby')!.frames_saved, 1, 'counted by the earlier run');

    const again = await camtrove(['archive', '--camera', 'door', '--duration', '1', '--interval', '0.5', '--diff', '1']);
    assert.equal(again.code, 0, again.stderr);
    const after = JSON.parse((await camtrove(['cameras', 'show', 'door', '--json'])).stdout) as { health: { frames_saved: number } };
    assert.ok(after.health.frames_saved > Number(door.frames_saved), 'counters add up across runs');

    const table = (await camtrove(['cameras', 'ls'])).stdout;
    assert.match(table, /door\s+mjpeg.*\bok\b/);
    assert.match(table, /broken\s+snapshot.*failing ×\d/);
    assert.match(table, /FAILING\s+LAST ERROR\n.*broken\s+.*HTTP 500/);
  });

  it('camtrove serve archives cameras with an archive interval until it stops', async () => {
    assert.equal((await camtrove(['cameras', 'add', 'porch', '--type', 'snapshot', '--url', `${cameras.url}/unique.jpg?cam=porch`, '--archive-interval', '1'])).code, 0);
    const server = await processes.serve(env.env());
    await server.process.waitForLog('"archiving camera continuously"', (l) => l.msg === 'archiving camera continuously' && l.camera === 'porch');
    const framesOf = async () => {
      const database = openDatabase(env.config());
      try {
        return (await database.db.selectFrom('frames').select('id').where('camera_id', '=', 'porch').execute()).length;
      } finally {
        await database.close();
      }
    };
    await waitUntil('porch has frames', async () => (await framesOf()) >= 2);
    const health = await (await fetch(`${server.url}/api/cameras/porch`)).json() as { health: { frames_saved: number; consecutive_failures: number } | null };
    assert.ok(health.health && health.health.consecutive_failures === 0, JSON.stringify(health));
    server.process.kill('SIGTERM');
    assert.equal((await server.process.waitForExit()).code, 0);
    const after = await framesOf();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await framesOf(), after, 'nothing is archived once the server stopped');
  });
});
