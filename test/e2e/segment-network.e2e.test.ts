import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Processes } from '../helpers/cli.js';
import { bytes, FORBIDDEN_HOST, LOOPBACK_ONLY, makeTsSegment, playlist, redirect, startRedirectingRtsp, startRoutes, startTripwire, vodPlaylist, type Tripwire } from '../helpers/hostile-servers.js';
import { makeMotionClip } from '../helpers/media.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

/**
 * Issue 15, items 1 and 2, for `camtrove segment <url>`: ffmpeg reads the URL itself, so its HTTP
 * goes through camtrove's proxy and its RTSP through camtrove's relay, under the archiver's policy
 * (here 127.0.0.1/32). The tripwire on 127.0.0.2 serves a real clip: a redirect that reached it
 * would segment without error.
 */
describe('camtrove segment <url> under the network policy (issue 15, items 1 and 2)', () => {
  let env: TestEnv;
  let tripwire: Tripwire;
  let routes: Awaited<ReturnType<typeof startRoutes>>;
  let privateTs: string;
  const processes = new Processes();
  const segment = (args: string[]) => processes.run(['segment', ...args, '--json', '--no-clips', '--no-thumbnails'], { ...env.env(), CAMTROVE_CAMERA_NETWORKS: LOOPBACK_ONLY, CAMTROVE_INPUT_STALL_TIMEOUT: '10s' }, { timeoutMs: 60_000 });

  before(async () => {
    env = await createTestEnv();
    const clip = await readFile(await makeMotionClip(join(env.dir, 'clip.mp4'), { seconds: 4, from: 1, to: 3 }));
    privateTs = await makeTsSegment(join(env.dir, 'private.ts'));
    tripwire = await startTripwire(clip);
    routes = await startRoutes({
      '/clip.mp4': bytes(clip, 'video/mp4'),
      '/redirecting': redirect(`${tripwire.url}/latest/meta-data/clip.mp4`),
      '/local.m3u8': playlist(vodPlaylist([`file://${privateTs}`])),
    });
  });
  after(async () => {
    await processes.killAll();
    await Promise.all([tripwire.close(), routes.close()]);
    await env.cleanup();
  });

  it('reads an ordinary HTTP clip through the proxy', async () => {
    const result = await segment([`${routes.url}/clip.mp4`]);
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout) as { media: { duration: number }; events: unknown[] };
    assert.ok(Math.abs(body.media.duration - 4) < 0.2 && body.events.length >= 1, result.stdout);
  });

  it('Redirects around the network policy: an HTTP URL that redirects to 127.0.0.2 is refused, and 127.0.0.2 is never reached', async () => {
    const result = await segment([`${routes.url}/redirecting`]);
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(result.stderr, /CAMTROVE_ERR_CAMERA_FORBIDDEN/);
    assert.match(result.stderr, new RegExp(`http://${FORBIDDEN_HOST.replace(/\./g, '\\.')}:${tripwire.port}/latest/meta-data/clip\\.mp4: 127\\.0\\.0\\.2 is outside the networks cameras may be fetched from`));
    assert.equal(tripwire.connections(), 0, 'nothing connected to 127.0.0.2');
    // Named directly, it is refused before ffmpeg starts.
    const direct = await segment([`${tripwire.url}/clip.mp4`]);
    assert.match(direct.stderr, /127\.0\.0\.2 is outside the networks/);
    assert.equal(tripwire.connections(), 0);
  });

  it('Redirects around the network policy: an RTSP camera that redirects to 127.0.0.2 is refused, and 127.0.0.2 is never reached', async (t) => {
    const camera = await startRedirectingRtsp(`rtsp://${FORBIDDEN_HOST}:${tripwire.port}/stream`);
    t.after(() => camera.close());
    const result = await segment([camera.url.replace('rtsp://', 'rtsp://admin:s3cret@')]);
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(result.stderr, /CAMTROVE_ERR_CAMERA_BAD_RESPONSE/);
    assert.match(result.stderr, /the camera redirects \(RTSP 302\) to rtsp:\/\/127\.0\.0\.2:\d+\/stream; camtrove does not follow RTSP redirects/);
    assert.doesNotMatch(result.stderr, /s3cret/);
    assert.ok(camera.connections() >= 1);
    assert.equal(tripwire.connections(), 0, 'nothing connected to 127.0.0.2');
  });

  it('Local files through HLS: an HLS URL whose playlist lists a local file reads nothing of it', async () => {
    const result = await segment([`${routes.url}/local.m3u8`]);
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(result.stderr, /CAMTROVE_ERR_MEDIA_UNREADABLE/);
    assert.match(result.stderr, /it would make ffmpeg open a file address/);
  });

  it('refuses URLs of other schemes before ffmpeg starts', async () => {
    for (const [url, scheme] of [['file:///etc/passwd', 'file'], ['rtmp://127.0.0.1/live', 'rtmp'], ['ftp://127.0.0.1/x.mp4', 'ftp']] as const) {
      const result = await segment([url]);
      assert.notEqual(result.code, 0, url);
      assert.match(result.stderr, new RegExp(`has the scheme ${scheme}:, not one camtrove connects to`), url);
    }
  });
});
