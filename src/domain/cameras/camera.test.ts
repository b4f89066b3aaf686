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
