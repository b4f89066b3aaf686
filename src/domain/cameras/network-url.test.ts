import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HTTP_SCHEMES, networkUrlProblem, urlHost } from './network-url.js';

describe('network URLs', () => {
  it('accepts http, https, rtsp and rtsps URLs with a host', () => {
    for (const url of ['http://cam.example/x.jpg', 'https://10.0.0.5:8443/a.m3u8', 'rtsp://[fd00::5]:554/stream', 'rtsps://cam/stream', 'HTTP://CAM/x']) assert.equal(networkUrlProblem(url), null, url);
  });

  it('refuses other schemes: local files, ffmpeg protocols, inline data', () => {
    for (const [url, scheme] of [['file:///etc/passwd', 'file'], ['concat:/etc/passwd|/etc/hosts', 'concat'], ['data:text/plain,hello', 'data'], ['subfile:,start,0,end,100,:/etc/passwd', 'subfile'], ['pipe:0', 'pipe'], ['gopher://cam/x', 'gopher']] as const) {
      assert.match(networkUrlProblem(url)!, new RegExp(`^has the scheme ${scheme}:, not one camtrove connects to`), url);
    }
    assert.match(networkUrlProblem('rtsp://cam/stream', HTTP_SCHEMES)!, /scheme rtsp:, not one camtrove connects to \(http:, https:\)/);
  });

  it('refuses a URL without a host, and text that is not a URL', () => {
    assert.equal(networkUrlProblem('rtsp:///stream'), 'names no host');
    assert.equal(networkUrlProblem('rtsp:stream'), 'names no host');
    assert.equal(networkUrlProblem('rtsp://:554/stream'), 'is not a URL');
    assert.equal(networkUrlProblem('/etc/passwd'), 'is not a URL');
    assert.equal(networkUrlProblem('http://'), 'is not a URL');
  });

  it('gives IPv6 hosts without brackets', () => {
    assert.equal(urlHost(new URL('rtsp://[fe80::1]:554/x')), 'fe80::1');
    assert.equal(urlHost(new URL('http://Cam.Example/x')), 'cam.example');
  });
});
