import type { ProcessingParameters } from './asset-metadata.js';

/**
 * Which source frames ffmpeg's `fps=F:round=up` filter outputs (the frames of an asset sampled at
 * framesPlayedPerSecond), computed from the source frames' PTS alone, so that frame k of a sampled
 * asset can be named (and served) without running the filter over the video.
 *
 * The filter (libavfilter/vf_fps.c) works in the output time base 1/F: each input pts p becomes the
 * tick ceil((p - start)·F) (round=up; ffmpeg subtracts the input's start time first). The first
 * output tick is the first frame's; at each tick it outputs the latest frame whose tick is ≤ it
 * (frames that share a tick: the last wins, the others are dropped; a long frame is repeated), and it
 * stops at the end-of-stream tick, ceil((end - start)·F), `end` being when the last frame ends (its
 * pts plus its duration). Checked against ffmpeg itself in test/media/frame-sampling.test.ts.
 *
 * `start` is the input's start time (ffprobe's format start_time, over all streams), which ffmpeg
 * subtracts; it defaults to the first frame's pts, which is the same unless another stream (audio)
 * starts earlier. `end` defaults to one frame interval after the last pts. These are the filter's
 * outputs: run with `-vsync cfr` (as Kili does), ffmpeg would also repeat the first of them to cover
 * the time between the input's start and the first frame, which no frame index should count.
 *
 * PTS arrive in seconds as ffprobe prints them (6 decimals), so a product that lies within 1 µs·F of
 * a whole tick is taken as that tick: ffmpeg computes it from integers, exactly.
 */
export function sampleFrames(pts: readonly number[], fps: number, options: { start?: number; end?: number } = {}): number[] {
  if (pts.length === 0) return [];
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be a positive finite number, not ${fps}`);
  const start = options.start ?? pts[0]!;
  const last = pts[pts.length - 1]!;
  const end = options.end ?? last + (pts.length > 1 ? last - pts[pts.length - 2]! : 1 / fps);
  const tolerance = 1e-6 * fps + 1e-9;
  const tick = (time: number) => Math.ceil((time - start) * fps - tolerance);
  const ticks = pts.map(tick);
  const endTick = tick(end);
  const picked: number[] = [];
  let source = 0;
  for (let t = ticks[0]!; t < endTick; t += 1) {
    while (source + 1 < ticks.length && ticks[source + 1]! <= t) source += 1;
    picked.push(source);
  }
  return picked;
}

/**
 * The rate to sample an asset at, or null for every native frame: sample iff framesPlayedPerSecond
 * is given and shouldKeepNativeFrameRate is not true (Kili's namespaced API sets it false whenever a
 * rate is given; a rate with shouldKeepNativeFrameRate true is a rate to ignore).
 */
export function effectiveSampling(pp: ProcessingParameters | null): number | null {
  if (!pp || pp.shouldKeepNativeFrameRate === true) return null;
  const fps = pp.framesPlayedPerSecond;
  return typeof fps === 'number' && Number.isFinite(fps) && fps > 0 ? fps : null;
}
