import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rtspGrabArgs, segmentGrabArgs } from './grab-commands.js';

describe('frame grab commands', () => {
  it('grabs one RTSP frame over TCP alone, with a socket timeout in microseconds', () => {
    const args = rtspGrabArgs('rtsp://127.0.0.1:4100/relay/stream', { timeoutMs: 5000 });
    assert.deepEqual(args.slice(args.indexOf('-protocol_whitelist'), args.indexOf('-i') + 2), ['-protocol_whitelist', 'tcp', '-format_whitelist', 'rtsp', '-rtsp_transport', 'tcp', '-timeout', '5000000', '-analyzeduration', '1000000', '-i', 'rtsp://127.0.0.1:4100/relay/stream']);
    assert.deepEqual(args.slice(args.indexOf('-frames:v')), ['-frames:v', '1', '-map', '0:v:0', '-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2pipe', '-']);
  });

  it('decodes an HLS segment from stdin alone, seeking after its input, and takes one frame or the rest', () => {
    const first = segmentGrabArgs({ seek: 2.5, take: 'first' });
    assert.ok(first.indexOf('-ss') > first.indexOf('-i'), 'output seeking: a pipe cannot be seeked');
    assert.deepEqual(first.slice(first.indexOf('-protocol_whitelist'), first.indexOf('-ss') + 2), ['-protocol_whitelist', 'pipe', '-format_whitelist', 'mpegts,mov', '-i', 'pipe:0', '-ss', '2.500']);
    assert.ok(first.includes('-frames:v'));
    const rest = segmentGrabArgs({ seek: 0, take: 'rest' });
    assert.ok(!rest.includes('-ss') && !rest.includes('-frames:v'));
  });
});
