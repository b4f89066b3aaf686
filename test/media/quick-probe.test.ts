import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SystemMediaTools } from '../../src/adapters/media/ffmpeg.js';
import { quickProbe } from '../../src/adapters/media/quick-probe.js';
import { probeIsoBmff } from '../../src/domain/media/iso-bmff-probe.js';
import { assertCaseAnswer, lavfiTone, lavfiVideo, makeCaseFiles, probeParity, x264Fast, type ProbeCase } from '../helpers/media.js';

const { ffmpeg, ffprobe } = new SystemMediaTools({ ffmpeg: '', ffprobe: '' }).ensureAvailable();
const { ffprobeInfo, withDocumentedNulls } = probeParity(ffprobe);
const encoders = execFileSync(ffmpeg, ['-hide_banner', '-encoders'], { encoding: 'utf8' });
// ffmpeg 6+ sets a display matrix with -display_rotation; 5.x only from rotate metadata when copying.
const hasDisplayRotation = execFileSync(ffmpeg, ['-hide_banner', '-h', 'full'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).includes('display_rotation');

const video = lavfiVideo;
const tone = lavfiTone;
const x264 = x264Fast;

const cases: ProbeCase[] = [
  { name: 'H.264 MP4 (yuv420p)', file: 'h264.mp4', args: [...video(), ...x264], expect: 'same', pixelFormat: true },
  { name: 'H.264 + AAC, moov at the end, B-frames (edit list)', file: 'h264-aac.mp4', args: [...video(), ...tone(), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'], expect: 'same', pixelFormat: true },
  { name: 'H.264 + AAC with +faststart', file: 'faststart.mp4', args: [...video(), ...tone(), ...x264, '-c:a', 'aac', '-shortest', '-movflags', '+faststart'], expect: 'same', pixelFormat: true },
  { name: 'H.264 + AAC in .mov', file: 'h264-aac.mov', args: [...video(), ...tone(), ...x264, '-c:a', 'aac', '-shortest'], expect: 'same', pixelFormat: true },
  { name: 'MPEG-4 Part 2 in MP4', file: 'mpeg4.mp4', args: [...video(), '-c:v', 'mpeg4'], expect: 'same', pixelFormat: true },
  { name: 'MJPEG in MOV', file: 'mjpeg.mov', args: [...video(), '-c:v', 'mjpeg'], expect: 'same' },
  { name: 'MJPEG in MP4', file: 'mjpeg.mp4', args: [...video(), '-c:v', 'mjpeg'], expect: 'same' },
  { name: 'HEVC (libx265)', file: 'hevc.mp4', args: [...video(), '-c:v', 'libx265', '-x265-params', 'log-level=error'], expect: 'same', encoder: 'libx265' },
  { name: 'HEVC tagged hvc1, 10-bit', file: 'hevc10.mp4', args: [...video(), '-c:v', 'libx265', '-pix_fmt', 'yuv420p10le', '-tag:v', 'hvc1', '-x265-params', 'log-level=error'], expect: 'same', encoder: 'libx265' },
  { name: 'VP9 in MP4', file: 'vp9.mp4', args: [...video(), '-c:v', 'libvpx-vp9', '-b:v', '200k'], expect: 'same', pixelFormat: true, encoder: 'libvpx-vp9' },
  {
    name: 'rotated 90° by display matrix',
    file: 'rotated.mp4',
    args: (dir) =>
      hasDisplayRotation
        ? ['-display_rotation:v:0', '90', '-i', join(dir, 'h264-aac.mp4'), '-c', 'copy']
        : ['-i', join(dir, 'h264-aac.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90'],
    expect: 'same',
    pixelFormat: true,
  },
  { name: 'fragmented MP4 (empty moov)', file: 'fragmented.mp4', args: [...video(), ...x264, '-movflags', 'frag_keyframe+empty_moov'], expect: 'null' },
  {
    name: 'variable frame rate',
    file: 'vfr.mp4',
    args: [...video(), '-vf', "setpts='N/10/TB+if(gt(N,5),0.05/TB,0)+if(gt(N,12),0.2/TB,0)'", '-fps_mode', 'vfr', ...x264],
    expect: 'same',
    pixelFormat: true,
  },
  { name: 'creation_time set', file: 'created.mp4', args: [...video(), ...x264, '-metadata', 'creation_time=2024-05-06T07:08:09Z'], expect: 'same', pixelFormat: true },
  { name: 'NTSC rate, 1920×1080 (SPS cropping)', file: 'ntsc1080.mp4', args: [...video(1, '1920x1080', '30000/1001'), ...x264], expect: 'same', pixelFormat: true },
  { name: 'interlaced H.264', file: 'interlaced.mp4', args: [...video(1, '720x576', '25'), ...x264, '-flags', '+ildct+ilme'], expect: 'same', pixelFormat: true },
  { name: 'full-range H.264 (yuvj420p)', file: 'fullrange.mp4', args: [...video(), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuvj420p'], expect: 'same', pixelFormat: true },
  { name: 'H.264 High 10 (pixel format left to ffprobe)', file: 'high10.mp4', args: [...video(), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le'], expect: 'same' },
  { name: 'AAC 48 kHz stereo and a second audio track', file: 'two-audio.mp4', args: [...video(), ...tone(2, 48000), ...tone(2, 22050), '-map', '0', '-map', '1', '-map', '2', ...x264, '-c:a', 'aac', '-ac:a:0', '2', '-shortest'], expect: 'same', pixelFormat: true },
  { name: 'audio starting late (empty edit)', file: 'delayed-audio.mp4', args: [...video(), '-itsoffset', '0.5', ...tone(), ...x264, '-c:a', 'aac'], expect: 'same', pixelFormat: true },
  { name: 'audio longer than video', file: 'audio-longer.mp4', args: [...video(), ...tone(3.3), ...x264, '-c:a', 'aac'], expect: 'same', pixelFormat: true },
  { name: 'MP3 in MP4', file: 'mp3.mp4', args: [...video(), ...tone(), ...x264, '-c:a', 'libmp3lame', '-shortest'], expect: 'same', pixelFormat: true, encoder: 'libmp3lame' },
  { name: 'Opus in MP4', file: 'opus.mp4', args: [...video(), ...tone(), ...x264, '-c:a', 'libopus', '-ac', '2', '-shortest'], expect: 'same', pixelFormat: true, encoder: 'libopus' },
  { name: 'PCM and A-law in MOV', file: 'pcm.mov', args: [...video(), ...tone(), ...tone(), '-map', '0', '-map', '1', '-map', '2', ...x264, '-c:a:0', 'pcm_s16le', '-c:a:1', 'pcm_alaw', '-ac', '2', '-shortest'], expect: 'same', pixelFormat: true },
  { name: 'timecode track in MOV', file: 'timecode.mov', args: [...video(), ...x264, '-timecode', '01:02:03:04'], expect: 'same', pixelFormat: true },
  { name: 'AAC-only .m4a', file: 'audio.m4a', args: [...tone(2, 48000), '-c:a', 'aac'], expect: 'same' },
  // AVI, as camera traps and older recorders write it.
  { name: 'MJPEG + PCM in AVI (a camera trap)', file: 'trap.avi', args: [...video(2, '640x480'), ...tone(2, 8000), '-c:v', 'mjpeg', '-c:a', 'pcm_s16le', '-shortest'], expect: 'same' },
  { name: 'MJPEG in AVI, audio longer than video', file: 'trap-long-audio.avi', args: [...video(2), ...tone(3.3, 22050), '-c:v', 'mjpeg', '-c:a', 'pcm_u8', '-ac', '2'], expect: 'same' },
  { name: 'MPEG-4 Part 2 + A-law in AVI', file: 'mpeg4.avi', args: [...video(), ...tone(2, 8000), '-c:v', 'mpeg4', '-c:a', 'pcm_alaw', '-shortest'], expect: 'same' },
  { name: 'MPEG-4 Part 2 tagged XVID in AVI, no audio', file: 'xvid.avi', args: [...video(3, '320x240', '25'), '-c:v', 'mpeg4', '-vtag', 'XVID'], expect: 'same' },
  { name: 'H.264 in AVI', file: 'h264.avi', args: [...video(), ...x264], expect: 'same' },
  { name: 'MP3 in AVI (left to ffprobe)', file: 'mp3.avi', args: [...video(), ...tone(), '-c:v', 'mjpeg', '-c:a', 'libmp3lame', '-shortest'], expect: 'null', encoder: 'libmp3lame' },
  { name: '3GP', file: 'video.3gp', args: [...video(), ...tone(2, 8000), ...x264, '-c:a', 'aac', '-ac', '1', '-shortest'], expect: 'same', pixelFormat: true },
];

describe('quickProbe against ffprobe', () => {
  let dir = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-quick-probe-'));
    // The rotated clip copies an earlier one: it is made after the others.
    await makeCaseFiles(ffmpeg, dir, cases, encoders);
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    const skip = c.encoder && !encoders.includes(c.encoder) ? `this ffmpeg has no ${c.encoder} encoder` : false;
    it(c.name, { skip }, async () => {
      const path = join(dir, c.file);
      const [quick, reference] = await Promise.all([quickProbe(path), ffprobeInfo(path)]);
      assertCaseAnswer(c, quick, reference);
      if (c.file === 'rotated.mp4') assert.notEqual(reference?.video?.rotation, 0, 'the clip should be rotated');
      if (c.file === 'vfr.mp4') assert.notEqual(reference?.video?.fps, 10, 'the clip should have a variable rate');
    });
  }

  it('returns null for a text file named .mp4', async () => {
    const path = join(dir, 'notes.mp4');
    await writeFile(path, 'hello, this is not a video at all\n');
    assert.equal(await quickProbe(path), null);
  });

  it('returns null or the ffprobe answer for truncated files, never throwing', async () => {
    for (const source of ['h264-aac.mp4', 'faststart.mp4', 'trap.avi']) {
      const bytes = await readFile(join(dir, source));
      const path = join(dir, `half-${source}`);
      await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const quick = await quickProbe(path);
      if (quick !== null) {
        const reference = await ffprobeInfo(path);
        assert.deepEqual(withDocumentedNulls(quick, reference), reference);
      }
    }
  });

  it('reads a complete file followed by bytes that are not a box (a recorder stopped abruptly) as ffprobe does', async () => {
    const junk = [Buffer.from('8f0013a7e2c4d9b6017ffe3c5a90d2b4', 'hex'), Buffer.from('e2c4d9b601', 'hex'), Buffer.alloc(16)];
    for (const source of ['h264-aac.mp4', 'faststart.mp4']) {
      const bytes = await readFile(join(dir, source));
      for (const [at, tail] of junk.entries()) {
        const path = join(dir, `trailing-${at}-${source}`);
        await writeFile(path, Buffer.concat([bytes, tail]));
        const [quick, reference] = await Promise.all([quickProbe(path), ffprobeInfo(path)]);
        assert.ok(quick, `${source} + ${tail.length} bytes: quickProbe fell back to ffprobe`);
        assert.deepEqual(withDocumentedNulls(quick, reference), reference, `${source} + ${tail.toString('hex')}`);
      }
    }
  });

  it('never throws on an AVI cut anywhere in its headers or with a header byte changed, and answers as ffprobe or not at all', async () => {
    const bytes = await readFile(join(dir, 'trap.avi'));
    const path = join(dir, 'damaged.avi');
    let answered = 0;
    for (let at = 0; at < 400; at += 7) {
      for (const damaged of [bytes.subarray(0, at), Buffer.from(bytes).fill(at % 251, at, at + 1)]) {
        await writeFile(path, damaged);
        const quick = await quickProbe(path);
        if (quick === null) continue;
        answered += 1;
        assert.deepEqual(withDocumentedNulls(quick, await ffprobeInfo(path)), await ffprobeInfo(path), `byte ${at}`);
      }
    }
    assert.ok(answered > 0, 'some damage leaves the headers readable');
  });

  it('throws filesystem errors', async () => {
    await assert.rejects(quickProbe(join(dir, 'missing.mp4')), { code: 'ENOENT' });
  });

  it('measures the time per file', async () => {
    const paths = cases.filter((c) => c.expect === 'same' && !(c.encoder && !encoders.includes(c.encoder))).map((c) => join(dir, c.file));
    const calls = 200;
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) assert.ok(await quickProbe(paths[i % paths.length]!));
    const quickMs = Number(process.hrtime.bigint() - started) / 1e6 / calls;
    // The parsing alone, from memory: what is left is the file system's open/stat/read/close.
    const files = await Promise.all(paths.map((path) => readFile(path)));
    const parseStarted = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      const file = files[i % files.length]!;
      await probeIsoBmff({ read: async (offset, length) => file.subarray(offset, offset + length) }, file.length);
    }
    const parseMs = Number(process.hrtime.bigint() - parseStarted) / 1e6 / calls;
    const ffprobeStarted = process.hrtime.bigint();
    for (let i = 0; i < 10; i++) await ffprobeInfo(paths[i % paths.length]!);
    const ffprobeMs = Number(process.hrtime.bigint() - ffprobeStarted) / 1e6 / 10;
    console.log(`quickProbe: ${quickMs.toFixed(3)} ms per file over ${calls} calls (parsing alone ${parseMs.toFixed(3)} ms); ffprobe: ${ffprobeMs.toFixed(1)} ms per file`);
  });
});
