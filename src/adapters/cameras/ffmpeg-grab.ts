import { MjpegParser } from '../../domain/cameras/mjpeg-parser.js';
import { formatDurationMs } from '../../domain/duration.js';
import { CamtroveError, type ErrorCode } from '../../domain/errors.js';
import { stderrReason } from '../../domain/stderr-reason.js';
import { startProcess } from '../media/process-runner.js';
import type { Readable } from 'node:stream';
import { startDeadline } from './deadline.js';

export interface GrabOptions {
  deadlineMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  /** The camera's address as messages show it (no password). */
  shown: string;
  /** What ffmpeg reads on stdin (an HLS segment as it downloads). A CamtroveError it fails with (too large, cut off) fails the grab; it is destroyed when the grab ends. */
  stdin?: Readable;
}

/**
 * Runs an ffmpeg that writes JPEGs to stdout (a grab from RTSP or an HLS segment) under a deadline
 * and returns them. No frame is an error that says why, from ffmpeg's own words: credentials
 * refused, connection refused, a timeout, an error status, a stream without video.
 */
export async function grabJpegs(ffmpeg: string, args: readonly string[], options: GrabOptions): Promise<Buffer[]> {
  const deadline = startDeadline(options.deadlineMs, options.signal);
  // ffmpeg stops at the deadline, or as soon as its input fails: it would wait for more stdin.
  const stop = new AbortController();
  const onDeadline = () => stop.abort(deadline.signal.reason);
  if (deadline.signal.aborted) onDeadline();
  else deadline.signal.addEventListener('abort', onDeadline, { once: true });
  const input: { error: Error | null } = { error: null };
  options.stdin?.once('error', (error: Error) => {
    input.error = error;
    stop.abort(error);
  });
  const child = startProcess(ffmpeg, args, { signal: stop.signal, graceMs: 500, stdin: options.stdin });
  const parser = new MjpegParser({ boundary: null, maxPartBytes: options.maxBytes });
  const frames: Buffer[] = [];
  const read = (async () => {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) frames.push(...parser.push(chunk));
  })();
  const [outcome] = await Promise.allSettled([child.result, read]);
  deadline.done();
  deadline.signal.removeEventListener('abort', onDeadline);
  // ffmpeg had what it wanted (one frame) before the input ended: the rest is not downloaded.
  options.stdin?.destroy();
  // A failed input (too large, cut off) fails the grab, whatever decoded before; a stop at the deadline does not.
  if (input.error && !deadline.passed() && !options.signal?.aborted) throw input.error;
  if (frames.length > 0) return frames;
  if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted');
  const stderr = outcome.status === 'fulfilled' ? outcome.value.stderrTail : [];
  const reason = stderrReason(stderr) ?? '';
  if (deadline.passed()) throw new CamtroveError('CAMTROVE_ERR_CAMERA_TIMEOUT', `${options.shown}: no frame within ${formatDurationMs(options.deadlineMs)}${reason ? ` (${reason})` : ''}`);
  throw new CamtroveError(classify(reason), `${options.shown}: ${reason || 'ffmpeg produced no frame'}`);
}

function classify(reason: string): ErrorCode {
  if (/\b401\b|unauthori[sz]ed|\b403\b|forbidden/i.test(reason)) return 'CAMTROVE_ERR_CAMERA_AUTH';
  if (/connection refused|no route to host|network is unreachable|name or service not known|failed to resolve/i.test(reason)) return 'CAMTROVE_ERR_CAMERA_UNREACHABLE';
  if (/timed out|timeout/i.test(reason)) return 'CAMTROVE_ERR_CAMERA_TIMEOUT';
  return 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE';
}
