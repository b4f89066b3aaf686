import { join } from 'node:path';
import type { MediaTools } from '../adapters/media/ffmpeg.js';
import { formatDurationMs } from '../domain/duration.js';
import { CamtroveError } from '../domain/errors.js';
import { isLiveInput } from '../domain/media-input.js';
import { redactUrl } from '../domain/redact.js';
import { EventBuilder } from '../domain/motion/event-builder.js';
import { keyframeFirstPays, planFullDecode, type DecodeRange } from '../domain/motion/fast-plan.js';
import { analysisFrameSize } from '../domain/motion/frame-size.js';
import { MotionDetector } from '../domain/motion/motion-detector.js';
import { trackerOptionsFor } from '../domain/motion/object-tracker.js';
import { parsePolygon, parseZone } from '../domain/motion/polygon.js';
import type { DetectorOptions, DominantColor, EventOptions, MotionEvent } from '../domain/motion/motion-types.js';
import type { VideoInfo } from '../domain/video-info.js';

/** What a segmentation needs from the full-colour video for each event it found. */
export interface EventMediaPort {
  colors(input: string, event: MotionEvent, signal: AbortSignal): Promise<DominantColor[]>;
  thumbnail(input: string, event: MotionEvent, output: string, signal: AbortSignal): Promise<void>;
  clip(input: string, event: MotionEvent, output: string, signal: AbortSignal): Promise<void>;
}

export interface SegmentOptions {
  fps: number;
  /** Width frames are analysed at (never more than the video's). */
  width: number;
  /** Detector settings; masks and zones as users wrote them, read against the video's size. */
  detector: Omit<DetectorOptions, 'masks' | 'zones'> & { masks: readonly string[]; zones: readonly string[] };
  events: EventOptions;
  /** Where thumbnails and clips go; none are made without it. */
  outputDir: string | null;
  thumbnails: boolean;
  clips: boolean;
  /** Keyframes first: decode fully only the stretches around motion (see keyframeFirstPlan). */
  fast: boolean;
}

export interface SegmentedEvent {
  motion: MotionEvent;
  colors: DominantColor[];
  thumbnailPath: string | null;
  clipPath: string | null;
}

export interface Segmentation {
  info: VideoInfo;
  /** How the video was looked at: frames analysed (keyframes included), and with --fast the seconds skipped as calm. */
  analysed: { fps: number; width: number; height: number; frames: number; mode: 'every frame' | 'keyframe-first'; skipped: number };
  events: SegmentedEvent[];
  /** Damage met along the way that did not stop the segmentation (a truncated file). */
  warnings: string[];
}

export interface SegmentHooks {
  signal: AbortSignal;
  /** 0–1 over the whole job: the frame scan, then each event's media. */
  onProgress?: (fraction: number) => void;
}

/** Share of the progress bar given to the frame scan; the rest is the events' colours, thumbnails and clips. */
const SCAN_SHARE = 0.85;
/** Share of the scan given to the keyframe pass of --fast. */
const KEYFRAME_SHARE = 0.2;

/**
 * Cuts a video into motion events: ffmpeg decodes small greyscale frames at the analysis rate,
 * the detector and the event builder (pure code) turn them into events as they stream, then a few
 * full-colour frames per event give its colours, thumbnail and clip. Memory stays flat whatever
 * the video's length: frames are never kept, and finished events are small.
 */
export class Segmenter {
  constructor(
    private readonly media: MediaTools,
    private readonly eventMedia: EventMediaPort,
    /** Give up on an input that delivers nothing for this long (a hung stream or file system). */
    private readonly stallTimeoutMs: number,
  ) {}

  async segment(input: string, options: SegmentOptions, hooks: SegmentHooks): Promise<Segmentation> {
    const { signal, onProgress } = hooks;
    const info = await this.probe(input, signal);
    const video = info.video;
    // ffmpeg renders text files (format "tty") as pictures of their text: not footage.
    if (!video || info.format === 'tty') throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'the file has no video stream to segment');
    const size = analysisFrameSize(video.displayWidth, video.displayHeight, options.width);
    const source = { width: video.displayWidth, height: video.displayHeight };
    const detectorOptions: DetectorOptions = {
      ...options.detector,
      masks: options.detector.masks.map((mask) => parsePolygon(mask, source, 'mask')),
      zones: options.detector.zones.map((zone) => parseZone(zone, source)),
    };
    const builder = new EventBuilder(options.events, info.duration, size.height / size.width, trackerOptionsFor(options.fps));
    const warnings: string[] = [];
    const scan = (fraction: number) => onProgress?.(SCAN_SHARE * Math.min(1, Math.max(0, fraction)));

    const plan = options.fast ? await this.keyframeFirstPlan(input, info, size, detectorOptions, signal, warnings, (f) => scan(KEYFRAME_SHARE * f)) : null;
    const ranges = plan?.ranges ?? [{ from: 0, to: null }];
    const end = info.duration ?? null;
    const rangeSeconds = (r: DecodeRange) => (r.to ?? end ?? r.from) - r.from;
    const planned = ranges.reduce((sum, r) => sum + rangeSeconds(r), 0);
    const decodeShare = plan ? 1 - KEYFRAME_SHARE : 1;
    const found: MotionEvent[] = [];
    let frames = plan?.keyframes ?? 0;
    // Seconds from the start of the media: the first frame is 0.
    let origin = plan?.origin ?? null;
    let done = 0;
    for (const range of ranges) {
      // One detector per stretch: a background learned minutes earlier says little; the lead-in teaches it the scene.
      const detector = new MotionDetector(size.width, size.height, detectorOptions);
      const stream = this.media.grayFrames(input, {
        fps: options.fps,
        width: size.width,
        height: size.height,
        signal,
        stallTimeoutMs: this.stallTimeoutMs,
        ...(range.from > 0 ? { start: range.from } : {}),
        ...(range.to !== null ? { duration: range.to - range.from } : {}),
      });
      for await (const frame of stream.frames) {
        // After a seek, ffmpeg counts from the seek point.
        const time = frame.time + range.from;
        origin ??= time;
        frames += 1;
        found.push(...builder.push(detector.process({ ...frame, time: time - origin })));
        if (planned > 0) scan((plan ? KEYFRAME_SHARE : 0) + (decodeShare * (done + time - range.from)) / planned);
      }
      warnings.push(...stream.warnings);
      done += rangeSeconds(range);
    }
    found.push(...builder.finish());
    if (frames === 0) throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'no frame of the video could be decoded');

    const events: SegmentedEvent[] = [];
    const live = isLiveInput(input, info.duration);
    if (live && found.length > 0) warnings.push('a live stream cannot be rewound: its events have no colours, thumbnails or clips');
    for (const [index, motion] of found.entries()) {
      events.push(live ? { motion, colors: [], thumbnailPath: null, clipPath: null } : await this.describe(input, motion, index, options, signal, warnings));
      onProgress?.(SCAN_SHARE + ((1 - SCAN_SHARE) * (index + 1)) / found.length);
    }
    onProgress?.(1);
    const skipped = plan && end !== null ? Math.max(0, Math.round((end - planned) * 10) / 10) : 0;
    return { info, analysed: { fps: options.fps, ...size, frames, mode: plan ? 'keyframe-first' : 'every frame', skipped }, events, warnings };
  }

  /**
   * `--fast`: decodes the keyframes alone, looks for motion between consecutive ones (small blobs
   * need no confirmation: keyframes are seconds apart), and plans which stretches to decode fully
   * (src/domain/motion/fast-plan.ts). Null, with a warning saying why, when it cannot pay: a live
   * stream, keyframes too close together, or none.
   */
  private async keyframeFirstPlan(
    input: string,
    info: VideoInfo,
    size: { width: number; height: number },
    detectorOptions: DetectorOptions,
    signal: AbortSignal,
    warnings: string[],
    onProgress: (fraction: number) => void,
  ): Promise<{ ranges: DecodeRange[]; origin: number; keyframes: number } | null> {
    const everyFrame = (why: string) => {
      warnings.push(`--fast: ${why}; every frame was decoded`);
      return null;
    };
    if (isLiveInput(input, info.duration)) return everyFrame('a live stream cannot be skipped through');
    const gops = await this.media.gops(input, signal);
    if (!keyframeFirstPays(gops)) return everyFrame('the video has no keyframes to skip between, or they are under half a second apart');
    const detector = new MotionDetector(size.width, size.height, { ...detectorOptions, confirmSmallBlobs: false });
    const stream = this.media.grayFrames(input, { fps: 0, width: size.width, height: size.height, keyframesOnly: true, signal, stallTimeoutMs: this.stallTimeoutMs });
    const hot: number[] = [];
    let origin: number | null = null;
    let keyframes = 0;
    for await (const frame of stream.frames) {
      origin ??= frame.time;
      keyframes += 1;
      const motion = detector.process({ ...frame, time: frame.time - origin });
      // A light switch is looked at closely too: the full pass tells lighting from motion better.
      if (motion.motionPct > 0 || motion.lightswitch) hot.push(frame.time);
      if (info.duration) onProgress(frame.time / info.duration);
    }
    warnings.push(...stream.warnings);
    if (origin === null) return everyFrame('no keyframe could be decoded on its own');
    return { ranges: planFullDecode(gops, hot, info.duration), origin, keyframes };
  }

  /** ffprobe facts, within the stall timeout: a URL that never answers must not hang the segmentation. */
  private async probe(input: string, signal: AbortSignal): Promise<VideoInfo> {
    const deadline = AbortSignal.timeout(this.stallTimeoutMs);
    try {
      return await this.media.probe(input, AbortSignal.any([signal, deadline]));
    } catch (error) {
      if (deadline.aborted && !signal.aborted) {
        throw new CamtroveError('CAMTROVE_ERR_MEDIA_TIMEOUT', `${redactUrl(input)} gave nothing to read within ${formatDurationMs(this.stallTimeoutMs)}; the input seems to hang`);
      }
      throw error;
    }
  }

  /**
   * Colours, thumbnail and clip of one event. Each is a bonus: one that fails (a damaged stretch
   * of the file) becomes a warning, and the event stays.
   */
  private async describe(input: string, motion: MotionEvent, index: number, options: SegmentOptions, signal: AbortSignal, warnings: string[]): Promise<SegmentedEvent> {
    const name = `event-${String(index + 1).padStart(4, '0')}`;
    const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | null> => {
      try {
        return await work();
      } catch (error) {
        if (signal.aborted) throw error;
        warnings.push(`${name} (${motion.start.toFixed(1)}-${motion.end.toFixed(1)} s): no ${what}: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }
    };
    const colors = (await attempt('colours', () => this.eventMedia.colors(input, motion, signal))) ?? [];
    let thumbnailPath: string | null = null;
    let clipPath: string | null = null;
    if (options.outputDir && options.thumbnails) {
      const path = join(options.outputDir, `${name}.jpg`);
      thumbnailPath = await attempt('thumbnail', () => this.eventMedia.thumbnail(input, motion, path, signal).then(() => path));
    }
    if (options.outputDir && options.clips) {
      const path = join(options.outputDir, `${name}.mp4`);
      clipPath = await attempt('clip', () => this.eventMedia.clip(input, motion, path, signal).then(() => path));
    }
    return { motion, colors, thumbnailPath, clipPath };
  }
}
