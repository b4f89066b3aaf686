import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Real clips shipped beside the project (see its README); tests that use them skip without them. */
export const sharedData = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
export function sharedClip(name: string): string | null {
  const path = join(sharedData, name);
  return existsSync(path) ? path : null;
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
