import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLiveInput, isUrl } from './media-input.js';

describe('media inputs', () => {
  it('tells URLs from paths, including Windows drive letters and relative paths', () => {
    assert.ok(isUrl('rtsp://cam.local:554/stream1'));
    assert.ok(isUrl('HTTPS://example.org/live.m3u8'));
    assert.ok(!isUrl('/videos/a.mp4'));
    assert.ok(!isUrl('C:\\videos\\a.mp4'));
    assert.ok(!isUrl('clips/http-server.mp4'));
  });
  it('calls a URL without a duration live, and a file without one rewindable', () => {
    assert.ok(isLiveInput('rtsp://cam.local/stream1', null));
    assert.ok(!isLiveInput('https://example.org/recording.mp4', 61.2));
    assert.ok(!isLiveInput('/videos/raw.h264', null));
  });
});
