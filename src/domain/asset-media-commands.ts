/**
 * ffprobe and ffmpeg command lines for labeling assets: the frame index of a video, one frame by its
 * PTS, and a list of frames as JPEG files. Frames are found by their timestamps, never by counting
 * at a frame rate. Pure: argument arrays, no shell, run by the media adapter.
 */

/** The video stream's facts and its packet listing (demuxing only, no decoding), as JSON. */
export function videoPacketIndexArgs(input: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', `${STREAM_ENTRIES}:packet=pts_time,duration_time,flags`, '-of', 'json', '-i', input];
}

/** Every decoded frame's best-effort timestamp and key flag, plus the stream's facts, as JSON: a full decode (on every core: ffprobe decodes on one by default). */
export function videoFrameIndexArgs(input: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-threads', '0', '-show_entries', `${STREAM_ENTRIES}:frame=best_effort_timestamp_time,duration_time,key_frame`, '-of', 'json', '-i', input];
}

const STREAM_ENTRIES = 'stream=codec_name,width,height,avg_frame_rate,r_frame_rate,start_time,duration:stream_tags=rotate:stream_side_data=rotation:format=format_name,start_time,duration';

/** Half a millisecond: the rounding of the 6-decimal times ffprobe prints, with room to spare. */
export const PTS_TOLERANCE = 0.0005;

/**
 * The window of timestamps that means "the frame at `pts`": from half-way to the previous frame
 * (at most PTS_TOLERANCE before it) to PTS_TOLERANCE after, so a rounded time still finds its
 * frame and never a neighbour.
 */
export function ptsWindow(pts: number, previousPts: number | null): { from: number; to: number } {
  const from = previousPts === null ? pts - PTS_TOLERANCE : Math.max(pts - PTS_TOLERANCE, (previousPts + pts) / 2);
  return { from, to: pts + PTS_TOLERANCE };
}

/** A number as ffmpeg's expression parser reads it back exactly enough (microseconds and below). */
function num(value: number): string {
  return value.toFixed(7);
}

/**
 * A `select` expression true for a frame whose time `t` lies in one of `windows` (sorted, apart):
 * a balanced tree of comparisons, so a frame costs log(n) tests rather than n, and any number of
 * frames makes one expression. `chained`: a frame in window i > 0 is kept only when the frame kept
 * before it was the one in window i - 1, so what comes out is always the first windows' frames in
 * order, never a later frame standing in for a missing earlier one.
 */
export function selectWindowsExpression(windows: readonly { from: number; to: number }[], options: { chained?: boolean } = {}): string {
  if (windows.length === 0) return '0';
  const inWindow = (variable: string, i: number) => `between(${variable}\\,${num(windows[i]!.from)}\\,${num(windows[i]!.to)})`;
  const leaf = (i: number) => (options.chained && i > 0 ? `${inWindow('t', i)}*${inWindow('prev_selected_t', i - 1)}` : inWindow('t', i));
  const build = (low: number, high: number): string => {
    if (high - low === 1) return leaf(low);
    const middle = (low + high) >> 1;
    return `if(lt(t\\,${num(windows[middle]!.from)})\\,${build(low, middle)}\\,${build(middle, high)})`;
  };
  return build(0, windows.length);
}

export interface FrameImageRequest {
  pts: number;
  previousPts: number | null;
  /** PTS of the key frame at or before the frame: where decoding starts. */
  keyPts: number;
}

/**
 * One frame by its PTS, as JPEG (quality 2) or PNG on stdout, displayed orientation (ffmpeg rotates
 * by the display matrix on its own). `-seek_timestamp` makes `-ss` the stream's own clock (no start
 * time added), `-copyts` keeps that clock on the decoded frames, and `-noaccurate_seek` leaves the
 * choice to `select`: decoding starts at the key frame and the first frame in the window is
 * written. `seek: false` decodes from the start, for a container whose seek missed.
 */
export function frameImageArgs(input: string, frame: FrameImageRequest, format: 'jpeg' | 'png', options: { seek?: boolean } = {}): string[] {
  return frameRunArgs(input, { keyPts: frame.keyPts, previousPts: frame.previousPts, pts: [frame.pts] }, format, options);
}

export interface FrameRunRequest {
  /** PTS of the key frame at or before the first frame: where decoding starts. */
  keyPts: number;
  /** PTS of the frame before the first one, if any (it bounds the first frame's window). */
  previousPts: number | null;
  /** The frames wanted, ascending: the first one and the ones read ahead after it. */
  pts: readonly number[];
}

/**
 * Several consecutive frames in one decode, as images one after the other on stdout (image2pipe),
 * each encoded exactly as frameImageArgs encodes one frame alone (the same decode from the same key
 * frame, the same encoder settings; only the `select` expression and the frame count differ), so
 * every image is byte for byte the single-frame answer. The windows are chained: the output is
 * always the first frames of the list in order, so the n-th image is the n-th frame even when the
 * seek landed late and some frames could not be decoded (then fewer, or none, come out).
 */
export function frameRunArgs(input: string, run: FrameRunRequest, format: 'jpeg' | 'png', options: { seek?: boolean } = {}): string[] {
  const windows = run.pts.map((pts, i) => ptsWindow(pts, i > 0 ? run.pts[i - 1]! : run.previousPts));
  const seek = options.seek !== false && run.keyPts > 0 ? ['-seek_timestamp', '1', '-ss', num(run.keyPts), '-noaccurate_seek'] : [];
  const encode = format === 'jpeg' ? ['-c:v', 'mjpeg', '-q:v', '2', '-f', 'image2pipe'] : ['-c:v', 'png', '-f', 'image2pipe'];
  return [...seek, '-copyts', '-i', input, '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', `select=${selectWindowsExpression(windows, { chained: true })}`, '-fps_mode', 'passthrough', '-frames:v', String(run.pts.length), ...encode, 'pipe:1'];
}

/** The `select` filter keeping the frames at `pts` (ascending), one window each. */
export function splitFramesFilter(pts: readonly number[]): string {
  return `select=${selectWindowsExpression(pts.map((p, i) => ptsWindow(p, i > 0 ? pts[i - 1]! : null)))}`;
}

/** How far before the first frame a split seeks: past any reordering delay, in a GOP at or before it. */
export const SPLIT_SEEK_MARGIN = 1;

/**
 * The frames at `pts` (ascending) as numbered JPEG files (`pattern`, e.g. dir/frame-%06d.jpg) in one
 * decode: `select` keeps the frames whose time is in a window, passthrough keeps them one for one,
 * and ffmpeg stops after the last. With `seekBefore`, decoding starts at the key frame before that
 * time (the stream's own clock, as for one frame); frames are chosen by time either way, so a seek
 * that lands late loses frames (the caller counts them) but never gives wrong ones. The filter is
 * given inline, or as a script file holding it (a long list would pass the limit of one
 * command-line argument).
 */
export function splitFramesArgs(input: string, count: number, pattern: string, filter: { inline: string } | { script: string }, seekBefore?: number): string[] {
  const filterArgs = 'inline' in filter ? ['-vf', filter.inline] : ['-filter_script:v', filter.script];
  const seek = seekBefore !== undefined && seekBefore > 0 ? ['-seek_timestamp', '1', '-ss', num(seekBefore), '-noaccurate_seek'] : [];
  return [...seek, '-copyts', '-i', input, '-map', '0:v:0', '-an', '-sn', '-dn', ...filterArgs, '-fps_mode', 'passthrough',
    '-frames:v', String(count), '-q:v', '2', '-f', 'image2', '-start_number', '1', pattern];
}

/** An inline filter longer than this goes through a script file (Linux caps one argument at 128 KiB). */
export const MAX_INLINE_FILTER = 64 * 1024;
