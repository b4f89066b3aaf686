import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './bench.js';

/** Where the 10-minute video is kept between runs (and between benchmarks): rendering it takes minutes. */
const CACHE_DIR = join(tmpdir(), 'camtrove-bench-frame-access');
const VIDEO_NAME = 'ten-minutes-1080p25-h264-gop250-bf3.mp4';

/**
 * 10 minutes of 1080p at 25 fps, H.264 (x264 ultrafast with 3 B-frames, a key frame every 250
 * frames, CRF 26), a moving test pattern with light noise so that frames cost what camera footage does.
 */
export async function tenMinuteVideo(log: (message: string) => void): Promise<string> {
  const path = join(CACHE_DIR, VIDEO_NAME);
  if (existsSync(path)) return path;
  await mkdir(CACHE_DIR, { recursive: true });
  log(`rendering the 10-minute 1080p video into ${CACHE_DIR} (once; later runs reuse it)`);
  const partial = `${path}.partial.mp4`;
  await runCommand('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=25:duration=600', '-vf', 'noise=alls=3:allf=t',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '3', '-g', '250', '-crf', '26', '-pix_fmt', 'yuv420p', partial]);
  await rename(partial, path);
  return path;
}
