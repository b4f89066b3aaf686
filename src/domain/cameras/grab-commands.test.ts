import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rtspGrabArgs, segmentGrabArgs } from './grab-commands.js';

describe('frame grab commands', () => {
  it('grabs one RTSP frame over TCP with a socket timeout in microseconds', () => {
    const args = rtspGrabArgs('rtsp://cam/stream', { timeoutMs: 5000 });
    assert.deepEqual(args.slice(args.indexOf('-rtsp_transport'), args.indexOf('-i') + 2), ['-rtsp_transport', 'tcp', '-timeout', '5000000', '-analyzeduration', '1000000', '-i', 'rtsp://cam/stream']);
    assert.deepEqual(args.slice(args.indexOf('-frames:v')), ['-frames:v', '1', '-map', '0:v:0', '-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2pipe', '-']);
  });

  it('seeks into an HLS segment after its input, and takes one frame or the rest', () => {
    const first = segmentGrabArgs('http://cam/s.ts', { seek: 2.5, take: 'first', timeoutMs: 3000 });
    assert.ok(first.indexOf('-ss') > first.indexOf('-i'), 'output seeking: MPEG-TS over HTTP cannot be seeked as an input');
    assert.deepEqual(first.slice(first.indexOf('-rw_timeout'), first.indexOf('-ss') + 2), ['-rw_timeout', '3000000', '-i', 'http://cam/s.ts', '-ss', '2.500']);
    assert.ok(first.includes('-frames:v'));
    const rest = segmentGrabArgs('http://cam/s.ts', { seek: 0, take: 'rest', timeoutMs: 3000 });
    assert.ok(!rest.includes('-ss') && !rest.includes('-frames:v'));
  });
});
