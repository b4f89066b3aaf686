import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { FfmpegEventMedia } from '../../src/adapters/media/event-media.js';
import { SystemMediaTools } from '../../src/adapters/media/ffmpeg.js';
import { grabRgbFrame } from '../../src/adapters/media/frame-grabber.js';
import { listKeyframeTimes } from '../../src/adapters/media/packet-lister.js';
import { CamtroveError } from '../../src/domain/errors.js';
import type { MotionEvent, RgbFrame } from '../../src/domain/motion/motion-types.js';

const run = promisify(execFile);
const media = new SystemMediaTools({ ffmpeg: '', ffprobe: '' });
const { ffmpeg, ffprobe } = media.ensureAvailable();
const signal = new AbortController().signal;

/**
 * 8 s at 25 fps, 640 × 360: an 80 × 80 `colour` square at y = 140 sliding right at 100 px/s
 * (x = 100·t) over plain grey, a tone, and a keyframe exactly every 2 s.
 */
async function slidingSquare(path: string, options: { colour?: string; video?: string[]; audio?: string[] } = {}): Promise<string> {
  const { colour = 'red', video = ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0'], audio = ['-c:a', 'aac'] } = options;
  await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=640x360:r=25:d=8', '-f', 'lavfi', '-i', `color=c=${colour}:s=80x80:r=25:d=8`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=8', '-filter_complex', "[0][1]overlay=x='t*100':y=140,format=yuv420p[v]",
    '-map', '[v]', '-map', '2', ...video, ...audio, '-shortest', path]);
  return path;
}

/** The square's box at time t, normalised, a little looser than the square as a detector's would be. */
function squareBox(t: number) {
  return { x: (100 * t - 6) / 640, y: 134 / 360, w: 92 / 640, h: 92 / 360 };
}

function event(start: number, end: number, peakTime: number): MotionEvent {
  return {
    start, end, motionStart: start + 1, motionEnd: end - 1, motionFrames: 10, peakMotionPct: 3, meanMotionPct: 2,
    box: { x: 0, y: 0.3, w: 1, h: 0.4 }, boxTrack: [], trajectory: [], directionDeg: 90, direction: 'E', speed: 0.15,
    heatmap: [], zones: [], score: 0.9, peakTime, peakBox: squareBox(peakTime), objects: [],
  };
}

/** Mean x of the strongly red pixels, in pixels of the frame. */
function redCentre(frame: RgbFrame): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < frame.pixels.length; i += 3) {
    if (frame.pixels[i]! > 150 && frame.pixels[i + 1]! < 80 && frame.pixels[i + 2]! < 80) {
      sum += (i / 3) % frame.width;
      count += 1;
    }
  }
  assert.ok(count > 0, 'no red pixel in the frame');
  return sum / count;
}

async function streams(path: string): Promise<{ codec_name: string; codec_type: string; duration?: string; nb_frames?: string; width?: number; height?: number }[]> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_name,codec_type,duration,nb_frames,width,height', '-of', 'json', path]);
  return (JSON.parse(stdout) as { streams: [] }).streams;
}

describe('event media from the full-colour video', () => {
  let dir: string;
  let h264: string;
  let mjpeg: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-event-media-'));
    h264 = await slidingSquare(join(dir, 'square.mp4'));
    // Every frame a keyframe, PCM audio (which an MP4 does not take as it is).
    mjpeg = await slidingSquare(join(dir, 'square.avi'), { video: ['-c:v', 'mjpeg', '-q:v', '4'], audio: ['-c:a', 'pcm_s16le'] });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('grabs the RGB frame at an exact time, between keyframes', async () => {
    const frame = await grabRgbFrame(ffmpeg, h264, { time: 3.08, width: 320, height: 180, signal });
    assert.deepEqual([frame.width, frame.height, frame.pixels.length], [320, 180, 320 * 180 * 3]);
    // x = 308 … 388 at full size: centre 348, 174 at half size.
    assert.ok(Math.abs(redCentre(frame) - 174) < 2, `red centred at ${redCentre(frame)}`);
    await assert.rejects(grabRgbFrame(ffmpeg, h264, { time: 30, width: 32, height: 18, signal }), (error: unknown) => error instanceof CamtroveError && /no frame could be decoded at 30\.00 s/.test(error.message));
  });

  it('lists keyframe times by demuxing alone', async () => {
    assert.deepEqual(await listKeyframeTimes(ffprobe, h264, signal), [0, 2, 4, 6]);
    const every = await listKeyframeTimes(ffprobe, mjpeg, signal);
    assert.equal(every.length, 200);
    assert.equal(every[77], 3.08);
    // A raw H.264 stream has no timestamps: nothing to copy from.
    const raw = join(dir, 'square.h264');
    await run(ffmpeg, ['-v', 'error', '-y', '-i', h264, '-map', '0:v', '-c', 'copy', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264', raw]);
    assert.deepEqual(await listKeyframeTimes(ffprobe, raw, signal), []);
    await assert.rejects(listKeyframeTimes(ffprobe, join(dir, 'missing.mp4'), signal), /could not list the video packets/);
  });

  it('names the moving square red, from the difference with a calm frame', async () => {
    const tools = new FfmpegEventMedia(media);
    const colors = await tools.colors(h264, event(2.5, 6.5, 4.6), signal);
    assert.equal(colors[0]?.name, 'red');
    assert.ok(colors[0].share > 0.8, JSON.stringify(colors));
    assert.ok(!colors.some((c) => c.name === 'grey'), JSON.stringify(colors));
  });

  it('draws the box on a thumbnail of the requested width', async () => {
    const output = join(dir, 'thumbnail.jpg');
    await new FfmpegEventMedia(media, { thumbnailWidth: 480 }).thumbnail(h264, { ...event(2, 6, 4), peakBox: { x: 400 / 640, y: 140 / 360, w: 80 / 640, h: 80 / 360 } }, output, signal);
    const [stream] = await streams(output);
    assert.deepEqual([stream?.codec_name, stream?.width, stream?.height], ['mjpeg', 480, 270]);
    const image = await grabRgbFrame(ffmpeg, output, { time: 0, width: 480, height: 270, signal });
    const at = (x: number, y: number) => [...image.pixels.subarray((y * 480 + x) * 3, (y * 480 + x) * 3 + 3)];
    const yellow = ([r, g, b]: number[]) => r! > 170 && g! > 170 && b! < 110;
    // The square is x 300–359, y 105–164 at this size; the 3-px yellow line lies just outside it.
    for (const [x, y] of [[297, 135], [362, 135], [330, 102], [330, 167]] as const) assert.ok(yellow(at(x, y)), `(${x}, ${y}) is ${at(x, y).join(',')}`);
    const [r, g, b] = at(330, 135);
    assert.ok(r! > 180 && g! < 60 && b! < 60, `the square is still red inside the box: ${at(330, 135).join(',')}`);
    assert.ok(Math.abs(at(100, 100)[0]! - 128) < 12, 'the rest is grey');
  });

  it('copies a clip from the keyframe before the event when it is close enough', async () => {
    const tools = new FfmpegEventMedia(media);
    const clipEvent = event(3.1, 5.0, 4);
    assert.deepEqual(await tools.clipPlan(h264, clipEvent, signal), { mode: 'copy', from: 2, to: 5 });
    const output = join(dir, 'copy.mp4');
    await tools.clip(h264, clipEvent, output, signal);
    const [video, audio] = await streams(output);
    assert.deepEqual([video?.codec_name, audio?.codec_name], ['h264', 'aac']);
    assert.ok(Math.abs(Number(video?.duration) - 3) <= 0.2, `video of ${video?.duration} s`);
    // It starts at the keyframe: the square at x = 200 … 280.
    const first = await grabRgbFrame(ffmpeg, output, { time: 0, width: 640, height: 360, signal });
    assert.ok(Math.abs(redCentre(first) - 240) < 3, `first frame's square centred at ${redCentre(first)}`);
  });

  it('re-encodes a clip exactly when the keyframe before it is too far', async () => {
    const tools = new FfmpegEventMedia(media, { maxLeadSeconds: 0.5 });
    const clipEvent = event(3.1, 5.0, 4);
    assert.deepEqual(await tools.clipPlan(h264, clipEvent, signal), { mode: 'encode', from: 3.1, to: 5 });
    const output = join(dir, 'encode.mp4');
    await tools.clip(h264, clipEvent, output, signal);
    const [video, audio] = await streams(output);
    assert.deepEqual([video?.codec_name, audio?.codec_name], ['h264', 'aac']);
    assert.ok(Math.abs(Number(video?.duration) - 1.9) <= 0.2, `video of ${video?.duration} s`);
    const first = await grabRgbFrame(ffmpeg, output, { time: 0, width: 640, height: 360, signal });
    assert.ok(Math.abs(redCentre(first) - 350) < 5, `first frame's square centred at ${redCentre(first)}`);
  });

  it('copies an MJPEG clip exactly, every frame being a keyframe, and turns PCM audio into AAC', async () => {
    const tools = new FfmpegEventMedia(media);
    const clipEvent = event(3.1, 5.0, 4);
    // Frames are 40 ms apart: the one at 3.08 is the last at or before 3.1.
    assert.deepEqual(await tools.clipPlan(mjpeg, clipEvent, signal), { mode: 'copy', from: 3.08, to: 5 });
    const output = join(dir, 'mjpeg.mp4');
    await tools.clip(mjpeg, clipEvent, output, signal);
    const [video, audio] = await streams(output);
    assert.deepEqual([video?.codec_name, audio?.codec_name], ['mjpeg', 'aac']);
    assert.equal(video?.nb_frames, '48');
    const first = await grabRgbFrame(ffmpeg, output, { time: 0, width: 640, height: 360, signal });
    assert.ok(Math.abs(redCentre(first) - 348) < 3, `first frame's square centred at ${redCentre(first)}`);
  });

  it('decodes from the start and re-encodes when the container has no timestamps', async () => {
    const raw = join(dir, 'square.h264');
    await run(ffmpeg, ['-v', 'error', '-y', '-i', h264, '-map', '0:v', '-c', 'copy', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264', raw]);
    const tools = new FfmpegEventMedia(media);
    assert.equal((await tools.colors(raw, event(2.5, 6.5, 4.6), signal))[0]?.name, 'red');
    await tools.thumbnail(raw, event(2, 6, 4), join(dir, 'raw.jpg'), signal);
    assert.equal((await tools.clipPlan(raw, event(3.1, 5, 4), signal)).mode, 'encode');
    const output = join(dir, 'raw.mp4');
    await tools.clip(raw, event(3.1, 5, 4), output, signal);
    const [video] = await streams(output);
    assert.equal(video?.codec_name, 'h264');
    assert.ok(Math.abs(Number(video?.duration) - 1.9) <= 0.2, `video of ${video?.duration} s`);
  });

  it('fails clearly for a thumbnail past the end, and looks afresh at a file replaced in place', async () => {
    const tools = new FfmpegEventMedia(media);
    await assert.rejects(tools.thumbnail(h264, event(40, 42, 41), join(dir, 'late.jpg'), signal), /no frame at 41\.00 s/);
    const path = join(dir, 'replaced.mp4');
    await slidingSquare(path, { colour: 'blue' });
    assert.equal((await tools.colors(path, event(2.5, 6.5, 4.6), signal))[0]?.name, 'blue');
    await slidingSquare(path, { colour: 'yellow', video: ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25'] });
    assert.equal((await tools.colors(path, event(2.5, 6.5, 4.6), signal))[0]?.name, 'yellow');
  });

  it('stops when cancelled, and a cancelled look is not reused', async () => {
    const tools = new FfmpegEventMedia(media);
    const cancel = new AbortController();
    cancel.abort(new Error('cancelled'));
    await assert.rejects(tools.clip(h264, event(3.1, 5, 4), join(dir, 'cancelled.mp4'), cancel.signal), /cancelled/);
    assert.deepEqual(await tools.clipPlan(h264, event(3.1, 5, 4), signal), { mode: 'copy', from: 2, to: 5 });
  });
});
