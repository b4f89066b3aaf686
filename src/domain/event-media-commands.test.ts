import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canCopyVideoIntoMp4,
  eventClipArgs,
  eventThumbnailArgs,
  planClip,
  rgbFrameArgs,
} from './event-media-commands.js';

const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('event media commands', () => {
  it('grabs one raw RGB frame, seeking just before its time so a rounded time still finds it', () => {
    assert.deepEqual(rgbFrameArgs('in.mp4', { time: 3.08, width: 480, height: 270 }), [
      '-ss', '3.0795', '-i', 'in.mp4', '-map', '0:v:0', '-an', '-sn', '-dn', '-frames:v', '1',
      '-vf', 'scale=480:270:flags=area', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ]);
    // No seek at all at zero: an image cannot seek, even there.
    assert.deepEqual(rgbFrameArgs('in.jpg', { time: 0, width: 4, height: 4 }).slice(0, 3), ['-i', 'in.jpg', '-map']);
    // Without timestamps, ffmpeg decodes from the start and drops what comes before.
    assert.deepEqual(rgbFrameArgs('in.h264', { time: 3.08, width: 4, height: 4, seek: 'decode' }).slice(0, 4), ['-i', 'in.h264', '-ss', '3.0795']);
  });

  it('draws the normalised box on the thumbnail with expressions of the scaled size', () => {
    const args = eventThumbnailArgs('in.mp4', 't.jpg', { time: 3.5, box: { x: 0.25, y: 0.5, w: 0.1, h: 0.2 } });
    assert.deepEqual(args.slice(0, 4), ['-ss', '3.4995', '-i', 'in.mp4']);
    const filters = after(args, '-vf')!.split(',drawbox=');
    assert.equal(filters[0], "scale=w='min(640,iw*sar)':h='max(2,trunc(ow/dar/2)*2)',setsar=1");
    assert.equal(filters[1], "x='iw*0.2500-t-0':y='ih*0.5000-t-0':w='iw*0.1000+2*t+0':h='ih*0.2000+2*t+0':color=black@0.7:t='max(2,round(iw/160))+2'");
    assert.equal(filters[2], "x='iw*0.2500-t-1':y='ih*0.5000-t-1':w='iw*0.1000+2*t+2':h='ih*0.2000+2*t+2':color=yellow:t='max(2,round(iw/160))'");
    assert.deepEqual(args.slice(-7), ['-q:v', '3', '-f', 'image2', '-update', '1', 't.jpg']);
    assert.match(after(eventThumbnailArgs('in.mp4', 't.jpg', { time: 1, box: { x: 0, y: 0, w: 1, h: 1 }, width: 320 }), '-vf')!, /^scale=w='min\(320,iw\*sar\)'/);
  });

  it('copies from a keyframe at or a little before the start, re-encodes otherwise', () => {
    const keyframes = [0, 2, 4, 6];
    assert.deepEqual(planClip(keyframes, 3.1, 5), { mode: 'copy', from: 2, to: 5 });
    assert.deepEqual(planClip(keyframes, 4, 5), { mode: 'copy', from: 4, to: 5 });
    assert.deepEqual(planClip(keyframes, 3.999_999_5, 5), { mode: 'copy', from: 4, to: 5 }, 'a start rounded just below a keyframe');
    assert.deepEqual(planClip(keyframes, 3.1, 5, { maxLeadSeconds: 0.5 }), { mode: 'encode', from: 3.1, to: 5 });
    assert.deepEqual(planClip([0, 10], 7, 9), { mode: 'encode', from: 7, to: 9 });
    assert.deepEqual(planClip([0, 10], 2, 9), { mode: 'copy', from: 0, to: 9 });
    assert.deepEqual(planClip([5], 1, 2), { mode: 'encode', from: 1, to: 2 }, 'no keyframe before the start');
    assert.deepEqual(planClip([], 1, 2), { mode: 'encode', from: 1, to: 2 }, 'no timestamps');
  });

  it('builds the copy command: keyframe seek, copied packets, MP4-friendly audio', () => {
    const copy = eventClipArgs('in.mp4', 'out.mp4', { mode: 'copy', from: 2, to: 5 }, { videoCodec: 'h264', audioCodec: 'aac' });
    assert.deepEqual(copy, ['-ss', '2.0005', '-i', 'in.mp4', '-t', '3.000', '-map', '0:v:0', '-map', '0:a:0?', '-c:v', 'copy', '-c:a', 'copy',
      '-sn', '-dn', '-avoid_negative_ts', 'make_zero', '-movflags', '+faststart', '-f', 'mp4', 'out.mp4']);
    const pcm = eventClipArgs('in.avi', 'out.mp4', { mode: 'copy', from: 3.08, to: 5 }, { videoCodec: 'mjpeg', audioCodec: 'pcm_s16le' });
    assert.deepEqual([after(pcm, '-c:v'), after(pcm, '-c:a')], ['copy', 'aac']);
    const hevc = eventClipArgs('in.mp4', 'out.mp4', { mode: 'copy', from: 0, to: 1 }, { videoCodec: 'hevc', audioCodec: null });
    assert.equal(after(hevc, '-tag:v'), 'hvc1');
    assert.ok(hevc.includes('-an') && !hevc.includes('0:a:0?'));
  });

  it('builds the encode command: exact cut, H.264 yuv420p, AAC', () => {
    const encode = eventClipArgs('in.mp4', 'out.mp4', { mode: 'encode', from: 7.25, to: 9 });
    assert.deepEqual(encode.slice(0, 8), ['-ss', '7.2500', '-i', 'in.mp4', '-t', '1.750', '-map', '0:v:0']);
    assert.deepEqual([after(encode, '-c:v'), after(encode, '-preset'), after(encode, '-crf'), after(encode, '-pix_fmt'), after(encode, '-c:a')], ['libx264', 'veryfast', '23', 'yuv420p', 'aac']);
    assert.equal(after(encode, '-movflags'), '+faststart');
    assert.deepEqual(eventClipArgs('in.h264', 'out.mp4', { mode: 'encode', from: 3, to: 4 }, { seek: 'decode' }).slice(0, 6), ['-i', 'in.h264', '-ss', '3.0000', '-t', '1.000']);
    // Audio that could be copied is encoded too: the cut must be exact.
    assert.equal(after(eventClipArgs('in.mp4', 'out.mp4', { mode: 'encode', from: 0, to: 1 }, { audioCodec: 'aac' }), '-c:a'), 'aac');
  });

  it('copies only codecs an MP4 holds', () => {
    assert.deepEqual(['h264', 'hevc', 'mjpeg', 'mpeg4', 'wmv3', null].map(canCopyVideoIntoMp4), [true, true, true, false, false, false]);
  });
});
