import type { Box } from './motion/motion-types.js';

/** One frame at `time` seconds as raw RGB (3 bytes per pixel) on stdout, `width` × `height`. */
export function rgbFrameArgs(input: string, options: { time: number; width: number; height: number }): string[] {
  // -ss before -i seeks to the keyframe before `time` and decodes up to it: fast and exact.
  return ['-ss', String(options.time), '-i', input, '-map', '0:v:0', '-frames:v', '1', '-an', '-vf', `scale=${options.width}:${options.height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
}

/** A JPEG of the frame at `time`, at most `width` wide, with `box` (normalised) drawn on it. */
export function eventThumbnailArgs(input: string, output: string, options: { time: number; box: Box; width: number }): string[] {
  const { box } = options;
  // Drawn after scaling, in the scaled frame's pixels; the line thickness follows the size.
  const draw = `drawbox=x=iw*${box.x.toFixed(4)}:y=ih*${box.y.toFixed(4)}:w=iw*${box.w.toFixed(4)}:h=ih*${box.h.toFixed(4)}:color=red@0.9:t=max(2\\,iw/240)`;
  return ['-ss', String(options.time), '-i', input, '-map', '0:v:0', '-frames:v', '1', '-an', '-vf', `scale=min(${options.width}\\,iw):-2,${draw}`, '-q:v', '3', '-f', 'image2', '-update', '1', output];
}

export type ClipPlan = { mode: 'copy'; from: number; to: number } | { mode: 'encode'; from: number; to: number };

/**
 * How to cut [start, end]: copying the stream needs a keyframe at or a little before `start` (a clip
 * may start early, never late); otherwise re-encode from exactly `start`.
 */
export function planClip(keyframeTimes: readonly number[], start: number, end: number, maxLeadSeconds = 2): ClipPlan {
  let keyframe: number | null = null;
  for (const time of keyframeTimes) {
    if (time <= start + 1e-3) keyframe = time;
    else break;
  }
  if (keyframe !== null && start - keyframe <= maxLeadSeconds) return { mode: 'copy', from: keyframe, to: end };
  return { mode: 'encode', from: start, to: end };
}

/** An MP4 of the planned span, browser-friendly either way (moov first). */
export function eventClipArgs(input: string, output: string, plan: ClipPlan): string[] {
  const span = Math.max(0.04, plan.to - plan.from).toFixed(3);
  const head = ['-ss', plan.from.toFixed(3), '-i', input, '-t', span, '-map', '0:v:0', '-map', '0:a:0?'];
  const codecs = plan.mode === 'copy'
    ? ['-c', 'copy', '-avoid_negative_ts', 'make_zero']
    : ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-c:a', 'aac', '-b:a', '128k'];
  return [...head, ...codecs, '-movflags', '+faststart', '-f', 'mp4', output];
}

/** ffprobe arguments listing the video packets' times and flags (demuxing only, no decoding). */
export function keyframePacketArgs(input: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', input];
}

/** The time of a keyframe packet line ("12.345,K__"), or null for other packets and lines. */
export function parseKeyframePacketLine(line: string): number | null {
  const [time, flags] = line.trim().split(',');
  if (!flags?.includes('K') || time === undefined || time === '' || time === 'N/A') return null;
  const value = Number(time);
  return Number.isFinite(value) ? value : null;
}
