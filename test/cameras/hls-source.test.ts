import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CameraHttp } from '../../src/adapters/cameras/camera-http.js';
import { HlsSource } from '../../src/adapters/cameras/hls-source.js';
import { imageComplete, imageKind } from '../../src/domain/cameras/image-bytes.js';
import { bytes, makeTsSegment, playlist, startRoutes, vodPlaylist, type Route } from '../helpers/hostile-servers.js';

const run = promisify(execFile);
const request = { deadlineMs: 8000, maxBytes: 16 * 1024 * 1024 };
const credentials = { username: 'viewer', password: 'pa ss', scheme: 'basic' as const };

describe('HLS segments fetched by camtrove and decoded from stdin', () => {
  const http = new CameraHttp();
  const deps = { http, ffmpeg: () => 'ffmpeg' };
  let dir: string;
  let ts: Buffer;
  let camera: Awaited<ReturnType<typeof startRoutes>>;
  let elsewhere: Awaited<ReturnType<typeof startRoutes>>;
  /** The Authorization header each request came with, by origin and path. */
  const authorizations: string[] = [];

  /** A route that records the Authorization it got, then answers as `route`. */
  const recording = (name: string, route: Route): Route => (req, res) => {
    authorizations.push(`${name} ${req.headers.authorization ?? 'none'}`);
    route(req, res);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-hls-source-'));
    ts = await readFile(await makeTsSegment(join(dir, 'seg.ts')));
    // Fragmented MP4 HLS: an init segment (#EXT-X-MAP) and .m4s segments that decode only after it.
    const fmp4 = join(dir, 'fmp4');
    await run('mkdir', ['-p', fmp4]);
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '10',
      '-f', 'hls', '-hls_segment_type', 'fmp4', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', join(fmp4, 'part%d.m4s'), join(fmp4, 'index.m3u8')]);
    const fmp4Routes: Record<string, Route> = {};
    for (const name of await readdir(fmp4)) fmp4Routes[`/fmp4/${name}`] = bytes(await readFile(join(fmp4, name)), name.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp4');
    elsewhere = await startRoutes({ '/seg.ts': recording('elsewhere', bytes(ts, 'video/mp2t')) });
    camera = await startRoutes({
      ...fmp4Routes,
      '/own.m3u8': recording('camera', playlist(vodPlaylist(['seg.ts']))),
      '/seg.ts': recording('camera', bytes(ts, 'video/mp2t')),
      '/foreign.m3u8': recording('camera', playlist(vodPlaylist([`${elsewhere.url}/seg.ts`]))),
      '/encrypted.m3u8': playlist(['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-KEY:METHOD=AES-128,URI="key.bin"', '#EXTINF:2,', 'seg.ts', '#EXT-X-ENDLIST', ''].join('\n')),
      '/huge.m3u8': playlist(vodPlaylist(['huge.ts'])),
      '/huge.ts': (_req, res) => {
        res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': String(200 * 1024 * 1024) });
        res.end();
      },
    });
  });
  after(async () => {
    await http.close();
    await Promise.all([camera.close(), elsewhere.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes fragmented MP4 segments after their init segment', { timeout: 30_000 }, async () => {
    const frame = await new HlsSource(deps, `${camera.url}/fmp4/index.m3u8`, null).latest(request);
    assert.ok(imageKind(frame.bytes) === 'image/jpeg' && imageComplete(frame.bytes, 'image/jpeg'));
    assert.equal(camera.hits.get('/fmp4/init.mp4'), 1);
  });

  it('sends the camera\'s credentials to its own origin, never to a segment elsewhere', { timeout: 30_000 }, async () => {
    authorizations.length = 0;
    await new HlsSource(deps, `${camera.url}/own.m3u8`, credentials).latest(request);
    await new HlsSource(deps, `${camera.url}/foreign.m3u8`, credentials).latest(request);
    const basic = `Basic ${Buffer.from('viewer:pa ss').toString('base64')}`;
    assert.deepEqual(authorizations, [`camera ${basic}`, `camera ${basic}`, `camera ${basic}`, 'elsewhere none']);
  });

  it('refuses an encrypted playlist whose key is missing, and oversized segments, by name, fetching nothing more', { timeout: 30_000 }, async () => {
    const segments = camera.hits.get('/seg.ts');
    await assert.rejects(new HlsSource(deps, `${camera.url}/encrypted.m3u8`, null).latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /encrypted\.m3u8: the stream is encrypted \(AES-128\) and its key http:\/\/127\.0\.0\.1:\d+\/key\.bin could not be fetched: HTTP 404$/ });
    assert.equal(camera.hits.get('/key.bin'), 1);
    assert.equal(camera.hits.get('/seg.ts'), segments, 'no segment without its key');
    await assert.rejects(new HlsSource(deps, `${camera.url}/huge.m3u8`, null).latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /huge\.m3u8: a segment is larger than 64\.0 MiB/ });
  });
});
