import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepRedacted, publicCamera, validateCamera, type CameraInput } from './camera.js';

const ipCamera = (ip: string): CameraInput => ({ id: 'cam', type: 'ip', ip, image_path: 'snap.jpg' });

describe('camera validation', () => {
  it('takes an IP address or a host name as an ip camera\'s ip, and nothing that would change its URL', () => {
    for (const ip of ['10.0.0.5', 'fd00::5', '[fd00::5]', 'cam-3.local', 'CAMERA.example.org.']) assert.doesNotThrow(() => validateCamera(ipCamera(ip), 0), ip);
    assert.equal(validateCamera(ipCamera('[fd00::5]'), 0).camera.ip, 'fd00::5');
    for (const ip of ['10.0.0.5/admin', '../etc', 'user@10.0.0.5', '10.0.0.5:8080', 'cam .local', 'a_b.local', '-cam', '10.0.0.5?x=1', 'http://10.0.0.5']) {
      assert.throws(() => validateCamera(ipCamera(ip), 0), /camera "cam": ip must be an IP address or a host name/, ip);
    }
  });

  it('takes an HLS variant choice (highest, lowest or a height), stored lower-case, and says what a wrong one should be', () => {
    const hls = (hls_variant: string | null): CameraInput => ({ id: 'cam', type: 'hls', m3u8_url: 'https://cam.example/live.m3u8', hls_variant });
    assert.deepEqual(['Highest', 'lowest', '1080P', ' 720 ', null, ''].map((choice) => validateCamera(hls(choice), 0).camera.hlsVariant), ['highest', 'lowest', '1080p', '720', null, null]);
    assert.equal(publicCamera(validateCamera(hls('lowest'), 0).camera).hls_variant, 'lowest');
    for (const choice of ['best', '4k', '0', '1280x720']) assert.throws(() => validateCamera(hls(choice), 0), new RegExp(`camera "cam": hls_variant must be highest, lowest or a height such as 720 or 1080p, not "${choice}"`), choice);
  });
});

describe('camera addresses shown and sent back', () => {
  const { camera } = validateCamera({ id: 'foscam', type: 'ip', ip: '10.0.0.5', image_path: '/snapshot.cgi?user=admin&pwd=secret' }, 0);

  it('shows addresses without their secrets', () => {
    const shown = publicCamera(camera);
    assert.equal(shown.image_path, '/snapshot.cgi?user=admin&pwd=***');
    assert.equal(shown.url, 'http://10.0.0.5/snapshot.cgi?user=admin&pwd=***');
  });
  it('keeps the stored address when a change gives it back as it was shown, and takes a real change', () => {
    assert.equal(keepRedacted({ image_path: '/snapshot.cgi?user=admin&pwd=***', name: 'x' }, camera).image_path, '/snapshot.cgi?user=admin&pwd=secret');
    assert.equal(keepRedacted({ image_path: '/snapshot.cgi?user=admin&pwd=other' }, camera).image_path, '/snapshot.cgi?user=admin&pwd=other');
    assert.equal(keepRedacted({ image_path: null }, camera).image_path, null);
  });
});
