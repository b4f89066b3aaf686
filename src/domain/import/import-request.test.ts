import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importCameraId, importRequestKey, type ImportRequest } from './import-request.js';

const request: ImportRequest = { folders: ['/a', '/b'], regex: 'x', camera: null, cameraNameSuffix: '', extensions: ['mp4', 'mov'], timeZone: null, timeFormat: null, segment: true, shardSize: 2048, link: false };

describe('import requests', () => {
  it('are the same import whatever the order of folders and extensions, or the shard size', () => {
    assert.equal(importRequestKey(request), importRequestKey({ ...request, folders: ['/b', '/a'], extensions: ['mov', 'mp4'], shardSize: 10 }));
    assert.notEqual(importRequestKey(request), importRequestKey({ ...request, regex: 'y' }));
    assert.notEqual(importRequestKey(request), importRequestKey({ ...request, timeZone: 'Europe/Paris' }));
    assert.notEqual(importRequestKey(request), importRequestKey({ ...request, segment: false }));
  });

  it('make camera ids of camera names', () => {
    assert.equal(importCameraId('CAM7'), 'CAM7');
    assert.equal(importCameraId('Site 4/North'), 'Site_4_North');
    assert.equal(importCameraId('  -cam é 2 '), 'cam_2');
    assert.equal(importCameraId('x'.repeat(200)).length, 128);
    assert.throws(() => importCameraId('---'), (error: Error & { code?: string }) => error.code === 'CAMTROVE_ERR_INVALID_CAMERA' && /no letter or digit/.test(error.message));
  });
});
