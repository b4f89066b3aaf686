import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/adapters/db/database.js';
import { Processes, waitUntil } from '../helpers/cli.js';
import { startHlsCamera, type HlsCamera } from '../helpers/hls-camera.js';
import { LOOPBACK_ONLY, makeTsSegment, playlist, redirect, startRedirectingRtsp, startRoutes, startTripwire, vodPlaylist, type Tripwire } from '../helpers/hostile-servers.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

/**
 * Issue 15, items 1 and 2, through the commands a user runs: hostile HLS cameras (and an RTSP one that redirects) on loopback,
 * archived by `camtrove archive` and by `serve`'s continuous archiving under a network policy of
 * 127.0.0.1/32, with a tripwire listener on 127.0.0.2 that must never see a connection.
 */
describe('hostile HLS and RTSP cameras (issue 15, items 1 and 2)', () => {
  let env: TestEnv;
  let tripwire: Tripwire;
  let hostile: Awaited<ReturnType<typeof startRoutes>>;
  let movedRtsp: Awaited<ReturnType<typeof startRedirectingRtsp>>;
  let good: HlsCamera;
  let privateTs: string;
  const processes = new Processes();
  const policyEnv = () => ({ ...env.env(), CAMTROVE_CAMERA_NETWORKS: LOOPBACK_ONLY });
  const camtrove = (args: string[]) => processes.run(args, policyEnv(), { timeoutMs: 60_000 });

  /** What each hostile camera is, and what its error must say. */
  const cases = () => [
    { id: 'passwd', type: 'hls', url: `${hostile.url}/passwd.m3u8`, error: /lists file:\/\/\/etc\/passwd, which has the scheme file:, not one camtrove connects to/ },
    { id: 'private', type: 'hls', url: `${hostile.url}/private.m3u8`, error: /lists file:\/\/\/.*private\.ts, which has the scheme file:/ },
    { id: 'concat', type: 'hls', url: `${hostile.url}/concat.m3u8`, error: /lists concat:.*private\.ts.*, which has the scheme concat:/ },
    { id: 'redirect', type: 'hls', url: `${hostile.url}/redirect.m3u8`, error: /127\.0\.0\.2 is outside the networks cameras may be fetched from/ },
    { id: 'rtsp-moved', type: 'rtsp', url: movedRtsp.url, error: /the camera redirects \(RTSP 302\) to rtsp:\/\/127\.0\.0\.2:\d+\/stream; camtrove does not follow RTSP redirects/ },
  ];

  /** Frames stored for the hostile cameras, and every blob's bytes that came from a forbidden place. */
  const stolen = async () => {
    const database = openDatabase(env.config());
    try {
      const frames = await database.db.selectFrom('frames').select(['camera_id']).where('camera_id', 'in', cases().flatMap((c) => [c.id, `${c.id}-serve`])).execute();
      const secrets = [await readFile('/etc/passwd'), await readFile(privateTs)];
      const leaked: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) await walk(path);
          else {
            const content = await readFile(path);
            if (secrets.some((secret) => content.includes(secret))) leaked.push(path);
          }
        }
      };
      await walk(join(env.dir, 'data', 'blobs'));
      return { frames: frames.length, leaked };
    } finally {
      await database.close();
    }
  };

  before(async () => {
    env = await createTestEnv();
    privateTs = await makeTsSegment(join(env.dir, 'private.ts'));
    // A real segment behind the tripwire: code that followed the redirect would store its frame.
    tripwire = await startTripwire(await readFile(privateTs));
    hostile = await startRoutes({
      '/passwd.m3u8': playlist(vodPlaylist(['file:///etc/passwd'])),
      '/private.m3u8': playlist(vodPlaylist([`file://${privateTs}`])),
      '/concat.m3u8': playlist(vodPlaylist([`concat:${privateTs}|${privateTs}`])),
      '/redirect.m3u8': playlist(vodPlaylist(['seg.ts'])),
      '/seg.ts': redirect(`${tripwire.url}/latest/meta-data/seg.ts`),
    });
    good = await startHlsCamera({ kind: 'vod', seconds: 4 });
    movedRtsp = await startRedirectingRtsp(`rtsp://127.0.0.2:${tripwire.port}/stream`);
    // The same cameras twice: once for `archive --tag hostile`, once archived every second by `serve`.
    for (const { id, type, url } of [...cases(), { id: 'good', type: 'hls', url: good.url }]) {
      assert.equal((await camtrove(['cameras', 'add', id, '--type', type, '--url', url, '--tag', 'hostile'])).code, 0);
      // Another query string: a camera's address is unique.
      assert.equal((await camtrove(['cameras', 'add', `${id}-serve`, '--type', type, '--url', `${url}?serve`, '--archive-interval', '1'])).code, 0);
    }
  });
  after(async () => {
    await processes.killAll();
    await Promise.all([tripwire.close(), hostile.close(), good.close(), movedRtsp.close()]);
    await env.cleanup();
  });

  it('Local files through HLS and Redirects around the network policy: camtrove archive refuses the segments, stores nothing of them, never connects to 127.0.0.2', async () => {
    const result = await camtrove(['archive', '--tag', 'hostile', '--duration', '2', '--interval', '0.5', '--json']);
    assert.equal(result.code, 1, `hostile cameras never produce a frame\n${result.stderr}`);
    const body = JSON.parse(result.stdout) as { cameras: { id: string; kept: number; last_error: string | null }[] };
    const byId = new Map(body.cameras.map((c) => [c.id, c]));
    assert.ok(byId.get('good')!.kept >= 1, `the ordinary HLS camera still archives: ${JSON.stringify(byId.get('good'))}`);
    for (const { id, url, error } of cases()) {
      const camera = byId.get(id)!;
      assert.equal(camera.kept, 0, id);
      assert.match(camera.last_error ?? '', error, id);
      assert.ok((camera.last_error ?? '').startsWith(`${url}: `), `${id}: the error names the camera: ${camera.last_error}`);
    }
    assert.equal(tripwire.connections(), 0, 'nothing connected to 127.0.0.2');
    assert.deepEqual(await stolen(), { frames: 0, leaked: [] });
  });

  it('Local files through HLS and Redirects around the network policy: serve\'s continuous archiving does the same', { timeout: 90_000 }, async () => {
    const server = await processes.serve(policyEnv());
    const healthOf = async (id: string) => ((await (await fetch(`${server.url}/api/cameras/${id}`)).json()) as { health: { frames_saved: number; failures: number; last_error: string | null } | null }).health;
    for (const { id, error } of cases().map((c) => ({ ...c, id: `${c.id}-serve` }))) {
      const health = await waitUntil(`${id} has failed twice`, async () => {
        const found = await healthOf(id);
        return found && found.failures >= 2 ? found : undefined;
      }, 30_000, 200);
      assert.equal(health.frames_saved, 0, id);
      assert.match(health.last_error ?? '', error, id);
    }
    await waitUntil('the ordinary HLS camera archives', async () => ((await healthOf('good-serve'))?.frames_saved ?? 0) >= 1, 30_000, 200);
    server.process.kill('SIGTERM');
    assert.equal((await server.process.waitForExit()).code, 0);
    assert.equal(tripwire.connections(), 0, 'nothing connected to 127.0.0.2');
    assert.deepEqual(await stolen(), { frames: 0, leaked: [] });
  });
});

