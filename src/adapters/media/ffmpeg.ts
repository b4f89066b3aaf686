import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CamtroveError } from '../../domain/errors.js';
import type { SeekMode } from '../../domain/event-media-commands.js';
import { parseProgressLine } from '../../domain/ffmpeg-commands.js';
import { accessRefusal } from '../../domain/input-access.js';
import { redactArgs } from '../../domain/redact.js';
import { stderrReason } from '../../domain/stderr-reason.js';
import type { Gop } from '../../domain/motion/fast-plan.js';
import type { RgbFrame } from '../../domain/motion/motion-types.js';
import { parseProbeOutput, type VideoInfo } from '../../domain/video-info.js';
import { readGrayFrames, type GrayFrameReadOptions, type GrayFrameStream } from './gray-frame-reader.js';
import { grabRgbFrame } from './frame-grabber.js';
import { LOCAL_FILES, type InputGate } from './input-gate.js';
import { listGops, listKeyframeTimes } from './packet-lister.js';
import { runProcess } from './process-runner.js';

export interface FfmpegRunOptions {
  signal?: AbortSignal;
  /** Media duration in seconds, to turn ffmpeg's time reached into a fraction. */
  duration?: number | null;
  onProgress?: (fraction: number) => void;
}

/** The media port: everything camtrove asks of ffmpeg and ffprobe. */
export interface MediaTools {
  probe(input: string, signal?: AbortSignal): Promise<VideoInfo>;
  ffmpeg(args: readonly string[], options?: FfmpegRunOptions): Promise<void>;
  /** Small greyscale frames with their timestamps, decoded as they are consumed. */
  grayFrames(input: string, options: GrayFrameReadOptions): GrayFrameStream;
  /** The video's groups of pictures (keyframe to keyframe) and their sizes, from demuxing alone. */
  gops(input: string, signal?: AbortSignal): Promise<Gop[]>;
}

const INSTALL_HINT = 'install it (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or set CAMTROVE_FFMPEG and CAMTROVE_FFPROBE to the binaries';

/** Finds a binary: the configured path first, then PATH; fails with how to install it. */
export function locateBinary(name: 'ffmpeg' | 'ffprobe', configured: string, envPath = process.env.PATH ?? ''): string {
  const candidates = configured ? [configured] : envPath.split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  const where = configured ? `at ${configured} (CAMTROVE_${name.toUpperCase()})` : 'on PATH';
  throw new CamtroveError('CAMTROVE_ERR_FFMPEG_MISSING', `${name} was not found ${where}: ${INSTALL_HINT}`);
}

/**
 * ffmpeg/ffprobe from the system, located lazily so commands that need no media start without them.
 * Every command line passes `gate`: local files only, unless the tools were made for one network
 * input (`camtrove segment <url>`).
 */
export class SystemMediaTools implements MediaTools {
  private paths: { ffmpeg: string; ffprobe: string } | null = null;

  constructor(
    private readonly configured: { ffmpeg: string; ffprobe: string },
    private readonly gate: InputGate = LOCAL_FILES,
  ) {}

  /** Fails now, with the install hint, when either binary is missing. */
  ensureAvailable(): { ffmpeg: string; ffprobe: string } {
    this.paths ??= {
      ffmpeg: locateBinary('ffmpeg', this.configured.ffmpeg),
      ffprobe: locateBinary('ffprobe', this.configured.ffprobe),
    };
    return this.paths;
  }

  async probe(input: string, signal?: AbortSignal): Promise<VideoInfo> {
    const { ffprobe } = this.ensureAvailable();
    const args = this.gate.guard(['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-i', input]);
    const result = await runProcess(ffprobe, args, { signal, captureStdout: true, env: this.gate.env });
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(result.stdout);
    } catch {
      // fall through: reported below with ffprobe's own words
    }
    const info = result.exitCode === 0 && parsed ? parseProbeOutput(parsed) : null;
    if (!info) {
      const reason = accessRefusal(result.stderrTail) ?? stderrReason(result.stderrTail) ?? 'no audio or video stream found';
      throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', `not a readable video or image: ${reason}`);
    }
    return info;
  }

  grayFrames(input: string, options: GrayFrameReadOptions): GrayFrameStream {
    return readGrayFrames(this.ensureAvailable().ffmpeg, input, { ...options, gate: this.gate });
  }

  gops(input: string, signal?: AbortSignal): Promise<Gop[]> {
    return listGops(this.ensureAvailable().ffprobe, input, signal, this.gate);
  }

  /** One RGB frame of `input` at `time` (see frame-grabber.ts). */
  rgbFrame(input: string, options: { time: number; width: number; height: number; seek?: SeekMode; signal?: AbortSignal }): Promise<RgbFrame> {
    return grabRgbFrame(this.ensureAvailable().ffmpeg, input, { ...options, gate: this.gate });
  }

  /** The times of the first video stream's keyframes (see packet-lister.ts). */
  keyframeTimes(input: string, signal?: AbortSignal): Promise<number[]> {
    return listKeyframeTimes(this.ensureAvailable().ffprobe, input, signal, this.gate);
  }

  async ffmpeg(args: readonly string[], options: FfmpegRunOptions = {}): Promise<void> {
    const { ffmpeg } = this.ensureAvailable();
    const fullArgs = this.gate.guard(['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1', '-y', ...args]);
    const { duration, onProgress } = options;
    const result = await runProcess(ffmpeg, fullArgs, {
      signal: options.signal,
      env: this.gate.env,
      onStdoutLine: (line) => {
        const reached = parseProgressLine(line);
        if (reached !== null && duration && onProgress) onProgress(Math.min(1, reached / duration));
      },
    });
    if (result.exitCode !== 0) {
      const refused = accessRefusal(result.stderrTail);
      const reason = refused ?? stderrReason(result.stderrTail) ?? `exit code ${result.exitCode ?? result.exitSignal}`;
      const code = refused !== null || /Invalid data found|moov atom not found|could not find codec parameters|End of file/i.test(result.stderrTail.join('\n'))
        ? 'CAMTROVE_ERR_MEDIA_UNREADABLE'
        : 'CAMTROVE_ERR_MEDIA_PROCESSING';
      throw new CamtroveError(code, `ffmpeg failed: ${reason}`, { cause: { args: redactArgs(fullArgs), stderr: result.stderrTail } });
    }
  }
}
