import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SystemMediaTools } from '../../src/adapters/media/ffmpeg.js';
import { quickProbe } from '../../src/adapters/media/quick-probe.js';
import { assertCaseAnswer, ebmlElementAt, lavfiTone, lavfiVideo, makeCaseFiles, probeParity, uniqueMkv, withoutFtyp, x264Fast, type ProbeCase } from '../helpers/media.js';

const { ffmpeg, ffprobe } = new SystemMediaTools({ ffmpeg: '', ffprobe: '' }).ensureAvailable();
const encoders = execFileSync(ffmpeg, ['-hide_banner', '-encoders'], { encoding: 'utf8' });
const { ffprobeInfo, withDocumentedNulls } = probeParity(ffprobe);

const video = lavfiVideo;
const tone = lavfiTone;
const x264 = x264Fast;

/** Case arguments that make `file` from the bytes of an earlier case's `source`. */
const derived = (file: string, source: string, transform: (bytes: Buffer) => Buffer) => async (dir: string) => writeFile(join(dir, file), transform(await readFile(join(dir, source))));

const cases: ProbeCase[] = [
  { name: 'H.264 in MKV', file: 'h264.mkv', args: [...video(), ...x264], expect: 'same', pixelFormat: true },
  { name: 'H.264 (B-frames) + AAC 48 kHz stereo in MKV', file: 'h264-aac.mkv', args: [...video(), ...tone(2, 48000), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-shortest'], expect: 'same', pixelFormat: true },
  { name: 'H.264 + PCM 16-bit in MKV', file: 'pcm.mkv', args: [...video(), ...tone(), ...x264, '-c:a', 'pcm_s16le', '-shortest'], expect: 'same', pixelFormat: true },
  { name: 'H.264 + PCM 24-bit stereo in MKV', file: 'pcm24.mkv', args: [...video(), ...tone(2, 48000), ...x264, '-c:a', 'pcm_s24le', '-ac', '2', '-shortest'], expect: 'same', pixelFormat: true },
  { name: 'H.264 + Opus in MKV', file: 'opus.mkv', args: [...video(), ...tone(), ...x264, '-c:a', 'libopus', '-shortest'], expect: 'same', pixelFormat: true, encoder: 'libopus' },
  { name: 'VP9 + Opus in WebM', file: 'vp9.webm', args: [...video(), ...tone(), '-c:v', 'libvpx-vp9', '-b:v', '200k', '-c:a', 'libopus', '-ac', '2', '-shortest'], expect: 'same', pixelFormat: true, encoder: 'libvpx-vp9' },
  { name: 'VP8 + Opus in WebM', file: 'vp8.webm', args: [...video(), ...tone(), '-c:v', 'libvpx', '-b:v', '200k', '-c:a', 'libopus', '-shortest'], expect: 'same', pixelFormat: true, encoder: 'libvpx' },
  { name: 'VP8 + Vorbis in WebM (Vorbis left to ffprobe)', file: 'vorbis.webm', args: [...video(), ...tone(), '-c:v', 'libvpx', '-b:v', '200k', '-c:a', 'libvorbis', '-shortest'], expect: 'null', encoder: 'libvorbis' },
  { name: 'MJPEG with a Colour element', file: 'mjpeg-colour.mkv', args: [...video(), '-c:v', 'mjpeg', '-color_range', 'pc', '-color_primaries', 'bt709'], expect: 'same' },
  { name: 'MJPEG in MKV', file: 'mjpeg.mkv', args: [...video(), '-c:v', 'mjpeg'], expect: 'same' },
  { name: 'HEVC in MKV (pixel format left to ffprobe)', file: 'hevc.mkv', args: [...video(), '-c:v', 'libx265', '-x265-params', 'log-level=error'], expect: 'same', encoder: 'libx265' },
  { name: 'NTSC rate, 1920×1080 (SPS cropping)', file: 'ntsc1080.mkv', args: [...video(1, '1920x1080', '30000/1001'), ...x264], expect: 'same', pixelFormat: true },
  { name: 'full-range H.264 (yuvj420p)', file: 'fullrange.mkv', args: [...video(), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuvj420p'], expect: 'same', pixelFormat: true },
  { name: 'H.264 High 10 (pixel format left to ffprobe)', file: 'high10.mkv', args: [...video(), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le'], expect: 'same' },
  { name: 'a start offset', file: 'offset.mkv', args: ['-itsoffset', '1.5', ...video(), ...tone(), ...x264, '-c:a', 'aac'], expect: 'same', pixelFormat: true },
  { name: 'creation_time set (DateUTC)', file: 'created.mkv', args: [...video(), ...x264, '-metadata', 'creation_time=2024-05-06T07:08:09.123456Z'], expect: 'same', pixelFormat: true },
  { name: 'live: unknown sizes, no Duration', file: 'live.mkv', args: [...video(), ...tone(), ...x264, '-c:a', 'aac', '-shortest', '-live', '1'], expect: 'same', pixelFormat: true },
  { name: 'live with PCM (ffprobe estimates a duration from its bit rate)', file: 'live-pcm.mkv', args: [...video(), ...tone(), ...x264, '-c:a', 'pcm_s16le', '-shortest', '-live', '1'], expect: 'null' },
  { name: 'audio only (AAC)', file: 'audio.mka', args: [...tone(2, 48000), '-c:a', 'aac'], expect: 'same' },
  { name: 'a subtitle track', file: 'subtitles.mkv', args: (dir) => [...video(), '-i', join(dir, 'subtitles.srt'), ...x264, '-c:s', 'srt'], expect: 'null' },
  { name: 'an attachment (ffprobe lists it as a stream)', file: 'attachment.mkv', args: (dir) => [...video(), ...x264, '-attach', join(dir, 'subtitles.srt'), '-metadata:s:t', 'mimetype=text/plain'], expect: 'null' },
  { name: 'MP3 in MKV', file: 'mp3.mkv', args: [...video(), ...tone(), ...x264, '-c:a', 'libmp3lame', '-shortest'], expect: 'null', encoder: 'libmp3lame' },
  {
    name: 'Tracks after the Clusters, found through the SeekHead',
    file: 'tracks-last.mkv',
    args: derived('tracks-last.mkv', 'h264-aac.mkv', moveTracksToEnd),
    expect: 'same',
    pixelFormat: true,
  },
  {
    name: 'no DefaultDuration (ffprobe estimates the frame rate from packets)',
    file: 'no-default-duration.mkv',
    args: derived('no-default-duration.mkv', 'h264.mkv', voidDefaultDuration),
    expect: 'null',
  },
  {
    name: 'made unique by uniqueMkv',
    file: 'unique.mkv',
    args: derived('unique.mkv', 'h264-aac.mkv', (bytes) => uniqueMkv(bytes, 'file 1234')),
    expect: 'same',
    pixelFormat: true,
  },
  // QuickTime files from before `ftyp`: they start with `wide`, `mdat` or `moov`.
  { name: 'MOV (with ftyp, the source of the next ones)', file: 'source.mov', args: [...video(), ...tone(), ...x264, '-c:a', 'aac', '-shortest', '-f', 'mov'], expect: 'same', pixelFormat: true },
  { name: 'MOV with faststart (source)', file: 'source-faststart.mov', args: [...video(), ...tone(), ...x264, '-c:a', 'aac', '-shortest', '-f', 'mov', '-movflags', '+faststart'], expect: 'same', pixelFormat: true },
  {
    name: 'MOV without ftyp, starting with wide + mdat',
    file: 'no-ftyp.mov',
    args: derived('no-ftyp.mov', 'source.mov', withoutFtyp),
    expect: 'same',
    pixelFormat: true,
  },
  {
    name: 'MOV without ftyp, starting with moov',
    file: 'no-ftyp-moov.mov',
    args: derived('no-ftyp-moov.mov', 'source-faststart.mov', withoutFtyp),
    expect: 'same',
    pixelFormat: true,
  },
  {
    name: 'MOV without ftyp, starting with free',
    file: 'free-first.mov',
    args: derived('free-first.mov', 'source.mov', (bytes) => {
      const copy = Buffer.from(bytes);
      copy.write('free', 4, 'latin1');
      return copy;
    }),
    expect: 'same',
    pixelFormat: true,
  },
];

const available = (c: ProbeCase) => !c.encoder || encoders.includes(c.encoder);

describe('quickProbe of Matroska/WebM and MOV without ftyp, against ffprobe', () => {
  let dir = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-matroska-probe-'));
    await writeFile(join(dir, 'subtitles.srt'), '1\n00:00:00,000 --> 00:00:01,000\nhello\n');
    await makeCaseFiles(ffmpeg, dir, cases, encoders);
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(c.name, { skip: available(c) ? false : `this ffmpeg has no ${c.encoder} encoder` }, async () => {
      const path = join(dir, c.file);
      const [quick, reference] = await Promise.all([quickProbe(path), ffprobeInfo(path)]);
      assert.ok(reference, 'ffprobe reads the file');
      assertCaseAnswer(c, quick, reference);
      if (c.file === 'live.mkv') assert.equal(reference.duration, null, 'a live file has no duration');
      if (c.file === 'created.mkv') assert.equal(reference.creationTime, '2024-05-06T07:08:09.123Z');
    });
  }

  it('never throws on a Matroska file cut or with a header byte changed, and answers as ffprobe or not at all', async () => {
    let answered = 0;
    // Headers every few bytes (more sparsely in the second and third file), then the clusters and the tags at the end.
    for (const [source, step] of [['h264-aac.mkv', 5], ['vp9.webm', 11], ['live.mkv', 11]] as const) {
      if (source === 'vp9.webm' && !encoders.includes('libvpx-vp9')) continue;
      const bytes = await readFile(join(dir, source));
      const path = join(dir, `damaged-${source}`);
      const points = [...range(0, 700, step), ...range(700, bytes.length, Math.floor(bytes.length / 20)), ...range(bytes.length - 300, bytes.length, 23)];
      for (const at of points) {
        for (const damaged of [bytes.subarray(0, at), Buffer.from(bytes).fill((at * 7) % 256, at, at + 1)]) {
          await writeFile(path, damaged);
          const quick = await quickProbe(path);
          if (quick === null) continue;
          answered += 1;
          const reference = await ffprobeInfo(path);
          assert.deepEqual(withDocumentedNulls(quick, reference), reference, `${source}, byte ${at}, ${damaged.length === bytes.length ? 'changed' : 'cut'}`);
        }
      }
    }
    assert.ok(answered > 0, 'some damage leaves the headers readable');
  });
});

function range(from: number, to: number, step: number): number[] {
  const points: number[] = [];
  for (let at = Math.max(0, from); at < to; at += Math.max(1, step)) points.push(at);
  return points;
}

const SEEK_HEAD = 0x114d9b74;
const SEEK = 0x4dbb;
const VOID = 0xec;
const TRACKS = 0x1654ae6b;

/** An EBML element with a 1-byte size (up to 126 bytes of data). */
function element(id: number[], data: Buffer): Buffer {
  if (data.length > 126) throw new Error('element too long for a 1-byte size');
  return Buffer.concat([Buffer.from([...id, 0x80 | data.length]), data]);
}

function readSeekPosition(bytes: Buffer, at: number): number {
  const position = ebmlElementAt(bytes, at);
  return bytes.readUIntBE(position.dataStart, position.end - position.dataStart);
}

/**
 * The file with its Tracks element moved after the last Cluster (a Void of the same length left in
 * its place), the Segment size and the SeekHead's Tracks position updated: as some writers lay out
 * files that get their track headers last.
 */
function moveTracksToEnd(bytes: Buffer): Buffer {
  const segment = ebmlElementAt(bytes, ebmlElementAt(bytes, 0).end);
  const children = [];
  for (let pos = segment.dataStart; pos < segment.end; pos = children.at(-1)!.end) children.push({ ...ebmlElementAt(bytes, pos), start: pos });
  const tracks = children.find((c) => c.id === TRACKS)!;
  const length = tracks.end - tracks.start;
  const filler = Buffer.alloc(length);
  filler[0] = 0xec;
  filler[1] = 0x01; // an 8-byte size
  filler.writeUIntBE(length - 9, 3, 6);
  const out = Buffer.concat([bytes.subarray(0, tracks.start), filler, bytes.subarray(tracks.end, segment.end), bytes.subarray(tracks.start, tracks.end), bytes.subarray(segment.end)]);
  // The Segment's size, an 8-byte field as ffmpeg writes it, grows by the copy.
  const sizeField = ebmlElementAt(bytes, 0).end + 4;
  if (out[sizeField] !== 0x01) throw new Error('the Segment size is not an 8-byte field');
  out.writeUIntBE(segment.end - segment.dataStart + length, sizeField + 2, 6);
  // A new SeekHead with the new Tracks position (8-byte positions: the old fields may be too short), in
  // the space of the old one and the Void that ffmpeg reserves after it.
  const [seekHead, reserved] = children;
  if (seekHead?.id !== SEEK_HEAD || reserved?.id !== VOID) throw new Error('unexpected layout: no SeekHead and Void first');
  const entries: Buffer[] = [];
  for (let pos = seekHead.dataStart; pos < seekHead.end; ) {
    const seek = ebmlElementAt(bytes, pos);
    pos = seek.end;
    if (seek.id !== SEEK) continue; // the CRC-32 ffmpeg writes first: the new SeekHead has none
    const id = ebmlElementAt(bytes, seek.dataStart);
    const idBytes = bytes.subarray(id.dataStart, id.end);
    const position = Buffer.alloc(8);
    position.writeBigUInt64BE(BigInt(idBytes.readUInt32BE(0) === TRACKS ? segment.end - segment.dataStart : readSeekPosition(bytes, id.end)));
    entries.push(element([0x4d, 0xbb], Buffer.concat([element([0x53, 0xab], idBytes), element([0x53, 0xac], position)])));
  }
  const newSeekHead = element([0x11, 0x4d, 0x9b, 0x74], Buffer.concat(entries));
  const room = reserved.end - seekHead.start;
  const fill = room - newSeekHead.length;
  if (fill < 2 || fill > 128) throw new Error('the new SeekHead does not fit');
  Buffer.concat([newSeekHead, Buffer.from([0xec, 0x80 | (fill - 2)]), Buffer.alloc(fill - 2)]).copy(out, seekHead.start);
  return out;
}

/** The file with its video track's DefaultDuration (a 4-byte value, as ffmpeg writes it) turned into a Void. */
function voidDefaultDuration(bytes: Buffer): Buffer {
  const at = bytes.indexOf(Buffer.from([0x23, 0xe3, 0x83, 0x84]));
  if (at < 0) throw new Error('no 4-byte DefaultDuration');
  const out = Buffer.from(bytes);
  Buffer.from([0xec, 0x86, 0, 0, 0, 0, 0, 0]).copy(out, at);
  return out;
}
