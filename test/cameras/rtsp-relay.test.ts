import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { openNetworkInput } from '../../src/adapters/cameras/network-input.js';
import { NetworkPolicy } from '../../src/adapters/cameras/network-policy.js';
import { SystemMediaTools } from '../../src/adapters/media/ffmpeg.js';
import { RtspRelay } from '../../src/adapters/cameras/rtsp-relay.js';
import { RtspSource } from '../../src/adapters/cameras/rtsp-source.js';
import { parseNetworkRanges } from '../../src/domain/cameras/network-ranges.js';
import { imageKind } from '../../src/domain/cameras/image-bytes.js';
import { FORBIDDEN_HOST, LOOPBACK_ONLY, startRedirectingRtsp, startTripwire, type Tripwire } from '../helpers/hostile-servers.js';
import { startRtspCamera, type RtspCamera } from '../helpers/rtsp-camera.js';

const request = { deadlineMs: 8000, maxBytes: 16 * 1024 * 1024 };
const policy = new NetworkPolicy(parseNetworkRanges(LOOPBACK_ONLY));
const deps = { policy, ffmpeg: () => 'ffmpeg' };

describe('RTSP through camtrove\'s relay', () => {
  let tripwire: Tripwire;
  let digest: RtspCamera;

  before(async () => {
    tripwire = await startTripwire();
    digest = await startRtspCamera({ credentials: { username: 'admin', password: 'pa:ss wörd', scheme: 'digest' } });
  });
  after(async () => {
    await Promise.all([tripwire.close(), digest.close()]);
  });

  it('Redirects around the network policy: an RTSP camera that redirects to 127.0.0.2 is refused by name, and 127.0.0.2 never sees a connection', { timeout: 30_000 }, async (t) => {
    for (const status of [301, 302]) {
      const camera = await startRedirectingRtsp(`rtsp://${FORBIDDEN_HOST}:${tripwire.port}/latest/meta-data`, status);
      t.after(() => camera.close());
      await assert.rejects(new RtspSource(deps, camera.url, null).latest(request), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', error.message);
        assert.match(error.message, new RegExp(`^rtsp://127\\.0\\.0\\.1:\\d+/stream: the camera redirects \\(RTSP ${status}\\) to rtsp://127\\.0\\.0\\.2:${tripwire.port}/latest/meta-data; camtrove does not follow RTSP redirects`));
        return true;
      });
      assert.ok(camera.connections() >= 1, 'the camera itself was asked');
    }
    assert.equal(tripwire.connections(), 0, 'nothing connected to 127.0.0.2');
  });

  it('answers a strict digest challenge itself, on the camera\'s own URI, so ffmpeg never holds the password', { timeout: 30_000 }, async () => {
    const frame = await new RtspSource(deps, digest.url, { username: 'admin', password: 'pa:ss wörd', scheme: 'digest' }).latest(request);
    assert.equal(imageKind(frame.bytes), 'image/jpeg');
    await assert.rejects(new RtspSource(deps, digest.url, { username: 'admin', password: 'wrong', scheme: 'digest' }).latest(request), { code: 'CAMTROVE_ERR_CAMERA_AUTH' });
  });

  it('gives camtrove segment an RTSP URL through the relay: ffprobe reads the stream, the URL\'s credentials stay with the relay', { timeout: 30_000 }, async () => {
    const url = digest.url.replace('rtsp://', 'rtsp://admin:pa%3Ass%20w%C3%B6rd@');
    const network = await openNetworkInput(url, policy, { timeoutMs: 5000 });
    try {
      assert.doesNotMatch(network.input, /admin|w%C3%B6rd/, 'ffmpeg is given the relay, without credentials');
      const info = await new SystemMediaTools({ ffmpeg: '', ffprobe: '' }, network.gate).probe(network.input);
      assert.equal(info.video?.codec, 'h264');
      assert.equal(network.failure(), null);
    } finally {
      await network.close();
    }
  });

  it('turns away a connection that does not name its random path, and refuses an address outside the policy', { timeout: 30_000 }, async () => {
    const relay = await RtspRelay.start({ url: digest.url, credentials: { username: 'admin', password: 'pa:ss wörd', scheme: 'digest' }, policy, timeoutMs: 2000 });
    try {
      const port = Number(new URL(relay.url).port);
      assert.match(relay.url, /^rtsp:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/stream$/);
      const sessions = digest.sessions();
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(`DESCRIBE rtsp://127.0.0.1:${port}/stream RTSP/1.0\r\nCSeq: 1\r\n\r\n`));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(text));
      });
      assert.equal(answer, '', 'closed without an answer');
      assert.equal(digest.sessions(), sessions);
    } finally {
      await relay.close();
    }
    const lan = new NetworkPolicy(parseNetworkRanges('10.0.0.0/8'));
    await assert.rejects(new RtspSource({ policy: lan, ffmpeg: () => 'ffmpeg' }, digest.url, null).latest(request), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: /127\.0\.0\.1 is outside the networks/ });
    await assert.rejects(new RtspSource(deps, 'file:///etc/passwd', null).latest(request), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: /scheme file:/ });
  });
});
