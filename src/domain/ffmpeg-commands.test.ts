import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { framesArgs, grayFramesArgs, parseProgressLine, parseShowinfoLine, thumbnailArgs, transcodeArgs } from './ffmpeg-commands.js';

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
  it('decodes to small greyscale raw frames at the analysis rate, with timestamps from showinfo', () => {
    const args = grayFramesArgs('in.mp4', { fps: 5, width: 320, height: 180 });
    assert.deepEqual(args.slice(0, 2), ['-i', 'in.mp4']);
    assert.equal(args[args.indexOf('-vf') + 1], 'fps=5,scale=320:180:flags=area,format=gray,showinfo');
    assert.equal(args[args.indexOf('-fps_mode') + 1], 'passthrough');
    assert.deepEqual(args.slice(-5), ['-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
    assert.ok(!args.includes('-rw_timeout'), 'a local file needs no network timeout');
  });
  it('takes every keyframe and nothing else in the fast pass, and times out network reads', () => {
    const args = grayFramesArgs('rtsp://cam/stream', { fps: 5, width: 160, height: 90, keyframesOnly: true, networkTimeout: 10, start: 30, duration: 12 });
    assert.deepEqual(args.slice(0, 8), ['-skip_frame', 'nokey', '-rw_timeout', '10000000', '-ss', '30', '-i', 'rtsp://cam/stream']);
    assert.equal(args[args.indexOf('-t') + 1], '12');
    assert.equal(args[args.indexOf('-vf') + 1], 'scale=160:90:flags=area,format=gray,showinfo');
  });
  it('reads frame numbers and timestamps from showinfo lines only', () => {
    assert.deepEqual(parseShowinfoLine('[Parsed_showinfo_3 @ 0x55a277b2a640] [info] n:  12 pts:     60 pts_time:2.4     pos: -1 fmt:gray'), { n: 12, time: 2.4 });
    assert.deepEqual(parseShowinfoLine('[Parsed_showinfo_3 @ 0x1] n:   0 pts:  -1001 pts_time:-0.0333667 pos: 5'), { n: 0, time: -0.0333667 });
    assert.equal(parseShowinfoLine('[Parsed_showinfo_3 @ 0x1] [info] config in time_base: 1/5, frame_rate: 5/1'), null);
    assert.equal(parseShowinfoLine('[h264 @ 0x1] [error] n: 3 pts: 4 pts_time:5'), null);
  });
});
