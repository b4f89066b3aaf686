import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { parseProbeOutput, type VideoInfo } from '../../src/domain/video-info.js';

const run = promisify(execFile);

/**
 * The folder of real sample clips (vtest.avi, tree.avi, Megamind*.avi): CAMTROVE_SAMPLE_DATA, else
 * shared/data beside the checkout (the README's "Tests" section). CI has them, and fails a test that
 * skips for want of them.
 */
export const sampleData = process.env.CAMTROVE_SAMPLE_DATA || join(import.meta.dirname, '..', '..', '..', 'shared', 'data');

/** The paths of sample clips; null, with the test marked skipped saying which are missing where, if any is absent. */
export function sampleClips<Names extends string[]>(t: TestContext, ...names: Names): { [K in keyof Names]: string } | null {
  const paths = names.map((name) => join(sampleData, name));
  const missing = names.filter((_, i) => !existsSync(paths[i]!));
  if (missing.length === 0) return paths as { [K in keyof Names]: string };
  t.skip(`sample clip${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not in ${sampleData} (set CAMTROVE_SAMPLE_DATA to the folder that holds them)`);
  return null;
}

/** Renders a test video with ffmpeg's lavfi sources: moving test pattern, optional tone. */
export async function makeVideo(path: string, options: { seconds?: number; width?: number; height?: number; fps?: number; audio?: boolean; codec?: string } = {}): Promise<string> {
  const { seconds = 2, width = 320, height = 240, fps = 10, audio = false, codec = 'libx264' } = options;
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`];
  if (audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`);
  args.push('-c:v', codec, '-pix_fmt', 'yuv420p');
  if (codec === 'libx264') args.push('-preset', 'ultrafast');
  if (audio) args.push('-c:a', 'aac', '-shortest');
  args.push(path);
  await run('ffmpeg', args);
  return path;
}

/**
 * A clip with known motion: a `colour` square crossing a still, noisy grey-blue scene from left to
 * right between `from` and `to` seconds (nothing moves outside that span). GOP of 2 s.
 */
export async function makeMotionClip(path: string, options: { seconds?: number; from?: number; to?: number; colour?: string; rotate?: number } = {}): Promise<string> {
  const { seconds = 12, from = 3, to = 7, colour = 'red' } = options;
  // The square is 28 px wide and starts 20 px left of the frame: it is in view from `from` until it leaves at `to`.
  const speed = 660 / (to - from);
  const filter = `[0]noise=alls=10:allf=t[bg];[bg][1]overlay=x='(t-${from})*${speed.toFixed(2)}-20':y=160:enable='between(t,${from},${to})',format=yuv420p`;
  const args = ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x607080:s=640x360:r=25:d=${seconds}`, '-f', 'lavfi', '-i', `color=c=${colour}:s=28x28:r=25:d=${seconds}`, '-filter_complex', filter, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-movflags', '+faststart'];
  if (options.rotate === undefined) {
    await run('ffmpeg', [...args, path]);
    return path;
  }
  // As a phone stores it: upright pixels turned, plus a display rotation (ffmpeg 5 sets it only when copying).
  const unrotated = `${path}.unrotated.mp4`;
  await run('ffmpeg', [...args, unrotated]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', unrotated, '-c', 'copy', '-metadata:s:v:0', `rotate=${options.rotate}`, path]);
  return path;
}

/**
 * The bytes of an MP4 made unique by a trailing `free` box carrying `tag`: still a valid file that
 * plays the same, so a test can have thousands of distinct videos from one render.
 */
export function uniqueMp4(base: Buffer, tag: string): Buffer {
  const payload = Buffer.from(tag, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write('free', 4, 'latin1');
  return Buffer.concat([base, header, payload]);
}

/**
 * An AVI that plays the same as `base` with bytes of its own: `tag` written into its first JUNK
 * chunk (ffmpeg writes one after the headers), so the RIFF sizes stay right.
 */
export function uniqueAvi(base: Buffer, tag: string): Buffer {
  const junk = base.indexOf('JUNK', 12, 'latin1');
  // Ended by a NUL: the chunk's own bytes after it must not lengthen one tag into another.
  const payload = Buffer.from(`${tag}\0`, 'utf8');
  if (junk < 0 || base.readUInt32LE(junk + 4) < payload.length) throw new Error('the AVI has no JUNK chunk large enough for the tag');
  const copy = Buffer.from(base);
  payload.copy(copy, junk + 8);
  return copy;
}

/**
 * A Matroska/WebM file that plays the same as `base` with bytes of its own: `tag` written into the
 * first EBML Void element among the Segment's children (ffmpeg reserves one after the SeekHead), so
 * no element size changes.
 */
export function uniqueMkv(base: Buffer, tag: string): Buffer {
  const payload = Buffer.from(`${tag}\0`, 'utf8');
  const ebmlHeader = ebmlElementAt(base, 0);
  const segment = ebmlElementAt(base, ebmlHeader.end);
  for (let pos = segment.dataStart; pos < Math.min(segment.end, base.length); ) {
    const element = ebmlElementAt(base, pos);
    if (element.id === 0xec) {
      if (element.end - element.dataStart < payload.length) break;
      const copy = Buffer.from(base);
      payload.copy(copy, element.dataStart);
      return copy;
    }
    pos = element.end;
  }
  throw new Error('the Matroska file has no Void element large enough for the tag');
}

/** An EBML element's ID (marker bit kept) and extent; an unknown size runs to the end of the buffer. */
export function ebmlElementAt(bytes: Buffer, pos: number): { id: number; dataStart: number; end: number } {
  const vint = (at: number, keepMarker: boolean) => {
    const first = bytes[at]!;
    const length = Math.clz32(first) - 23;
    let value = keepMarker ? first : first & (0xff >> length);
    for (let i = 1; i < length; i++) value = value * 256 + bytes[at + i]!;
    return { value, length, unknown: !keepMarker && value === 2 ** (7 * length) - 1 };
  };
  const id = vint(pos, true);
  const size = vint(pos + id.length, false);
  const dataStart = pos + id.length + size.length;
  return { id: id.value, dataStart, end: size.unknown ? bytes.length : dataStart + size.value };
}

/**
 * An old-style QuickTime file made from an ffmpeg MOV: its `ftyp` box removed and the chunk offsets
 * (`stco`/`co64`) moved back by its size, so the file starts with the box that followed it.
 */
export function withoutFtyp(mov: Buffer): Buffer {
  if (mov.toString('latin1', 4, 8) !== 'ftyp') throw new Error('the file does not start with ftyp');
  const cut = mov.readUInt32BE(0);
  const out = Buffer.from(mov.subarray(cut));
  const containers = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
  const walk = (start: number, end: number) => {
    for (let pos = start; pos + 8 <= end; ) {
      const size = out.readUInt32BE(pos);
      const type = out.toString('latin1', pos + 4, pos + 8);
      if (size < 8) throw new Error(`box ${type} with a size ffmpeg's MOV muxer does not write`);
      if (containers.has(type)) walk(pos + 8, pos + size);
      const entries = out.readUInt32BE(pos + 12);
      if (type === 'stco') for (let i = 0; i < entries; i++) out.writeUInt32BE(out.readUInt32BE(pos + 16 + 4 * i) - cut, pos + 16 + 4 * i);
      if (type === 'co64') for (let i = 0; i < entries; i++) out.writeBigUInt64BE(out.readBigUInt64BE(pos + 16 + 8 * i) - BigInt(cut), pos + 16 + 8 * i);
      pos += size;
    }
  };
  walk(0, out.length);
  return out;
}

/**
 * ffprobe's answer through the same parser as the import's (null when ffprobe cannot read the file),
 * and the in-process answer with its documented nulls filled from it: the probes leave pixelFormat
 * null where they cannot be certain (HEVC, MJPEG, more than 8 bits...), so the rest is compared.
 */
export function probeParity(ffprobe: string) {
  return {
    ffprobeInfo: async (path: string): Promise<VideoInfo | null> => {
      try {
        const { stdout } = await run(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path]);
        return parseProbeOutput(JSON.parse(stdout));
      } catch {
        return null; // ffprobe could not read it either
      }
    },
    withDocumentedNulls,
  };
}

function withDocumentedNulls(quick: VideoInfo, reference: VideoInfo | null): VideoInfo {
  if (!quick.video || quick.video.pixelFormat !== null || !reference?.video) return quick;
  return { ...quick, video: { ...quick.video, pixelFormat: reference.video.pixelFormat } };
}

/** Asserts what a case expects of the in-process answer, against ffprobe's. */
export function assertCaseAnswer(c: ProbeCase, quick: VideoInfo | null, reference: VideoInfo | null): void {
  if (c.expect === 'null') {
    assert.equal(quick, null);
    return;
  }
  assert.ok(quick, 'quickProbe fell back to ffprobe');
  assert.deepEqual(withDocumentedNulls(quick, reference), reference);
  if (c.pixelFormat) assert.notEqual(quick.video?.pixelFormat ?? null, null, 'pixel format should be derived');
}

/** ffmpeg input arguments for a lavfi test pattern and tone, and a fast H.264 encode: the parity tests' clips. */
export const lavfiVideo = (seconds = 2, size = '320x240', rate = '10') => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`];
export const lavfiTone = (seconds = 2, rate = 44100) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}:sample_rate=${rate}`];
export const x264Fast = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

/** A clip of a parity test: how it is made, and whether the in-process probe must answer as ffprobe. */
export interface ProbeCase {
  name: string;
  file: string;
  /** ffmpeg arguments before the output path; a function of the folder makes files from earlier ones (with ffmpeg or itself). */
  args: string[] | ((dir: string) => string[] | Promise<void>);
  /** 'same': quickProbe must equal ffprobe (documented nulls aside); 'null': must fall back. */
  expect: 'same' | 'null';
  /** quickProbe must derive a pixel format rather than leave it null. */
  pixelFormat?: boolean;
  encoder?: string;
}

/**
 * Makes each case's file in `dir`: ffmpeg renders, a few at a time, those whose encoder `encoders`
 * (ffmpeg -encoders) lists; then, in order, the ones made from earlier files.
 */
export async function makeCaseFiles(ffmpeg: string, dir: string, cases: ProbeCase[], encoders: string): Promise<void> {
  const make = async (c: ProbeCase) => {
    const args = typeof c.args === 'function' ? await c.args(dir) : c.args;
    if (args) await run(ffmpeg, ['-v', 'error', '-y', ...args, join(dir, c.file)]);
  };
  const rendered = cases.filter((c) => Array.isArray(c.args) && (!c.encoder || encoders.includes(c.encoder)));
  for (let i = 0; i < rendered.length; i += 4) await Promise.all(rendered.slice(i, i + 4).map(make));
  for (const c of cases.filter((c) => !Array.isArray(c.args))) await make(c);
}
