import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';

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
