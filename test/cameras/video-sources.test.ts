import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { CameraHttp } from '../../src/adapters/cameras/camera-http.js';
import { HlsSource } from '../../src/adapters/cameras/hls-source.js';
import { RtspSource } from '../../src/adapters/cameras/rtsp-source.js';
import { imageComplete, imageKind } from '../../src/domain/cameras/image-bytes.js';
import { freePort } from '../helpers/cli.js';
import { startHlsCamera } from '../helpers/hls-camera.js';
import { startRtspCamera } from '../helpers/rtsp-camera.js';

const request = { deadlineMs: 8000, maxBytes: 16 * 1024 * 1024 };
const isJpeg = (bytes: Buffer) => imageKind(bytes) === 'image/jpeg' && imageComplete(bytes, 'image/jpeg');

describe('HLS and RTSP drivers against simulated cameras', () => {
  const http = new CameraHttp();
  const deps = { http, policy: http.policy, ffmpeg: () => 'ffmpeg' };
  after(() => http.close());

  it('takes the newest picture of a live HLS playlist, and decodes a segment only once', { timeout: 60_000 }, async (t) => {
    const camera = await startHlsCamera({ kind: 'live' });
    t.after(() => camera.close());
    const source = new HlsSource(deps, camera.url, null);
    const first = await source.latest(request);
    assert.ok(isJpeg(first.bytes));
    const again = await source.latest(request);
    // Asked again at once: the same segment, so the same frame without another decode (unless a new segment just came).
    assert.equal(again.bytes.equals(first.bytes), source.decodes === 1, `${source.decodes} decodes`);
    await sleep(2500);
    const later = await source.latest(request);
    assert.ok(isJpeg(later.bytes));
    assert.ok(!later.bytes.equals(first.bytes), 'a newer segment, a newer picture');
  });

  it('walks through a VOD playlist as time passes', { timeout: 60_000 }, async (t) => {
    const camera = await startHlsCamera({ kind: 'vod', seconds: 12 });
    t.after(() => camera.close());
    const source = new HlsSource(deps, camera.url, null);
    const start = await source.latest(request);
    await sleep(2500);
    const later = await source.latest(request);
    assert.ok(isJpeg(start.bytes) && isJpeg(later.bytes));
    assert.ok(!later.bytes.equals(start.bytes), 'not frame 0 every time');
  });

  it('says what is wrong with a playlist that is missing or not a playlist', { timeout: 60_000 }, async (t) => {
    const camera = await startHlsCamera({ kind: 'vod', seconds: 2, faults: { playlistStatus: 404 } });
    t.after(() => camera.close());
    await assert.rejects(new HlsSource(deps, camera.url, null).latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /stream\.m3u8: HTTP 404/ });
    const segment = camera.url.replace('stream.m3u8', 'stream0.ts');
    await assert.rejects(new HlsSource(deps, segment, null).latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE' });
  });

  it('grabs an RTSP frame over TCP, with credentials when the camera wants them', { timeout: 60_000 }, async (t) => {
    const open = await startRtspCamera();
    const guarded = await startRtspCamera({ credentials: { username: 'admin', password: 's3cret:pw' } });
    t.after(() => Promise.all([open.close(), guarded.close()]));
    assert.ok(isJpeg((await new RtspSource(deps, open.url, null).latest(request)).bytes));
    assert.ok(isJpeg((await new RtspSource(deps, guarded.url, { username: 'admin', password: 's3cret:pw', scheme: 'basic' }).latest(request)).bytes));
    await assert.rejects(new RtspSource(deps, guarded.url, null).latest(request), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CAMTROVE_ERR_CAMERA_AUTH', error.message);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
  });

  it('bounds a silent or refusing RTSP camera by the deadline, and refuses link-local addresses', { timeout: 60_000 }, async (t) => {
    const silent = await startRtspCamera({ fault: 'silent' });
    t.after(() => silent.close());
    const started = Date.now();
    await assert.rejects(new RtspSource(deps, silent.url, null).latest({ ...request, deadlineMs: 2000 }), { code: 'CAMTROVE_ERR_CAMERA_TIMEOUT' });
    assert.ok(Date.now() - started < 5000, `gave up in ${Date.now() - started} ms`);
    // Free a moment ago and nothing listens there: a connection is refused.
    const port = await freePort();
    await assert.rejects(new RtspSource(deps, `rtsp://127.0.0.1:${port}/stream`, null).latest(request), { code: 'CAMTROVE_ERR_CAMERA_UNREACHABLE', message: /Connection refused/i });
    await assert.rejects(new RtspSource(deps, 'rtsp://169.254.169.254/stream', null).latest(request), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN' });
  });
});
