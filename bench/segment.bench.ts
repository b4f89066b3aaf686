import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { SystemMediaTools } from '../src/adapters/media/ffmpeg.js';
import { defaultDetectorOptions, MotionDetector } from '../src/domain/motion/motion-detector.js';
import type { GrayFrame } from '../src/domain/motion/motion-types.js';
import { fmt, median, nowMs, projectRoot, ratio, runCommand, timed, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir } from './lib/files.js';
import { readMemory } from './lib/server.js';

/** A scene with motion part of the time: a noisy still background and a box crossing twice. */
async function renderClip(path: string, size: string, fps: number, seconds: number): Promise<void> {
  const [width] = size.split('x').map(Number) as [number];
  const box = Math.round(width / 20);
  const cross = (from: number) => `between(t,${from},${from + 8})`;
  const x = `if(${cross(seconds * 0.2)},(t-${seconds * 0.2})*${width / 8},(t-${seconds * 0.6})*${width / 8})`;
  await runCommand('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `mandelbrot=s=${size}:r=${fps}`,
    '-f', 'lavfi', '-i', `color=c=red:s=${box}x${box}:r=${fps}:d=${seconds}`,
    '-filter_complex', `[0]trim=end_frame=1,loop=loop=${fps * seconds - 1}:size=1,setpts=N/${fps}/TB,noise=alls=8:allf=t[bg];[bg][1]overlay=x='${x}':y=H/2:enable='${cross(seconds * 0.2)}+${cross(seconds * 0.6)}',format=yuv420p`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-g', String(fps * 2), path,
  ]);
}

/** Runs a command and reports its wall time and the peak resident memory of the process (VmHWM). */
async function runMeasured(command: string, args: string[]): Promise<{ ms: number; peakMiB: number }> {
  const started = nowMs();
  const child = spawn(command, args, { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  let peakKiB = 0;
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const memory = child.pid ? readMemory(child.pid) : null;
    // A process on its way out has no memory figures left (NaN): keep the last real one.
    if (memory && Number.isFinite(memory.hwmKiB)) peakKiB = Math.max(peakKiB, memory.hwmKiB);
    await delay(20);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`);
  return { ms: nowMs() - started, peakMiB: peakKiB / 1024 };
}

/** Decodes the clip's analysis frames once, then times the detector alone on them. */
async function detectorMsPerFrame(clip: string): Promise<{ ms: number; size: string }> {
  const media = new SystemMediaTools({ ffmpeg: '', ffprobe: '' });
  const info = await media.probe(clip);
  const width = 320;
  const height = Math.round((width * info.video!.displayHeight) / info.video!.displayWidth);
  const frames: GrayFrame[] = [];
  for await (const frame of media.grayFrames(clip, { fps: 5, width, height }).frames) frames.push(frame);
  const detector = new MotionDetector(width, height, defaultDetectorOptions);
  const { ms } = await timed(async () => {
    for (const frame of frames) detector.process(frame);
  });
  return { ms: ms / frames.length, size: `${width}x${height}` };
}

/**
 * `camtrove segment` with its defaults against ffmpeg decoding the same clip to the same small
 * greyscale size, on a 1080p H.264 clip; plus the detector's own cost per frame and the peak memory
 * for a 1-minute and a 10-minute clip (flat means the length does not matter).
 */
export const segmentBenchmark: Benchmark = {
  name: 'segment',
  description: 'camtrove segment vs ffmpeg decoding the same clip to small grey frames; detector cost; memory vs length',
  needsBuild: true,
  async run({ rounds, log }) {
    const dir = await makeTempDir('segment');
    try {
      const hd = join(dir.path, 'hd.mp4');
      const short = join(dir.path, 'one-minute.mp4');
      const long = join(dir.path, 'ten-minutes.mp4');
      log('rendering a 60 s 1080p30 clip, and 1-minute and 10-minute 640x360 clips (once, not timed)');
      await renderClip(hd, '1920x1080', 30, 60);
      await renderClip(short, '640x360', 25, 60);
      await renderClip(long, '640x360', 25, 600);

      const camtrove = (clip: string, ...extra: string[]) => ['bin/camtrove.js', 'segment', clip, '--json', ...extra];
      const ffmpegGray = (clip: string) => ['-v', 'error', '-i', clip, '-vf', 'scale=320:-2,format=gray', '-f', 'rawvideo', '-y', '/dev/null'];
      const times = { ffmpeg: [] as number[], camtrove: [] as number[], fast: [] as number[], detector: [] as number[], shortPeak: [] as number[], longPeak: [] as number[] };
      let detectorSize = '';
      for (let round = 1; round <= rounds; round += 1) {
        const base = await runMeasured('ffmpeg', ffmpegGray(hd));
        const ours = await runMeasured(process.execPath, camtrove(hd));
        const fast = await runMeasured(process.execPath, camtrove(hd, '--fast'));
        const detector = await detectorMsPerFrame(hd);
        const shortRun = await runMeasured(process.execPath, camtrove(short));
        const longRun = await runMeasured(process.execPath, camtrove(long));
        times.ffmpeg.push(base.ms);
        times.camtrove.push(ours.ms);
        times.fast.push(fast.ms);
        times.detector.push(detector.ms);
        times.shortPeak.push(shortRun.peakMiB);
        times.longPeak.push(longRun.peakMiB);
        detectorSize = detector.size;
        log(
          `round ${round}: ffmpeg gray decode ${fmt(base.ms / 1000, 2)} s, camtrove segment ${fmt(ours.ms / 1000, 2)} s (${ratio(ours.ms, base.ms)}), --fast ${fmt(fast.ms / 1000, 2)} s (${ratio(fast.ms, base.ms)}), ` +
            `detector ${fmt(detector.ms, 2)} ms/frame at ${detector.size}, peak RSS 1 min ${fmt(shortRun.peakMiB)} MiB, 10 min ${fmt(longRun.peakMiB)} MiB (${fmt(longRun.ms / 1000, 1)} s)`,
        );
      }
      const ffmpegMs = median(times.ffmpeg);
      const oursMs = median(times.camtrove);
      const fastMs = median(times.fast);
      const shortPeak = median(times.shortPeak);
      const longPeak = median(times.longPeak);
      const row = (metric: string, value: string, baseline: string, r: string, goal = '', met: boolean | null = null): SummaryRow => ({ benchmark: 'segment', metric, value, baseline, ratio: r, goal, met });
      return [
        row('1080p30 60 s H.264, wall s', fmt(oursMs / 1000, 2), `ffmpeg gray ${fmt(ffmpegMs / 1000, 2)}`, ratio(oursMs, ffmpegMs), '<= 1.15×', oursMs / ffmpegMs <= 1.15),
        row('same clip with --fast (keyframes first), wall s', fmt(fastMs / 1000, 2), `ffmpeg gray ${fmt(ffmpegMs / 1000, 2)}`, ratio(fastMs, ffmpegMs), '< 1×', fastMs < ffmpegMs),
        row('real-time factor (video s / wall s)', `${fmt(60_000 / oursMs, 1)}×, --fast ${fmt(60_000 / fastMs, 1)}×`, `ffmpeg ${fmt(60_000 / ffmpegMs, 1)}×`, ''),
        row(`detector per frame at ${detectorSize} (ms)`, fmt(median(times.detector), 2), '', ''),
        row('peak RSS, 10-min vs 1-min clip (MiB)', fmt(longPeak), `1 min ${fmt(shortPeak)}`, ratio(longPeak, shortPeak), '<= 1.2×', longPeak / shortPeak <= 1.2),
      ];
    } finally {
      await dir.remove();
    }
  },
};
