import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { FfmpegAssetMedia, type IndexedFrame, type VideoIndex } from '../../src/adapters/media/asset-media.js';
import { SystemMediaTools } from '../../src/adapters/media/ffmpeg.js';
import { CamtroveError } from '../../src/domain/errors.js';

const run = promisify(execFile);
const tools = new SystemMediaTools({ ffmpeg: '', ffprobe: '' });
const { ffmpeg, ffprobe } = tools.ensureAvailable();
const media = new FfmpegAssetMedia(tools);

/** 160 × 120 test pattern, 25 fps, 3 s, a key frame every 12 frames (none elsewhere), H.264. */
const BASE = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=3'];
const H264 = (bframes: number) => ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '12', '-keyint_min', '12', '-sc_threshold', '0', '-bf', String(bframes), '-pix_fmt', 'yuv420p'];

/** The clips every property is checked on. */
const CLIPS = {
  // No B-frames: decode order is presentation order.
  normal: { file: 'normal.mp4', args: [...BASE, ...H264(0)] },
  // B-frames: packets come out of order and the stream starts with a negative DTS.
  bframes: { file: 'bframes.mp4', args: [...BASE, ...H264(3)] },
  // Variable frame rate: 40 ms steps, then 100 ms, then growing ones (millisecond clock), with B-frames.
  vfr: {
    file: 'vfr.mp4',
    args: [...BASE, '-vf', "settb=1/1000,setpts='N*40+if(gte(N\\,30)\\,(N-30)*60\\,0)+if(gte(N\\,50)\\,(N-50)*(N-50)\\,0)'", '-fps_mode', 'passthrough', ...H264(2)],
  },
  // An MPEG-TS whose clock starts at 1001.4 s (its muxer's 1.4 s delay on top of the offset).
  offsetTs: { file: 'offset.ts', args: [...BASE, ...H264(2), '-output_ts_offset', '1000', '-f', 'mpegts'] },
  // An MP4 whose first frame is shown at 3.5 s.
  offsetMp4: { file: 'offset.mp4', args: [...BASE, ...H264(2), '-output_ts_offset', '3.5'] },
} as const;
type ClipName = keyof typeof CLIPS | 'rotated';
const NAMES: ClipName[] = ['normal', 'bframes', 'vfr', 'offsetTs', 'offsetMp4', 'rotated'];

let dir = '';
const paths = {} as Record<ClipName, string>;

/** What a full decode says: every frame's best-effort timestamp and key flag, in presentation order (frames with a time). */
async function decodedIndex(path: string): Promise<IndexedFrame[]> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time,key_frame', '-of', 'json', path], { maxBuffer: 64 << 20 });
  return (JSON.parse(stdout) as { frames: { best_effort_timestamp_time: string; key_frame: number }[] }).frames
    .map((f) => ({ pts: Number(f.best_effort_timestamp_time), key: f.key_frame === 1 }))
    .filter((f) => Number.isFinite(f.pts));
}

/** The decoded RGB pixels of an image file (what "equal images" means here). */
async function rgb(imagePath: string): Promise<Buffer> {
  const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', imagePath, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return stdout;
}

/**
 * Every frame of a full passthrough decode as RGB pixels, one buffer per frame: frame k is what
 * `ffmpeg -i clip -vf select=eq(n\,k) -fps_mode passthrough -frames:v 1 k.png` gives, in one run.
 */
async function referenceFrames(path: string, width: number, height: number): Promise<Buffer[]> {
  const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', path, '-map', '0:v:0', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 256 << 20 });
  const size = width * height * 3;
  return Array.from({ length: stdout.length / size }, (_, k) => stdout.subarray(k * size, (k + 1) * size));
}

/** Mean absolute difference of two pictures' bytes. */
function meanDifference(a: Buffer, b: Buffer): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** First, middle, last, and the frames either side of a key frame in the middle of the clip. */
function framesToCheck(frames: readonly IndexedFrame[]): number[] {
  const key = frames.findIndex((f, i) => f.key && i > frames.length / 3);
  return [...new Set([0, Math.floor(frames.length / 2), frames.length - 1, key - 1, key, key + 1])].filter((k) => k >= 0 && k < frames.length);
}

function frameRequest(index: VideoIndex, k: number) {
  const frames = index.frames;
  let key = k;
  while (key > 0 && !frames[key]!.key) key -= 1;
  return { pts: frames[k]!.pts, previousPts: k > 0 ? frames[k - 1]!.pts : null, keyPts: frames[key]!.pts };
}

function assertSameFrames(actual: readonly IndexedFrame[], expected: readonly IndexedFrame[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: frame count`);
  actual.forEach((frame, k) => {
    assert.ok(Math.abs(frame.pts - expected[k]!.pts) < 1e-6, `${label}: frame ${k} at ${frame.pts} s, decoded at ${expected[k]!.pts} s`);
    assert.equal(frame.key, expected[k]!.key, `${label}: key flag of frame ${k}`);
  });
}

describe('asset media (ffmpeg)', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-asset-media-'));
    await Promise.all(Object.entries(CLIPS).map(async ([name, clip]) => {
      paths[name as ClipName] = join(dir, clip.file);
      await run(ffmpeg, ['-v', 'error', '-y', ...clip.args, paths[name as ClipName]]);
    }));
    // As a phone stores it: the pixels as captured plus a display rotation (a display matrix of 90°).
    paths.rotated = join(dir, 'rotated.mp4');
    await run(ffmpeg, ['-v', 'error', '-y', '-i', paths.bframes, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', paths.rotated]);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('indexes every decoded frame from the packets alone, equal to a full decode', async () => {
    for (const name of NAMES) {
      const index = await media.indexVideo(paths[name]);
      assert.deepEqual(media.lastIndexMethod, { method: 'packets' }, name);
      assertSameFrames(index.frames, await decodedIndex(paths[name]), name);
    }
  });

  it('reports the displayed size, rotation, codec, rate, start and duration', async () => {
    const normal = await media.indexVideo(paths.normal);
    assert.deepEqual({ ...normal, frames: normal.frames.length }, { frames: 75, width: 160, height: 120, rotation: 0, codec: 'h264', fps: 25, startTime: 0, inputStartTime: 0, endTime: 3, duration: 3 });
    const rotated = await media.indexVideo(paths.rotated);
    assert.deepEqual([rotated.width, rotated.height], [120, 160]);
    assert.ok(rotated.rotation === 90 || rotated.rotation === 270, `rotation ${rotated.rotation}`);
    assert.ok(Math.abs((await media.indexVideo(paths.offsetTs)).startTime - 1001.4) < 1e-6);
    assert.ok(Math.abs((await media.indexVideo(paths.offsetMp4)).startTime - 3.5) < 1e-6);
    const vfr = await media.indexVideo(paths.vfr);
    // Not k / fps: the 31st frame is at 1.2 s, the 41st at 2.2 s (40 ms, then 100 ms steps).
    assert.deepEqual([vfr.frames[30]!.pts, vfr.frames[40]!.pts], [1.2, 2.2]);
  });

  it('keeps only the frames with a time in [from, to)', async () => {
    const all = (await media.indexVideo(paths.offsetTs)).frames;
    const part = await media.indexVideo(paths.offsetTs, { from: all[10]!.pts, to: all[20]!.pts });
    assert.deepEqual(part.frames, all.slice(10, 20));
    assert.equal((await media.indexVideo(paths.offsetTs, { from: all.at(-1)!.pts + 1 })).frames.length, 0);
  });

  it('decodes when the packets cannot stand for the frames (MPEG-4 part 2 in AVI)', async () => {
    const avi = join(dir, 'packed.avi');
    await run(ffmpeg, ['-v', 'error', '-y', ...BASE, '-c:v', 'mpeg4', '-bf', '2', '-g', '12', avi]);
    const index = await media.indexVideo(avi);
    assert.equal(media.lastIndexMethod?.method, 'decode');
    assertSameFrames(index.frames, await decodedIndex(avi), 'avi');
    // The last frame the decoder flushes out has no time at all, so it cannot be asked for by time.
    assert.equal(index.frames.length, 74);
  });

  it('gives frame k as the same picture as ffmpeg\'s k-th decoded frame, seeking to its key frame', async () => {
    for (const name of NAMES) {
      const index = await media.indexVideo(paths[name]);
      const reference = await referenceFrames(paths[name], index.width, index.height);
      assert.equal(reference.length, index.frames.length, name);
      for (const k of framesToCheck(index.frames)) {
        const mine = join(dir, `${name}-${k}.png`);
        await writeFile(mine, await media.frameImage(paths[name], frameRequest(index, k), 'png'));
        assert.equal(media.lastFrameFromStart, false, `${name}: frame ${k} was not found by seeking to its key frame`);
        assert.ok((await rgb(mine)).equals(reference[k]!), `${name}: frame ${k} differs from ffmpeg's`);
      }
    }
  });

  it('shows the frame upright: the rotated clip\'s image is 120 × 160', async () => {
    const index = await media.indexVideo(paths.rotated);
    const jpeg = await media.frameImage(paths.rotated, frameRequest(index, 5), 'jpeg');
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
    const { width, height } = await sharp(jpeg).metadata();
    assert.deepEqual([width, height], [120, 160]);
  });

  it('fails naming the time when no frame has it', async () => {
    await assert.rejects(media.frameImage(paths.normal, { pts: 1.02, previousPts: 0.98, keyPts: 0.96 }, 'png'),
      (error: unknown) => error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_MEDIA_PROCESSING' && error.message.includes('1.02'));
  });

  it('reads frames ahead in one decode, each image byte for byte the one frameImage gives alone', async () => {
    for (const name of ['bframes', 'vfr', 'offsetTs', 'rotated'] as const) {
      const index = await media.indexVideo(paths[name]);
      // From three frames before a key frame in the middle to five after it: the run crosses the key frame.
      const key = index.frames.findIndex((f, i) => f.key && i > index.frames.length / 3);
      const ks = Array.from({ length: 8 }, (_, i) => key - 3 + i);
      // Sampled asset: every third frame, each window bounded by the sampled frame before it.
      const sampled = Array.from({ length: 6 }, (_, i) => key - 7 + 3 * i);
      for (const [wanted, format] of [[ks, 'png'], [ks, 'jpeg'], [sampled, 'png']] as const) {
        const first = frameRequest(index, wanted[0]!);
        const previousPts = format === 'png' && wanted === sampled ? index.frames[wanted[0]! - 3]!.pts : first.previousPts;
        const images: Buffer[] = [];
        const count = await media.frameRun(paths[name], { keyPts: first.keyPts, previousPts, pts: wanted.map((k) => index.frames[k]!.pts) }, format, (i, image) => images.push(image) === i + 1);
        assert.equal(count, wanted.length, `${name}: every frame of the run`);
        assert.equal(media.lastFrameFromStart, false, name);
        for (const [i, k] of wanted.entries()) {
          const alone = await media.frameImage(paths[name], { ...frameRequest(index, k), previousPts: i > 0 ? index.frames[wanted[i - 1]!]!.pts : previousPts }, format);
          assert.ok(images[i]!.equals(alone), `${name} ${format}: frame ${k} read ahead differs from frame ${k} alone`);
        }
      }
    }
  });

  it('stops reading ahead when told, and never hands a later frame for a missing one', async () => {
    const index = await media.indexVideo(paths.normal);
    const pts = index.frames.slice(20, 30).map((f) => f.pts);
    const seen: number[] = [];
    assert.equal(await media.frameRun(paths.normal, { keyPts: index.frames[12]!.pts, previousPts: index.frames[19]!.pts, pts }, 'jpeg', (i) => seen.push(i) < 3), 3);
    assert.deepEqual(seen, [0, 1, 2]);
    // 1.02 s is between frames: no image comes out, not frame 26 at 1.04 s in its place.
    await assert.rejects(media.frameRun(paths.normal, { keyPts: 0.96, previousPts: 0.98, pts: [1.02, 1.04, 1.08] }, 'png', () => true),
      (error: unknown) => error instanceof CamtroveError && error.message.includes('no frame has the time 1.02'));
    // A frame missing in the middle ends the run there: 1.06 s does not exist, so 1.08 s is not handed out as it.
    const images: number[] = [];
    assert.equal(await media.frameRun(paths.normal, { keyPts: 0.96, previousPts: 0.96, pts: [1, 1.04, 1.06, 1.08] }, 'png', (i) => images.push(i) > 0), 2);
    assert.deepEqual(images, [0, 1]);
  });

  it('splits the asked frames into JPEG files in one pass, in order', async () => {
    // From the start (VFR), and seeking near the first frame asked for (an MPEG-TS clock at 1001.4 s).
    for (const [name, wanted] of [['vfr', [0, 7, 30, 31, 55, 74]], ['offsetTs', [40, 41, 55, 60, 74]]] as const) {
      const index = await media.indexVideo(paths[name]);
      const out = join(dir, `split-${name}`);
      await mkdir(out);
      const files = await media.splitFrames(paths[name], wanted.map((k) => index.frames[k]!.pts), out);
      assert.equal(media.lastFrameFromStart, false, name);
      assert.deepEqual(files, wanted.map((_, i) => join(out, `frame-00000${i + 1}.jpg`)));
      const reference = await referenceFrames(paths[name], index.width, index.height);
      for (const [i, k] of wanted.entries()) {
        // A JPEG is lossy: the file is close to frame k, and further from either neighbour.
        const pixels = await rgb(files[i]!);
        const own = meanDifference(pixels, reference[k]!);
        assert.ok(own < 3, `${name}: split file ${i} is not frame ${k} (mean difference ${own.toFixed(1)})`);
        for (const n of [k - 1, k + 1].filter((n) => n >= 0 && n < reference.length)) {
          assert.ok(meanDifference(pixels, reference[n]!) > own, `${name}: split file ${i} is closer to frame ${n} than to frame ${k}`);
        }
      }
    }
  });

  it('splits a list too long for one command-line argument through a filter script', async () => {
    const long = join(dir, 'long.mp4');
    await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=100:duration=20', ...H264(2), long]);
    const index = await media.indexVideo(long);
    const out = join(dir, 'split-long');
    await mkdir(out);
    const files = await media.splitFrames(long, index.frames.map((f) => f.pts), out);
    assert.equal(files.length, 2000);
    assert.match(files.at(-1)!, /frame-002000\.jpg$/);
  });

  it('fails when a frame asked for is not there, saying how many were written', async () => {
    const index = await media.indexVideo(paths.normal);
    const out = join(dir, 'split-missing');
    await mkdir(out);
    await assert.rejects(media.splitFrames(paths.normal, [index.frames[0]!.pts, 1.02, index.frames[40]!.pts], out),
      (error: unknown) => error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_MEDIA_PROCESSING' && error.message.includes('2 of 3'));
  });

  it('says which file is not a video: text, audio only, truncated', async () => {
    const text = join(dir, 'notes.mp4');
    await writeFile(text, 'not a video at all\n');
    const audio = join(dir, 'tone.m4a');
    await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac', audio]);
    const truncated = join(dir, 'truncated.mp4');
    await writeFile(truncated, (await readFile(paths.normal)).subarray(0, 4000));
    for (const path of [text, audio, truncated]) {
      await assert.rejects(media.indexVideo(path), (error: unknown) => error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_MEDIA_UNREADABLE' && error.message.includes(path), path);
    }
  });

  it('reads only local files', async () => {
    await assert.rejects(media.indexVideo('http://127.0.0.1:9/video.mp4'), (error: unknown) => error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_INVALID_PARAMS');
  });

  it('gives a still image\'s size as displayed, and refuses a broken one', async () => {
    const png = join(dir, 'still.png');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).png().toFile(png);
    assert.deepEqual(await media.imageInfo(png), { width: 64, height: 48, format: 'png' });
    const turned = join(dir, 'turned.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).jpeg().withMetadata({ orientation: 6 }).toFile(turned);
    assert.deepEqual(await media.imageInfo(turned), { width: 48, height: 64, format: 'jpeg' });
    const noise = join(dir, 'noise.jpg');
    await sharp(Buffer.from(Array.from({ length: 160 * 120 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 160, height: 120, channels: 3 } }).jpeg().toFile(noise);
    const cut = join(dir, 'cut.jpg');
    const bytes = await readFile(noise);
    await writeFile(cut, bytes.subarray(0, bytes.length >> 1));
    const junk = join(dir, 'junk.png');
    await writeFile(junk, 'junk');
    for (const path of [cut, junk, join(dir, 'absent.png')]) {
      await assert.rejects(media.imageInfo(path), (error: unknown) => error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_MEDIA_UNREADABLE' && error.message.includes(path), path);
    }
  });
});
