import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { SystemMediaTools } from '../../src/adapters/media/ffmpeg.js';
import { networkInputGate } from '../../src/adapters/media/input-gate.js';
import type { GrayFrame } from '../../src/domain/motion/motion-types.js';
import { silentServer } from '../helpers/http.js';
import { sampleClips } from '../helpers/media.js';

const run = promisify(execFile);
const media = new SystemMediaTools({ ffmpeg: '', ffprobe: '' });

async function collect(frames: AsyncIterable<GrayFrame>): Promise<GrayFrame[]> {
  const all: GrayFrame[] = [];
  for await (const frame of frames) all.push(frame);
  return all;
}

function mean(pixels: Uint8Array): number {
  let sum = 0;
  for (const p of pixels) sum += p;
  return sum / pixels.length;
}

describe('grey frame reader', () => {
  let dir: string;
  let clip: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-frames-'));
    clip = join(dir, 'steps.mp4');
    // 1 s dark grey, then 1 s light grey, at 25 fps; moov first so a truncated copy still decodes.
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x404040:size=320x240:rate=25:duration=1', '-f', 'lavfi', '-i', 'color=c=0xC0C0C0:size=320x240:rate=25:duration=1',
      '-filter_complex', '[0][1]concat=n=2:v=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', clip]);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('yields frames of the asked size at the analysis rate, with the media timestamps', async () => {
    const stream = media.grayFrames(clip, { fps: 5, width: 160, height: 120 });
    const frames = await collect(stream.frames);
    assert.equal(frames.length, 10);
    assert.deepEqual(frames.map((f) => f.time), [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8]);
    for (const frame of frames) assert.deepEqual([frame.width, frame.height, frame.pixels.length], [160, 120, 160 * 120]);
    // The pixels are the picture: dark for a second, then light (luma of 0x40 and 0xC0, limited range).
    assert.ok(Math.abs(mean(frames[0]!.pixels) - 0x40) < 12, `first frame mean ${mean(frames[0]!.pixels)}`);
    assert.ok(Math.abs(mean(frames[9]!.pixels) - 0xc0) < 12, `last frame mean ${mean(frames[9]!.pixels)}`);
    assert.deepEqual(stream.warnings, []);
  });

  it('reads a truncated file up to the damage and reports it as a warning', async () => {
    const whole = join(dir, 'pattern.mp4');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', whole]);
    const cut = join(dir, 'cut.mp4');
    const bytes = await readFile(whole);
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const stream = media.grayFrames(cut, { fps: 5, width: 160, height: 120 });
    const frames = await collect(stream.frames);
    assert.ok(frames.length > 5 && frames.length < 30, `${frames.length} frames of 30`);
    assert.ok(stream.warnings.length > 0, 'the damage is reported');
  });

  it('fails on a file with no video, in ffmpeg\'s words', async () => {
    // Named .mp4: ffmpeg would render a .txt file as ANSI art.
    const text = join(dir, 'notes.mp4');
    await writeFile(text, 'not a video\n'.repeat(100));
    await assert.rejects(collect(media.grayFrames(text, { fps: 5, width: 160, height: 120 }).frames), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CAMTROVE_ERR_MEDIA_UNREADABLE');
      assert.match(error.message, /notes\.mp4: .*Invalid data found/);
      return true;
    });
  });

  it('stops ffmpeg when the consumer stops early', async () => {
    const long = join(dir, 'long.mp4');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=120', '-c:v', 'libx264', '-preset', 'ultrafast', long]);
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const timersBefore = timers();
    const started = Date.now();
    let seen = 0;
    for await (const frame of media.grayFrames(long, { fps: 5, width: 160, height: 120 }).frames) {
      assert.ok(frame.pixels.length > 0);
      if (++seen === 3) break;
    }
    assert.equal(seen, 3);
    assert.ok(Date.now() - started < 10_000, 'breaking out returned promptly');
    // A timer left behind (the stall watchdog) would keep a finished command alive for a minute.
    assert.equal(timers(), timersBefore, 'no timer is left running');
    const { stdout } = await run('pgrep', ['-f', long]).catch(() => ({ stdout: '' }));
    assert.equal(stdout.trim(), '', 'no ffmpeg left running on the file');
  });

  it('gives up on an input that never answers', async () => {
    const { port, close } = await silentServer();
    try {
      const started = Date.now();
      const url = `http://user:secret@127.0.0.1:${port}/live.mjpg`;
      // Network inputs are read only by tools made for them (camtrove segment <url> puts its proxy in the access).
      await assert.rejects(collect(media.grayFrames(url, { fps: 5, width: 160, height: 120 }).frames), { code: 'CAMTROVE_ERR_INVALID_PARAMS', message: /^http:\/\/user:\*\*\*@127\.0\.0\.1:\d+\/live\.mjpg: only local files are read here/ });
      const network = new SystemMediaTools({ ffmpeg: '', ffprobe: '' }, networkInputGate({ input: url, access: { protocols: ['http', 'tcp'], formats: ['mpjpeg'] } }));
      await assert.rejects(collect(network.grayFrames(url, { fps: 5, width: 160, height: 120, stallTimeoutMs: 1500 }).frames), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CAMTROVE_ERR_MEDIA_TIMEOUT');
        assert.doesNotMatch(error.message, /secret/);
        return true;
      });
      assert.ok(Date.now() - started < 8000);
    } finally {
      close();
    }
  });

  it('takes times from the file, so a wrong frame-rate header gives its own (shorter) timeline', async (t) => {
    const clips = sampleClips(t, 'Megamind.avi', 'Megamind_bugy.avi');
    if (!clips) return;
    const [right, wrong] = clips;
    const last = async (path: string) => (await collect(media.grayFrames(path, { fps: 5, width: 160, height: 116 }).frames)).at(-1)!.time;
    assert.ok(Math.abs((await last(right)) - 11.2) < 0.3);
    assert.ok(Math.abs((await last(wrong)) - 8.8) < 0.3);
  });
});
