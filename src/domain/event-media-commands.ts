/**
 * ffmpeg and ffprobe command lines for what each motion event gets from the full-colour video: a
 * colour frame, a thumbnail with the event's box, a clip, and the keyframe listing that decides how
 * the clip is cut. Pure: argument arrays, no shell, run by the media adapters.
 */
import type { Box } from './motion/motion-types.js';

/** Thumbnails are scaled down to this width unless asked otherwise (never up). */
export const EVENT_THUMBNAIL_WIDTH = 640;
/** A copied clip may start this much before the event (it starts on a keyframe); never after it. */
export const DEFAULT_MAX_LEAD_SECONDS = 2;

/**
 * How ffmpeg gets to a time. `keyframe` (`-ss` before `-i`): it seeks to the keyframe before and
 * decodes from there up to the first frame at or after the time: fast and exact (ffmpeg ≥ 2.1).
 * `decode` (`-ss` after `-i`): it decodes from the start and drops what comes before, for inputs
 * without timestamps to seek by (raw H.264 streams), where a keyframe seek finds nothing.
 */
export type SeekMode = 'keyframe' | 'decode';

/** The input with a seek to `position` seconds; none at all at zero (an image cannot seek, even there). */
function seekInput(input: string, position: number, seek: SeekMode = 'keyframe'): string[] {
  if (position <= 0) return ['-i', input];
  const ss = ['-ss', position.toFixed(4)];
  return seek === 'keyframe' ? [...ss, '-i', input] : ['-i', input, ...ss];
}

/**
 * A seek position for "the frame at `t`": half a millisecond early, so that a time rounded up on its
 * way here (from a 1/90000 or 1001-based clock) still lands on its frame rather than the next one.
 */
function frameSeek(t: number): number {
  return Math.max(0, t - 0.0005);
}

/** One frame at `time` seconds, scaled to `width` × `height`, as raw RGB (3 bytes per pixel) on stdout. */
export function rgbFrameArgs(input: string, options: { time: number; width: number; height: number; seek?: SeekMode }): string[] {
  // "area" averages the pixels each output pixel covers: colours are means, not one noisy sample.
  return [...seekInput(input, frameSeek(options.time), options.seek), '-map', '0:v:0', '-an', '-sn', '-dn', '-frames:v', '1',
    '-vf', `scale=${options.width}:${options.height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
}

/**
 * A JPEG of the frame at `time`, at most `width` wide (default 640, never enlarged), square pixels,
 * with `box` (normalised) drawn around what moved: a yellow line edged in black, which shows on
 * light and dark scenes alike, drawn outside the box so it hides none of the object. The line is
 * 1/160 of the picture's width (4 px at 640), at least 2.
 */
export function eventThumbnailArgs(input: string, output: string, options: { time: number; box: Box; width?: number; seek?: SeekMode }): string[] {
  const width = Math.max(2, Math.round(options.width ?? EVENT_THUMBNAIL_WIDTH));
  const { x, y, w, h } = options.box;
  const f = (v: number) => Math.min(1, Math.max(0, v)).toFixed(4);
  const line = 'max(2,round(iw/160))';
  // drawbox draws its thickness t inwards from the edges given, and lets x/y/w/h refer to t: a box
  // grown by t (plus `gap`) all round puts the line just outside the object.
  const around = (gap: number) => `x='iw*${f(x)}-t-${gap}':y='ih*${f(y)}-t-${gap}':w='iw*${f(w)}+2*t+${2 * gap}':h='ih*${f(h)}+2*t+${2 * gap}'`;
  const filters = [
    // Display aspect: anamorphic video gets square pixels, as a player would show it.
    `scale=w='min(${width},iw*sar)':h='max(2,trunc(ow/dar/2)*2)'`,
    'setsar=1',
    // A black band one pixel wider on each side, then the yellow line inside it.
    `drawbox=${around(0)}:color=black@0.7:t='${line}+2'`,
    `drawbox=${around(1)}:color=yellow:t='${line}'`,
  ];
  return [...seekInput(input, frameSeek(options.time), options.seek), '-map', '0:v:0', '-an', '-sn', '-dn', '-frames:v', '1',
    '-vf', filters.join(','), '-q:v', '3', '-f', 'image2', '-update', '1', output];
}

/** How a clip is cut: `copy` the packets from the keyframe at `from`, or `encode` exactly [from, to]. */
export interface ClipPlan {
  mode: 'copy' | 'encode';
  from: number;
  to: number;
}

/**
 * Copying the stream is fast and lossless but must start on a keyframe: it does when one lies at or
 * before `start`, at most `maxLeadSeconds` earlier (a clip that starts a little early is fine, one
 * that starts late misses the event's beginning). Otherwise, and without keyframe times (a container
 * without timestamps), the span is re-encoded from exactly `start`. `keyframeTimes` are sorted,
 * seconds in the same clock as `start`/`end`.
 */
export function planClip(keyframeTimes: readonly number[], start: number, end: number, options: { maxLeadSeconds?: number } = {}): ClipPlan {
  const { maxLeadSeconds = DEFAULT_MAX_LEAD_SECONDS } = options;
  // The last keyframe at or before start (a microsecond of slack for rounded times).
  let low = 0;
  let high = keyframeTimes.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (keyframeTimes[middle]! <= start + 1e-6) low = middle + 1;
    else high = middle;
  }
  const keyframe = low > 0 ? keyframeTimes[low - 1]! : null;
  if (keyframe !== null && start - keyframe <= maxLeadSeconds + 1e-6) return { mode: 'copy', from: keyframe, to: end };
  return { mode: 'encode', from: start, to: end };
}

/** Video codecs an MP4 holds as they are, so a clip can copy them. Others (MPEG-4 part 2, WMV…) are re-encoded. */
const MP4_VIDEO_COPY = new Set(['h264', 'hevc', 'av1', 'vp9', 'mjpeg']);
/** Audio that browsers play from an MP4; any other audio is re-encoded to AAC. */
const MP4_AUDIO_COPY = new Set(['aac', 'mp3']);

/** Whether a stream of this video codec can be copied into an MP4 clip. */
export function canCopyVideoIntoMp4(codec: string | null | undefined): boolean {
  return codec !== null && codec !== undefined && MP4_VIDEO_COPY.has(codec);
}

export interface ClipOptions {
  /** How the encode mode gets to its start (a copy always seeks to its keyframe). */
  seek?: SeekMode;
  /** The source's video codec, when known: HEVC gets the tag Apple players need. */
  videoCodec?: string | null;
  /** The source's audio codec; null when it has no audio; undefined when unknown (first audio stream, if any, as AAC). */
  audioCodec?: string | null;
}

/**
 * An MP4 of the planned span, moov first so it plays while downloading. `copy` seeks (half a
 * millisecond past the keyframe, so a rounded time still lands on it) and copies the packets;
 * `avoid_negative_ts` shifts the clip to start at zero. `encode` cuts exactly: H.264 veryfast CRF 23,
 * yuv420p (even sizes), for any player. Audio is copied when an MP4 player takes it as it is, else AAC.
 */
export function eventClipArgs(input: string, output: string, plan: ClipPlan, options: ClipOptions = {}): string[] {
  const span = Math.max(0.04, plan.to - plan.from).toFixed(3);
  const source = plan.mode === 'copy' ? seekInput(input, plan.from + 0.0005) : seekInput(input, plan.from, options.seek);
  const args = [...source, '-t', span, '-map', '0:v:0'];
  if (options.audioCodec !== null) args.push('-map', '0:a:0?');
  if (plan.mode === 'copy') {
    args.push('-c:v', 'copy');
    if (options.videoCodec === 'hevc') args.push('-tag:v', 'hvc1');
  } else {
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2');
  }
  if (options.audioCodec === null) args.push('-an');
  else if (plan.mode === 'copy' && options.audioCodec !== undefined && MP4_AUDIO_COPY.has(options.audioCodec)) args.push('-c:a', 'copy');
  else args.push('-c:a', 'aac', '-b:a', '128k');
  args.push('-sn', '-dn', '-avoid_negative_ts', 'make_zero', '-movflags', '+faststart', '-f', 'mp4', output);
  return args;
}
