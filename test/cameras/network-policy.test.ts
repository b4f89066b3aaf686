import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CameraHttp } from '../../src/adapters/cameras/camera-http.js';
import { NetworkPolicy } from '../../src/adapters/cameras/network-policy.js';
import { SnapshotClient } from '../../src/adapters/cameras/snapshot-client.js';
import { parseNetworkRanges } from '../../src/domain/cameras/network-ranges.js';
import { makeFrames, startCameraSimulator, type CameraSimulator } from '../helpers/camera-simulator.js';
import { freePort } from '../helpers/cli.js';

describe('network policy for camera addresses', () => {
  let cameras: CameraSimulator;
  const clients: CameraHttp[] = [];
  const snapshots = (policy?: NetworkPolicy) => {
    const http = new CameraHttp({ policy });
    clients.push(http);
    const client = new SnapshotClient(http);
    return (url: string) => client.fetch({ url, credentials: null, deadlineMs: 3000, maxBytes: 1 << 24 });
  };

  before(async () => {
    cameras = await startCameraSimulator(await makeFrames(1));
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await cameras.close();
  });

  it('decides by address: link-local and metadata refused by default, the allow-list otherwise', () => {
    const open = new NetworkPolicy();
    for (const address of ['127.0.0.1', '10.1.2.3', '203.0.113.9', '::1', '2001:db8::1']) assert.ok(open.permits(address), address);
    for (const address of ['169.254.169.254', '169.254.1.1', '::ffff:169.254.169.254', 'fe80::1', '100.100.100.200', 'fd00:ec2::254']) assert.ok(!open.permits(address), address);
    const lan = new NetworkPolicy(parseNetworkRanges('192.168.0.0/16, 10.0.0.0/8, 169.254.10.0/24'));
    assert.ok(lan.permits('192.168.4.20') && lan.permits('10.9.9.9'));
    assert.ok(!lan.permits('127.0.0.1') && !lan.permits('203.0.113.9'));
    assert.ok(lan.permits('169.254.10.7'), 'a link-local range the user named');
    assert.ok(!lan.permits('169.254.169.254'), 'the rest of link-local stays refused');
  });

  it('refuses a metadata address, a redirect to one, and a host name outside the allow-list, before any byte is sent', async () => {
    const fetchOpen = snapshots();
    await assert.rejects(fetchOpen('http://169.254.169.254/latest/meta-data/'), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: /169\.254\.169\.254 is link-local or a cloud metadata address/ });
    await assert.rejects(fetchOpen(`${cameras.url}/redirect-metadata`), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN' });
    assert.ok((await fetchOpen(`${cameras.url}/still.jpg`)).bytes.length > 0, 'loopback is allowed without an allow-list');

    const fetchLan = snapshots(new NetworkPolicy(parseNetworkRanges('10.0.0.0/8')));
    const port = new URL(cameras.url).port;
    const before = cameras.hits.get('/still.jpg') ?? 0;
    await assert.rejects(fetchLan(`http://localhost:${port}/still.jpg`), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: /localhost resolves to (127\.0\.0\.1|::1), which is outside the networks cameras may be fetched from \(CAMTROVE_CAMERA_NETWORKS\)/ });
    await assert.rejects(fetchLan(`${cameras.url}/still.jpg`), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: /127\.0\.0\.1 is outside the networks/ });
    assert.equal(cameras.hits.get('/still.jpg') ?? 0, before, 'the camera never saw a request');
  });

  it('checks a URL before ffmpeg is pointed at it', async () => {
    const policy = new NetworkPolicy();
    await policy.check('rtsp://127.0.0.1:8554/stream');
    await assert.rejects(policy.check('rtsp://[fe80::1]:554/stream'), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN' });
    await assert.rejects(new NetworkPolicy(parseNetworkRanges('10.0.0.0/8')).check('http://localhost/x.m3u8'), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: /localhost resolves to/ });
  });

  it('Local files through HLS: the policy refuses a URL of a non-network scheme or without a host, naming it without its password', async () => {
    const policy = new NetworkPolicy();
    for (const url of ['file:///etc/passwd', 'concat:/etc/passwd|/etc/hosts', 'data:text/plain;base64,aGk=', 'subfile:,start,0,end,64,:/etc/passwd', 'pipe:0', 'ftp://cam/x.ts']) {
      await assert.rejects(policy.check(url), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CAMTROVE_ERR_CAMERA_FORBIDDEN', url);
        assert.match(error.message, /has the scheme \w+:, not one camtrove connects to/, url);
        return true;
      });
    }
    await assert.rejects(policy.check('rtsp:stream'), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: 'rtsp:stream names no host' });
    await assert.rejects(policy.check('not a url'), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: 'not a url is not a URL' });
    await assert.rejects(policy.check('rtsp://admin:hunter2@cam.example/x', ['http', 'https']), (error: Error) => {
      assert.match(error.message, /^rtsp:\/\/admin:\*\*\*@cam\.example\/x has the scheme rtsp:/);
      return true;
    });
    assert.throws(() => policy.checkUrl('file:///etc/passwd'), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN' });
    // The HTTP client refuses them too, before any connection.
    await assert.rejects(snapshots()('file:///etc/passwd'), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: /file:\/\/\/etc\/passwd has the scheme file:/ });
  });

  it('Redirects around the network policy: a relay connects only to checked addresses', async () => {
    const lan = new NetworkPolicy(parseNetworkRanges('10.0.0.0/8'));
    const port = Number(new URL(cameras.url).port);
    await assert.rejects(lan.connect('127.0.0.1', port, { shown: 'cam', timeoutMs: 2000 }), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: /127\.0\.0\.1 is outside the networks/ });
    await assert.rejects(lan.connect('localhost', port, { shown: 'cam', timeoutMs: 2000 }), { code: 'CAMTROVE_ERR_CAMERA_FORBIDDEN', message: /^cam: localhost resolves to/ });
    const socket = await new NetworkPolicy().connect('127.0.0.1', port, { shown: 'cam', timeoutMs: 2000 });
    socket.destroy();
    const free = await freePort();
    await assert.rejects(new NetworkPolicy().connect('127.0.0.1', free, { shown: 'cam', timeoutMs: 2000 }), { code: 'CAMTROVE_ERR_CAMERA_UNREACHABLE', message: 'cam: connection refused' });
  });
});
