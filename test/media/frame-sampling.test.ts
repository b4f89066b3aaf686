import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { SystemMediaTools } from '../../src/adapters/media/ffmpeg.js';
import { sampleFrames } from '../../src/domain/labeling/frame-sampling.js';

const run = promisify(execFile);
const { ffmpeg, ffprobe } = new SystemMediaTools({ ffmpeg: '', ffprobe: '' }).ensureAvailable();
const big = { maxBuffer: 64 * 1024 * 1024 };

/**
 * The MD5 of each decoded frame, in order: of every source frame, or of the filter's outputs. Both
 * pass through (`-vsync cfr`, as Kili runs it, would also repeat the first output to cover the time
 * between the input's start and the video's first frame: those are not outputs of the filter).
 */
async function frameHashes(path: string, filter: string | null): Promise<string[]> {
  const args = ['-v', 'error', '-i', path, '-map', '0:v:0', ...(filter ? ['-vf', filter] : []), '-vsync', 'passthrough', '-f', 'framemd5', '-'];
  const { stdout } = await run(ffmpeg, args, big);
  return stdout.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(',').at(-1)!.trim());
}

/** What sampleFrames is given: each frame's pts, the input's start time, and when the last frame ends. */
async function timing(path: string): Promise<{ pts: number[]; start: number; end: number }> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time,pkt_duration_time:format=start_time', '-of', 'json', path], big);
  const probe = JSON.parse(stdout) as { frames: { best_effort_timestamp_time: string; pkt_duration_time?: string }[]; format: { start_time: string } };
  const pts = probe.frames.map((f) => Number(f.best_effort_timestamp_time));
  const last = probe.frames.at(-1)!;
  return { pts, start: Number(probe.format.start_time), end: pts.at(-1)! + Number(last.pkt_duration_time) };
}

/** Which source frame each output of fps=F:round=up is, found by matching frame hashes (every source frame differs). */
const sourceHashes = new Map<string, Promise<string[]>>();
async function ffmpegPicks(path: string, fps: number): Promise<number[]> {
  if (!sourceHashes.has(path)) sourceHashes.set(path, frameHashes(path, null));
  const sources = await sourceHashes.get(path)!;
  assert.equal(new Set(sources).size, sources.length, 'the clip repeats a frame: outputs could not be matched');
  const outputs = await frameHashes(path, `fps=${fps}:round=up`);
  return outputs.map((hash) => sources.indexOf(hash));
}

describe('sampleFrames against ffmpeg\'s fps=F:round=up', () => {
  let dir: string;
  let vfr: string;
  let cfr: string;
  let late: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-sampling-'));
    // Variable frame rate: 10 fps for 1 s, then 30 fps, every PTS jittered by 0–8 ms, starting at 5.02 s.
    vfr = join(dir, 'vfr.mkv');
    await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=30:d=3',
      '-vf', "settb=1/1000,setpts='(5.02+if(lt(N,10),N*0.1,1+(N-10)/30)+0.004*mod(N*7,3))/TB'",
      '-vsync', 'passthrough', '-enc_time_base', '1:1000', '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '0', vfr]);
    // Constant 30000/1001 fps in MP4, with B-frames (PTS out of decode order), and a tone.
    cfr = join(dir, 'cfr.mp4');
    await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=30000/1001:d=4', '-f', 'lavfi', '-i', 'sine=d=4',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', cfr]);
    // 25 fps video that starts 1.03 s after its audio: the input's start time is not the first frame's pts.
    late = join(dir, 'late.mkv');
    await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=2', '-f', 'lavfi', '-i', 'sine=d=3',
      '-filter_complex', '[0]settb=1/1000,setpts=PTS+1.03/TB[v]', '-map', '[v]', '-map', '1',
      '-vsync', 'passthrough', '-enc_time_base', '1:1000', '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '0', '-c:a', 'aac', late]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the variable-frame-rate clip really is variable and starts late', async () => {
    const { pts, start } = await timing(vfr);
    assert.ok(start > 5, `start ${start}`);
    const gaps = pts.slice(1).map((p, i) => p - pts[i]!);
    assert.ok(Math.max(...gaps) > 0.09 && Math.min(...gaps) < 0.035, `gaps from ${Math.min(...gaps)} to ${Math.max(...gaps)}`);
  });

  for (const fps of [1, 7, 12.5, 25, 60]) {
    it(`picks the frames ffmpeg picks at ${fps} fps on variable-frame-rate video with a start offset`, async () => {
      const { pts, start, end } = await timing(vfr);
      assert.deepEqual(sampleFrames(pts, fps, { start, end }), await ffmpegPicks(vfr, fps));
    });
  }

  for (const fps of [2, 10, 29.97, 50]) {
    it(`picks the frames ffmpeg picks at ${fps} fps on 29.97 fps video with B-frames, from the PTS alone`, async () => {
      const { pts, start, end } = await timing(cfr);
      const expected = await ffmpegPicks(cfr, fps);
      assert.deepEqual(sampleFrames(pts, fps, { start, end }), expected);
      assert.deepEqual(sampleFrames(pts, fps), expected, 'start and end guessed from the PTS: the first frame\'s, and one more frame interval after the last');
    });
  }

  it('measures ticks from the input\'s start time (ffmpeg subtracts it), which may precede the first frame', async () => {
    const { pts, start, end } = await timing(late);
    assert.ok(pts[0]! - start > 1, `first frame at ${pts[0]}, input starts at ${start}`);
    const expected = await ffmpegPicks(late, 10);
    assert.deepEqual(sampleFrames(pts, 10, { start, end }), expected);
    assert.notDeepEqual(sampleFrames(pts, 10, { end }), expected, 'from the first frame\'s pts instead, the ticks fall elsewhere');
  });
});
