import { access, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Sharp } from 'sharp';
import {
  frameRunArgs,
  MAX_INLINE_FILTER,
  SPLIT_SEEK_MARGIN,
  splitFramesArgs,
  splitFramesFilter,
  videoFrameIndexArgs,
  videoPacketIndexArgs,
  type FrameRunRequest,
} from '../../domain/asset-media-commands.js';
import { CamtroveError } from '../../domain/errors.js';
import { accessRefusal } from '../../domain/input-access.js';
import { imageStreamParser } from '../../domain/media/image-stream.js';
import { decodedFrames, framesInRange, listingEnd, packetFrames, parseVideoFacts, type IndexedFrame, type VideoIndex } from '../../domain/labeling/frame-index.js';
import { redactArgs } from '../../domain/redact.js';
import { stderrReason } from '../../domain/stderr-reason.js';
import type { SystemMediaTools } from './ffmpeg.js';
import { LOCAL_FILES } from './input-gate.js';
import { runProcess, startProcess, type ProcessResult } from './process-runner.js';

export type { IndexedFrame, VideoIndex } from '../../domain/labeling/frame-index.js';
export type { FrameRunRequest } from '../../domain/asset-media-commands.js';

/** What labeling asks of a video or image file: its frame index and single frames by PTS. */
export interface AssetMedia {
  /** Every decoded frame of the video stream in presentation order (PTS of each), optionally only those with pts in [from, to). */
  indexVideo(path: string, options?: { from?: number; to?: number; signal?: AbortSignal }): Promise<VideoIndex>;
  /** Frame with this exact pts as an image (displayed orientation). format 'jpeg' (q≈2) or 'png'. Frame-exact. */
  frameImage(path: string, frame: { pts: number; previousPts: number | null; keyPts: number }, format: 'jpeg' | 'png', signal?: AbortSignal): Promise<Buffer>;
  /**
   * Consecutive frames (run.pts, ascending) in one decode from the first one's key frame, each
   * handed to onImage (its place in run.pts, its image) as soon as it is encoded: the first frame
   * first, then the ones after it in order, each byte for byte what frameImage gives for it. The run
   * ends early when onImage returns false, or where a frame cannot be decoded. Resolves with how many
   * images were handed over: at least the first, or it fails as frameImage does.
   */
  frameRun(path: string, run: FrameRunRequest, format: 'jpeg' | 'png', onImage: (index: number, image: Buffer) => boolean, signal?: AbortSignal): Promise<number>;
  /** Writes the given frames (by pts, ascending) as JPEG files into dir; returns their paths in order. One ffmpeg pass. */
  splitFrames(path: string, pts: readonly number[], dir: string, signal?: AbortSignal): Promise<string[]>;
  /** Width/height/format of a still image (EXIF orientation applied); throws MEDIA_UNREADABLE for a broken image. */
  imageInfo(path: string): Promise<{ width: number; height: number; format: string }>;
}

/** How the last index was made, for benchmarks and logs: from packets, or by decoding (and why). */
export type IndexMethod = { method: 'packets' } | { method: 'decode'; reason: string };

/** EXIF orientations 5 to 8 turn the picture a quarter: width and height swap. */
const QUARTER_TURN_ORIENTATIONS = new Set([5, 6, 7, 8]);

/**
 * AssetMedia over the system's ffmpeg and ffprobe. Every command line passes the local-files
 * gate. The frame index comes from the packet listing when the packets can stand for the decoded
 * frames (see packetFrames), which takes a second where a decode of a 10-minute 1080p video takes
 * a minute; otherwise from a full decode. A frame is found by seeking to its key frame and
 * decoding forward to its PTS.
 */
export class FfmpegAssetMedia implements AssetMedia {
  /** How the last index was made (for benchmarks, logs and tests). */
  lastIndexMethod: IndexMethod | null = null;
  /** Whether the last frameImage or splitFrames decoded from the start because its seek missed frames. */
  lastFrameFromStart = false;

  constructor(private readonly tools: Pick<SystemMediaTools, 'ensureAvailable'>) {}

  async indexVideo(path: string, options: { from?: number; to?: number; signal?: AbortSignal } = {}): Promise<VideoIndex> {
    const { ffprobe } = this.tools.ensureAvailable();
    const listing = await this.probeJson(ffprobe, videoPacketIndexArgs(path), path, options.signal);
    const facts = parseVideoFacts(listing);
    if (!facts) throw unreadable(path, 'no video stream');
    const fromPackets = packetFrames(listing, facts);
    let frames: IndexedFrame[] = fromPackets.frames;
    let endTime = listingEnd(listing);
    if (fromPackets.distrust === null) {
      this.lastIndexMethod = { method: 'packets' };
    } else {
      this.lastIndexMethod = { method: 'decode', reason: fromPackets.distrust };
      const decoded = await this.probeJson(ffprobe, videoFrameIndexArgs(path), path, options.signal);
      frames = decodedFrames(decoded);
      endTime = listingEnd(decoded);
    }
    if (frames.length === 0) throw unreadable(path, 'no frame could be decoded');
    const { format: _format, startTime, ...rest } = facts;
    return { ...rest, startTime: frames[0]?.pts ?? startTime ?? 0, endTime, frames: framesInRange(frames, options) };
  }

  async frameImage(path: string, frame: { pts: number; previousPts: number | null; keyPts: number }, format: 'jpeg' | 'png', signal?: AbortSignal): Promise<Buffer> {
    let image: Buffer | null = null;
    await this.frameRun(path, { keyPts: frame.keyPts, previousPts: frame.previousPts, pts: [frame.pts] }, format, (_, bytes) => {
      image = bytes;
      return true;
    }, signal);
    return image!;
  }

  async frameRun(path: string, run: FrameRunRequest, format: 'jpeg' | 'png', onImage: (index: number, image: Buffer) => boolean, signal?: AbortSignal): Promise<number> {
    this.lastFrameFromStart = false;
    if (run.pts.length === 0) return 0;
    let count = 0;
    const handOver = (image: Buffer) => count < run.pts.length && onImage(count++, image);
    const seeking = await this.ffmpegImages(frameRunArgs(path, run, format), format, handOver, signal);
    if (count > 0) return count;
    this.lastFrameFromStart = true;
    // A container whose seek lands past the key frame gives nothing: decode from the start instead.
    const decoding = seeking.result?.exitCode === 0 ? await this.ffmpegImages(frameRunArgs(path, run, format, { seek: false }), format, handOver, signal) : seeking;
    if (count > 0) return count;
    if (decoding.result && decoding.result.exitCode !== 0) throw processingError(path, `could not decode the frame at ${run.pts[0]} s`, decoding.result, decoding.args);
    throw new CamtroveError('CAMTROVE_ERR_MEDIA_PROCESSING', `${path}: no frame has the time ${run.pts[0]} s`);
  }

  async splitFrames(path: string, pts: readonly number[], dir: string, signal?: AbortSignal): Promise<string[]> {
    if (pts.length === 0) return [];
    if (pts.some((p, i) => i > 0 && p <= pts[i - 1]!)) throw new CamtroveError('CAMTROVE_ERR_MEDIA_PROCESSING', `${path}: frames to split must be in ascending order of time`);
    const { ffmpeg } = this.tools.ensureAvailable();
    const folder = resolve(dir);
    const names = pts.map((_, i) => `frame-${String(i + 1).padStart(6, '0')}.jpg`);
    const filter = splitFramesFilter(pts);
    const script = filter.length > MAX_INLINE_FILTER ? join(folder, `.select-${process.pid}-${Date.now()}.txt`) : null;
    if (script) await writeFile(script, filter);
    // `%` is the image2 pattern's own character: a folder name holding one is escaped.
    const pattern = join(folder.replaceAll('%', '%%'), 'frame-%06d.jpg');
    const written = async (seekBefore?: number) => {
      const args = ffmpegArgs(splitFramesArgs(path, pts.length, pattern, script ? { script } : { inline: filter }, seekBefore));
      const result = await runProcess(ffmpeg, args, { signal, env: LOCAL_FILES.env });
      if (result.exitCode !== 0) throw processingError(path, 'could not split the frames', result, args);
      const present = new Set(await readdir(folder));
      return names.filter((name) => present.has(name)).length;
    };
    let count: number;
    try {
      // Seek near the first frame; a seek that missed some frames is redone decoding from the start.
      const seekBefore = pts[0]! - SPLIT_SEEK_MARGIN;
      this.lastFrameFromStart = false;
      count = await written(seekBefore);
      if (count < pts.length && seekBefore > 0) {
        this.lastFrameFromStart = true;
        count = await written();
      }
    } finally {
      if (script) await rm(script, { force: true });
    }
    if (count < pts.length) {
      throw new CamtroveError('CAMTROVE_ERR_MEDIA_PROCESSING', `${path}: ${count} of ${pts.length} frames were written; the others have no frame at their time`);
    }
    return names.map((name) => join(folder, name));
  }

  async imageInfo(path: string): Promise<{ width: number; height: number; format: string }> {
    const sharp = await loadSharp();
    try {
      await access(path);
      const metadata = await sharp(path).metadata();
      // Decoding the whole picture (shrunk on load, which is cheap) is what finds a truncated file.
      await sharp(path).resize(16, 16, { fit: 'inside' }).raw().toBuffer();
      const { width, height, format } = metadata;
      if (!width || !height) throw new Error('no size in the header');
      const turned = QUARTER_TURN_ORIENTATIONS.has(metadata.orientation ?? 1);
      return { width: turned ? height : width, height: turned ? width : height, format };
    } catch (error) {
      throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', `${path}: not a readable image: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }


  /** ffprobe's JSON; MEDIA_UNREADABLE naming the file when it says nothing usable. */
  private async probeJson(ffprobe: string, args: readonly string[], path: string, signal?: AbortSignal): Promise<unknown> {
    const result = await runProcess(ffprobe, LOCAL_FILES.guard(args), { signal, captureStdout: true, env: LOCAL_FILES.env });
    try {
      const parsed: unknown = JSON.parse(result.stdout);
      if (result.exitCode === 0 || hasEntries(parsed)) return parsed;
    } catch {
      // reported below with ffprobe's own words
    }
    throw unreadable(path, accessRefusal(result.stderrTail) ?? stderrReason(result.stderrTail) ?? `ffprobe exit code ${result.exitCode ?? result.exitSignal}`);
  }

  /**
   * Runs ffmpeg with images on stdout, handing each to onImage as soon as its last byte is read;
   * onImage returning false stops ffmpeg (result null then: it was stopped, not failed).
   */
  private async ffmpegImages(commandArgs: readonly string[], format: 'jpeg' | 'png', onImage: (image: Buffer) => boolean, signal?: AbortSignal): Promise<{ result: ProcessResult | null; args: string[] }> {
    const { ffmpeg } = this.tools.ensureAvailable();
    const args = ffmpegArgs(commandArgs);
    const enough = new AbortController();
    const child = startProcess(ffmpeg, args, { signal: signal ? AbortSignal.any([signal, enough.signal]) : enough.signal, env: LOCAL_FILES.env });
    const parser = imageStreamParser(format);
    const read = (async () => {
      try {
        for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
          // Once stopped, the rest is only drained.
          for (const image of enough.signal.aborted ? [] : parser.push(chunk)) {
            if (!onImage(image)) {
              enough.abort(new Error('enough images'));
              break;
            }
          }
        }
      } catch (error) {
        enough.abort(error);
        throw error;
      }
    })();
    // Both awaited together: a failure of either is handled, never left unobserved.
    const [reading, running] = await Promise.allSettled([read, child.result]);
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
    if (reading.status === 'rejected') throw reading.reason;
    if (running.status === 'rejected') {
      if (enough.signal.aborted) return { result: null, args };
      throw running.reason;
    }
    return { result: running.value, args };
  }
}

/** An ffmpeg command line with the common quiet flags, through the local-files gate. */
function ffmpegArgs(args: readonly string[]): string[] {
  return LOCAL_FILES.guard(['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', ...args]);
}

/** A listing with packets or frames in it: a damaged file still gives what comes before the damage. */
function hasEntries(json: unknown): boolean {
  const listing = json as { packets?: unknown[]; frames?: unknown[] } | null;
  return (listing?.packets?.length ?? 0) > 0 || (listing?.frames?.length ?? 0) > 0;
}

function unreadable(path: string, reason: string): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', `${path}: not a readable video: ${reason}`);
}

function processingError(path: string, what: string, result: ProcessResult, args: readonly string[]): CamtroveError {
  const reason = accessRefusal(result.stderrTail) ?? stderrReason(result.stderrTail) ?? `exit code ${result.exitCode ?? result.exitSignal}`;
  return new CamtroveError('CAMTROVE_ERR_MEDIA_PROCESSING', `${path}: ${what}: ${reason}`, { cause: { args: redactArgs(args), stderr: result.stderrTail } });
}

type SharpFactory = (input: string) => Sharp;
let loadedSharp: Promise<SharpFactory> | null = null;
/** libvips, loaded on first use: most commands never look at a still image. */
function loadSharp(): Promise<SharpFactory> {
  loadedSharp ??= import('sharp').then(({ default: sharp }) => (input: string) => sharp(input));
  return loadedSharp;
}
