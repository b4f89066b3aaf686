/**
 * ffmpeg command lines, decided in pure code and returned as argument arrays (no shell). The runner
 * adds the common flags (`-hide_banner -nostdin`-style options, progress reporting) in one place.
 */

export type VideoCodec = 'h264' | 'h265';
export const PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;
export type Preset = (typeof PRESETS)[number];

export interface TranscodeOptions {
  codec: VideoCodec;
  crf: number;
  preset: Preset;
  /** Scale down so that the height is at most this (keeps aspect, even dimensions). */
  maxHeight?: number;
  audio: boolean;
}

/** Re-encode to an MP4 that browsers and other tools read: yuv420p, moov atom first, AAC audio. */
export function transcodeArgs(input: string, output: string, options: TranscodeOptions): string[] {
  const encoder = options.codec === 'h264' ? 'libx264' : 'libx265';
  const args = ['-i', input, '-map', '0:v:0', '-c:v', encoder, '-preset', options.preset, '-crf', String(options.crf), '-pix_fmt', 'yuv420p'];
  if (options.codec === 'h265') args.push('-tag:v', 'hvc1', '-x265-params', 'log-level=error');
  // Odd sizes are not allowed in yuv420p; scale when asked and round to even either way.
  const height = options.maxHeight ? `min(${options.maxHeight}\\,ih)` : 'ih';
  args.push('-vf', `scale=-2:trunc(${height}/2)*2`);
  if (options.audio) args.push('-map', '0:a:0?', '-c:a', 'aac', '-b:a', '128k');
  else args.push('-an');
  args.push('-movflags', '+faststart', '-f', 'mp4', output);
  return args;
}

/** One JPEG at `time` seconds, optionally scaled to `width` (height follows the aspect ratio). */
export function thumbnailArgs(input: string, output: string, options: { time: number; width?: number }): string[] {
  // -ss before -i seeks by keyframe index then decodes to the exact time: fast and exact.
  const args = ['-ss', String(options.time), '-i', input, '-frames:v', '1', '-an'];
  if (options.width) args.push('-vf', `scale=${options.width}:-2`);
  args.push('-q:v', '2', '-f', 'image2', '-update', '1', output);
  return args;
}

export type FrameSelection = { fps: number } | { everyNth: number };

/**
 * Frames as numbered image files in `outputDir` (`frame-000001.jpg`…). With `-frame_pts` ffmpeg would
 * name them by timestamp; numbering keeps names stable and the caller derives times from the selection.
 */
export function framesArgs(input: string, outputPattern: string, options: { select: FrameSelection; width?: number; format: 'jpg' | 'png'; maxFrames?: number }): string[] {
  const filters: string[] = [];
  if ('fps' in options.select) filters.push(`fps=${options.select.fps}`);
  else filters.push(`select=not(mod(n\\,${options.select.everyNth}))`);
  if (options.width) filters.push(`scale=${options.width}:-2`);
  const args = ['-i', input, '-an', '-vf', filters.join(',')];
  if ('everyNth' in options.select) args.push('-fps_mode', 'passthrough');
  if (options.maxFrames) args.push('-frames:v', String(options.maxFrames));
  if (options.format === 'jpg') args.push('-q:v', '2');
  args.push('-f', 'image2', outputPattern);
  return args;
}

/**
 * Reads ffmpeg's `-progress` key=value output: returns the media time reached, in seconds, from an
 * `out_time_us=` line (ffmpeg 5 also prints a mislabelled out_time_ms in microseconds); null otherwise.
 */
export function parseProgressLine(line: string): number | null {
  const match = /^out_time_(?:us|ms)=(\d+)$/.exec(line.trim());
  return match ? Number(match[1]) / 1e6 : null;
}

export interface GrayFramesOptions {
  /** Analysis rate, frames per second; ignored with keyframesOnly (every keyframe is taken). */
  fps: number;
  width: number;
  height: number;
  /** Decode keyframes only: a fast first pass that skips everything between them. */
  keyframesOnly?: boolean;
  /** Start at this many seconds into the media, and read at most `duration` seconds. */
  start?: number;
  duration?: number;
  /** For network inputs: give up on a read that has waited this long (seconds). */
  networkTimeout?: number;
}

/**
 * Small greyscale frames as raw bytes on stdout (width × height bytes each) and, through the
 * `showinfo` filter on stderr, each frame's timestamp: times come from the media, not from counting.
 * `-fps_mode passthrough` keeps the muxer from duplicating or dropping what the filters produced,
 * so stdout frames and showinfo lines pair one to one.
 */
export function grayFramesArgs(input: string, options: GrayFramesOptions): string[] {
  const args: string[] = [];
  if (options.keyframesOnly) args.push('-skip_frame', 'nokey');
  if (options.networkTimeout && /^[a-z][a-z0-9+.-]*:\/\//i.test(input)) args.push('-rw_timeout', String(Math.round(options.networkTimeout * 1e6)));
  if (options.start) args.push('-ss', String(options.start));
  args.push('-i', input);
  if (options.duration) args.push('-t', String(options.duration));
  const filters = options.keyframesOnly ? [] : [`fps=${options.fps}`];
  // "area" averages the pixels a target pixel covers: cheap, and it damps sensor noise.
  filters.push(`scale=${options.width}:${options.height}:flags=area`, 'format=gray', 'showinfo');
  args.push('-map', '0:v:0', '-an', '-sn', '-dn', '-vf', filters.join(','), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1');
  return args;
}

/** The frame number and timestamp (seconds) of a `showinfo` line, or null for any other line. */
export function parseShowinfoLine(line: string): { n: number; time: number } | null {
  const match = /^\[Parsed_showinfo_\d+ @ [^\]]*\].*?\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+(?:e[-+]?\d+)?)/.exec(line);
  return match ? { n: Number(match[1]), time: Number(match[2]) } : null;
}
