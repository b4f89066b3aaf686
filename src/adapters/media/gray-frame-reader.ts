import { CamtroveError } from '../../domain/errors.js';
import { grayFramesArgs, parseShowinfoLine, type GrayFramesOptions } from '../../domain/ffmpeg-commands.js';
import { accessRefusal } from '../../domain/input-access.js';
import type { GrayFrame } from '../../domain/motion/motion-types.js';
import { redactUrl } from '../../domain/redact.js';
import { stderrReason } from '../../domain/stderr-reason.js';
import { LOCAL_FILES, type InputGate } from './input-gate.js';
import { startProcess } from './process-runner.js';

export interface GrayFrameReadOptions extends GrayFramesOptions {
  signal?: AbortSignal;
  /** Give up when ffmpeg produces nothing for this long (a hung input), in milliseconds. */
  stallTimeoutMs?: number;
  /** What ffmpeg may open for the input; local files only by default. */
  gate?: InputGate;
}

/** Frames as they decode, and what went wrong along the way without stopping them. */
export interface GrayFrameStream {
  frames: AsyncIterable<GrayFrame>;
  /** Decoding problems that did not stop the stream (a damaged or truncated file), filled as it runs. */
  warnings: string[];
}

const MAX_WARNINGS = 5;

/**
 * Runs ffmpeg to decode `input` into small greyscale frames and yields them with their timestamps.
 * ffmpeg writes into a pipe that is read only as fast as frames are consumed, so memory stays flat
 * whatever the video's length. A file that yields nothing fails with ffmpeg's own reason; one that
 * breaks part way yields what decoded and reports the damage in `warnings`.
 */
export function readGrayFrames(ffmpeg: string, input: string, options: GrayFrameReadOptions): GrayFrameStream {
  const warnings: string[] = [];
  return { frames: frameGenerator(ffmpeg, input, options, warnings), warnings };
}

async function* frameGenerator(ffmpeg: string, input: string, options: GrayFrameReadOptions, warnings: string[]): AsyncGenerator<GrayFrame> {
  const { width, height, stallTimeoutMs = 60_000 } = options;
  const frameBytes = width * height;
  const stop = new AbortController();
  const abortFromCaller = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abortFromCaller, { once: true });
  const times: number[] = [];
  let timeArrived: (() => void) | null = null;
  const noteWarning = (line: string) => {
    const message = /\[(?:warning|error|fatal)\]/.exec(line) ? stderrReason([line]) : undefined;
    if (message && warnings.length < MAX_WARNINGS && !warnings.includes(message)) warnings.push(message);
  };
  let watchdog: NodeJS.Timeout | undefined;
  const feedWatchdog = () => {
    clearTimeout(watchdog);
    // ffmpeg still writes while it stops: a watchdog armed then would keep the process alive for a minute.
    if (stop.signal.aborted) return;
    watchdog = setTimeout(() => {
      stop.abort(new CamtroveError('CAMTROVE_ERR_MEDIA_TIMEOUT', `no frame from ${redactUrl(input)} for ${Math.round(stallTimeoutMs / 1000)} s; the input seems to hang`));
    }, stallTimeoutMs);
  };

  const gate = options.gate ?? LOCAL_FILES;
  const args = gate.guard(['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info', ...grayFramesArgs(input, options)]);
  const child = startProcess(ffmpeg, args, {
    signal: stop.signal,
    env: gate.env,
    stderrTailLines: 40,
    onStderrLine: (line) => {
      feedWatchdog();
      const shown = parseShowinfoLine(line);
      if (shown) {
        times.push(shown.time);
        timeArrived?.();
      } else {
        noteWarning(line);
      }
    },
  });
  // Surfaces after the frames: the loop below reads stdout first.
  const result = child.result.then(
    (value) => ({ value, error: null }),
    (error: unknown) => ({ value: null, error: error instanceof Error ? error : new Error(String(error)) }),
  );
  let ended = false;
  void result.then(() => {
    ended = true;
    timeArrived?.();
  });

  let count = 0;
  let pending: Buffer = Buffer.alloc(0);
  try {
    feedWatchdog();
    for await (const chunk of child.stdout) {
      feedWatchdog();
      pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
      while (pending.length >= frameBytes) {
        const pixels = new Uint8Array(frameBytes);
        pixels.set(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
        // showinfo prints a frame's line before the frame reaches stdout, but the two pipes are
        // read independently: wait for the time if it is still on its way.
        while (times.length <= count && !ended) {
          await new Promise<void>((resolve) => (timeArrived = resolve));
          timeArrived = null;
        }
        const time = times[count] ?? (count > 0 ? (times[count - 1] ?? 0) + 1 / options.fps : 0);
        count += 1;
        yield { time, width, height, pixels };
      }
    }
    const { value, error } = await result;
    if (error) throw error;
    if (value && value.exitCode !== 0) {
      const reason = accessRefusal(value.stderrTail) ?? stderrReason(value.stderrTail.filter((line) => !parseShowinfoLine(line))) ?? `exit code ${value.exitCode ?? value.exitSignal}`;
      if (count === 0) throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', `cannot decode the video of ${redactUrl(input)}: ${reason}`);
      noteWarning(`[error] decoding stopped after ${count} frames: ${reason}`);
    }
  } finally {
    clearTimeout(watchdog);
    options.signal?.removeEventListener('abort', abortFromCaller);
    // A consumer that stops early (or fails) must not leave ffmpeg running.
    if (!stop.signal.aborted) stop.abort(new Error('frames no longer needed'));
    await result;
  }
}
