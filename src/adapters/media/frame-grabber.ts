import { CamtroveError } from '../../domain/errors.js';
import { rgbFrameArgs, type SeekMode } from '../../domain/event-media-commands.js';
import type { RgbFrame } from '../../domain/motion/motion-types.js';
import { redactArgs } from '../../domain/redact.js';
import { stderrReason } from '../../domain/stderr-reason.js';
import { accessRefusal } from '../../domain/input-access.js';
import { LOCAL_FILES, type InputGate } from './input-gate.js';
import { startProcess } from './process-runner.js';

export interface GrabRgbFrameOptions {
  /** Seconds from the start of the media; the frame at or just after it is taken. */
  time: number;
  width: number;
  height: number;
  /** `decode` for inputs without timestamps to seek by (see SeekMode); `keyframe` by default. */
  seek?: SeekMode;
  signal?: AbortSignal;
  /** What ffmpeg may open for the input; local files only by default. */
  gate?: InputGate;
}

/**
 * One full-colour frame of `input` at `time`, scaled to `width` × `height`, as RGB bytes. ffmpeg
 * writes it raw to a pipe, read straight into one buffer of the frame's size. Fails with ffmpeg's
 * reason when no whole frame comes out (a time past the end, a damaged stretch).
 */
export async function grabRgbFrame(ffmpeg: string, input: string, options: GrabRgbFrameOptions): Promise<RgbFrame> {
  const { time, width, height, seek, signal } = options;
  const pixels = new Uint8Array(width * height * 3);
  const gate = options.gate ?? LOCAL_FILES;
  const args = gate.guard(['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', ...rgbFrameArgs(input, { time, width, height, seek })]);
  const child = startProcess(ffmpeg, args, { signal, env: gate.env });
  const read = (async () => {
    let filled = 0;
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      // One frame is asked for; anything past it is ignored.
      const take = Math.min(chunk.length, pixels.length - filled);
      pixels.set(chunk.subarray(0, take), filled);
      filled += take;
    }
    return filled;
  })();
  // Both awaited together: a failure of either is handled, never left unobserved.
  const [filled, result] = await Promise.all([read, child.result]);
  if (filled < pixels.length) {
    const reason = accessRefusal(result.stderrTail) ?? stderrReason(result.stderrTail) ?? (result.exitCode === 0 ? 'no frame there (past the end?)' : `exit code ${result.exitCode ?? result.exitSignal}`);
    throw new CamtroveError('CAMTROVE_ERR_MEDIA_PROCESSING', `no frame could be decoded at ${time.toFixed(2)} s: ${reason}`, { cause: { args: redactArgs(args), stderr: result.stderrTail } });
  }
  return { width, height, pixels };
}
