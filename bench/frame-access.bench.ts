import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegAssetMedia } from '../src/adapters/media/asset-media.js';
import { SystemMediaTools } from '../src/adapters/media/ffmpeg.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { fmt, median, percentile, ratio, runCommand, timed, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir } from './lib/files.js';

/** Where the 10-minute video is kept between runs: rendering it takes minutes. */
const CACHE_DIR = join(tmpdir(), 'camtrove-bench-frame-access');
const VIDEO_NAME = 'ten-minutes-1080p25-h264-gop250-bf3.mp4';
const FRAMES = 30;

/**
 * 10 minutes of 1080p at 25 fps, H.264 (x264 ultrafast with 3 B-frames, a key frame every 250
 * frames, CRF 26), a moving test pattern with light noise so that frames cost what camera footage does.
 */
async function cachedVideo(log: (message: string) => void): Promise<string> {
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

/**
 * The frame index of a 10-minute 1080p H.264 video (from packets, and by a full decode for
 * comparison), then frame k as a JPEG for 30 random k through FfmpegAssetMedia.frameImage
 * (seek to the key frame, decode forward to the PTS) against `ffmpeg -ss <t> -i video -frames:v 1
 * out.jpg` for the same frames, run alternately.
 */
export const frameAccessBenchmark: Benchmark = {
  name: 'frame-access',
  description: 'frame index and random frame k of a 10-minute 1080p H.264 video vs ffmpeg -ss',
  needsBuild: false,
  async run({ rounds, log }) {
    const video = await cachedVideo(log);
    const media = new FfmpegAssetMedia(new SystemMediaTools({ ffmpeg: '', ffprobe: '' }));
    const dir = await makeTempDir('frame-access');
    try {
      const indexMs: number[] = [];
      let index = await media.indexVideo(video);
      for (let round = 1; round <= rounds; round += 1) {
        const timing = await timed(() => media.indexVideo(video));
        index = timing.value;
        indexMs.push(timing.ms);
        log(`round ${round}: indexVideo ${fmt(timing.ms)} ms (${media.lastIndexMethod?.method}), ${index.frames.length} frames`);
      }
      const keyFrames = index.frames.filter((f) => f.key).length;
      log(`${index.frames.length} frames, ${keyFrames} key frames, ${index.width}x${index.height} ${index.codec}, start ${index.startTime} s`);
      // The decode a packet index saves: the same frames by decoding every one (once, it is slow).
      const decodeMs = (await timed(() => runCommand('ffprobe', ['-v', 'error', '-threads', '0', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time,key_frame', '-of', 'json', video]))).ms;
      log(`full decode index (ffprobe -show_frames): ${fmt(decodeMs / 1000, 1)} s`);

      const random = seededRandom(17);
      const ks = Array.from({ length: FRAMES }, () => Math.floor(random() * index.frames.length));
      const ours: number[] = [];
      const theirs: number[] = [];
      for (const k of ks) {
        let key = k;
        while (key > 0 && !index.frames[key]!.key) key -= 1;
        const frame = { pts: index.frames[k]!.pts, previousPts: k > 0 ? index.frames[k - 1]!.pts : null, keyPts: index.frames[key]!.pts };
        const out = join(dir.path, `k${k}.jpg`);
        const baseline = await timed(() => runCommand('ffmpeg', ['-v', 'error', '-y', '-ss', (frame.pts - index.startTime).toFixed(6), '-i', video, '-frames:v', '1', out]));
        const mine = await timed(() => media.frameImage(video, frame, 'jpeg'));
        theirs.push(baseline.ms);
        ours.push(mine.ms);
        await rm(out, { force: true });
        log(`k=${k} (${k - key} frames after its key frame): frameImage ${fmt(mine.ms)} ms, ffmpeg -ss ${fmt(baseline.ms)} ms`);
      }
      const sortedOurs = [...ours].sort((a, b) => a - b);
      const sortedTheirs = [...theirs].sort((a, b) => a - b);
      const [p50, p99, base50, base99] = [percentile(sortedOurs, 50), percentile(sortedOurs, 99), percentile(sortedTheirs, 50), percentile(sortedTheirs, 99)];
      const row = (metric: string, value: string, baseline: string, r: string, goal = '', met: boolean | null = null): SummaryRow => ({ benchmark: 'frame-access', metric, value, baseline, ratio: r, goal, met });
      const indexMedian = median(indexMs);
      return [
        row('indexVideo, 15,000 frames (ms)', fmt(indexMedian), `full decode ${fmt(decodeMs)}`, ratio(indexMedian, decodeMs)),
        row(`frame k as JPEG, p50 of ${FRAMES} (ms)`, fmt(p50), `ffmpeg -ss ${fmt(base50)}`, ratio(p50, base50), '< 150 ms', p50 < 150),
        row(`frame k as JPEG, p99 of ${FRAMES} (ms)`, fmt(p99), `ffmpeg -ss ${fmt(base99)}`, ratio(p99, base99)),
      ];
    } finally {
      await dir.remove();
    }
  },
};
