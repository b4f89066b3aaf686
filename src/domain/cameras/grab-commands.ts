import { accessArgs, RTSP_ACCESS, SEGMENT_PIPE_ACCESS } from '../input-access.js';

/** Arguments every grab shares: quiet, no stdin, JPEGs (quality 3 of 31) on stdout. */
const QUIET = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];
const JPEG_OUT = ['-map', '0:v:0', '-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2pipe', '-'];

/**
 * One frame from an RTSP camera, through camtrove's relay (`url` is the relay's): over TCP (through
 * firewalls and NAT, no lost packets), TCP the only protocol ffmpeg may open, every socket wait
 * bounded. The stream is probed for 1 s instead of ffmpeg's 5: the camera's SDP already says what
 * the video is, and the default makes every grab wait seconds for nothing.
 */
export function rtspGrabArgs(url: string, options: { timeoutMs: number }): string[] {
  return [...QUIET, ...accessArgs(RTSP_ACCESS), '-timeout', String(Math.round(options.timeoutMs * 1000)), '-analyzeduration', '1000000', '-i', url, '-frames:v', '1', ...JPEG_OUT];
}

/**
 * Frames of one HLS segment, which camtrove fetched itself and writes to stdin, from `seek` seconds
 * into it: only the first (`take: 'first'`), or all from there to the end (`take: 'rest'`, for a
 * live stream's newest picture: the caller keeps the last). ffmpeg may open nothing but its stdin,
 * so a segment can lead it nowhere else. The seek is on the output side: a pipe cannot be seeked,
 * and decoding a segment of a few seconds up to the point costs little.
 */
export function segmentGrabArgs(options: { seek: number; take: 'first' | 'rest' }): string[] {
  return [
    ...QUIET,
    ...accessArgs(SEGMENT_PIPE_ACCESS),
    '-i', 'pipe:0',
    ...(options.seek > 0 ? ['-ss', options.seek.toFixed(3)] : []),
    ...(options.take === 'first' ? ['-frames:v', '1'] : []),
    ...JPEG_OUT,
  ];
}
