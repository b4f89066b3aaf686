import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { framesArgs, parseProgressLine, thumbnailArgs, transcodeArgs } from './ffmpeg-commands.js';

describe('ffmpeg command builders', () => {
  it('transcodes to browser-friendly H.264 MP4', () => {
    const args = transcodeArgs('in.avi', 'out.mp4', { codec: 'h264', crf: 23, preset: 'fast', audio: true });
    assert.deepEqual(args.slice(0, 2), ['-i', 'in.avi']);
    for (const pair of [['-c:v', 'libx264'], ['-crf', '23'], ['-preset', 'fast'], ['-pix_fmt', 'yuv420p'], ['-movflags', '+faststart'], ['-c:a', 'aac']]) {
      const at = args.indexOf(pair[0]!);
      assert.ok(at >= 0 && args[at + 1] === pair[1], `expected ${pair.join(' ')} in ${args.join(' ')}`);
    }
    assert.equal(args.at(-1), 'out.mp4');
  });
  it('tags H.265 as hvc1 so Apple players open it, and drops audio when asked', () => {
    const args = transcodeArgs('in', 'out.mp4', { codec: 'h265', crf: 28, preset: 'medium', audio: false, maxHeight: 720 });
    assert.ok(args.includes('libx265'));
    assert.equal(args[args.indexOf('-tag:v') + 1], 'hvc1');
    assert.ok(args.includes('-an'));
    assert.match(args[args.indexOf('-vf') + 1]!, /min\(720/);
  });
  it('seeks before the input for thumbnails and scales to the width', () => {
    const args = thumbnailArgs('in.mp4', 't.jpg', { time: 12.5, width: 320 });
    assert.deepEqual(args.slice(0, 4), ['-ss', '12.5', '-i', 'in.mp4']);
    assert.equal(args[args.indexOf('-vf') + 1], 'scale=320:-2');
    assert.equal(args[args.indexOf('-frames:v') + 1], '1');
  });
  it('selects frames by rate or every Nth frame', () => {
    const rate = framesArgs('in', 'f-%06d.jpg', { select: { fps: 2 }, format: 'jpg' });
    assert.equal(rate[rate.indexOf('-vf') + 1], 'fps=2');
    const nth = framesArgs('in', 'f-%06d.png', { select: { everyNth: 5 }, format: 'png', maxFrames: 10 });
    assert.equal(nth[nth.indexOf('-vf') + 1], 'select=not(mod(n\\,5))');
    assert.ok(nth.includes('passthrough'));
    assert.equal(nth[nth.indexOf('-frames:v') + 1], '10');
  });
  it('reads the time reached from -progress output', () => {
    assert.equal(parseProgressLine('out_time_us=2500000'), 2.5);
    assert.equal(parseProgressLine('out_time_ms=1000000'), 1);
    assert.equal(parseProgressLine('frame=25'), null);
    assert.equal(parseProgressLine('out_time_us=N/A'), null);
  });
});
