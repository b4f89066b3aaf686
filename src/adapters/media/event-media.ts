import { stat } from 'node:fs/promises';
import { CamtroveError } from '../../domain/errors.js';
import {
  canCopyVideoIntoMp4,
  DEFAULT_MAX_LEAD_SECONDS,
  EVENT_THUMBNAIL_WIDTH,
  eventClipArgs,
  eventThumbnailArgs,
  planClip,
  type ClipPlan,
  type SeekMode,
} from '../../domain/event-media-commands.js';
import { isLiveInput, isUrl } from '../../domain/media-input.js';
import { calmReferenceTimes } from '../../domain/motion/calm-moment.js';
import { dominantColors } from '../../domain/motion/dominant-colors.js';
import type { DominantColor, MotionEvent, RgbFrame } from '../../domain/motion/motion-types.js';
import type { VideoInfo } from '../../domain/video-info.js';
import type { EventMediaPort } from '../../services/segmenter.js';
import type { SystemMediaTools } from './ffmpeg.js';

export interface EventMediaOptions {
  /** Width colour frames are fetched at (never more than the video's): plenty for colours, cheap to move. */
  colorWidth?: number;
  /** Largest thumbnail width. */
  thumbnailWidth?: number;
  /** How much earlier than the event a copied clip may start (at a keyframe) before it is re-encoded instead. */
  maxLeadSeconds?: number;
}

/** What the adapter needs of the media tools: probing, running ffmpeg, one frame, the keyframe times. */
export type EventMediaTools = Pick<SystemMediaTools, 'probe' | 'ffmpeg' | 'rgbFrame' | 'keyframeTimes'>;

/** What is learnt once per input and reused for each of its events. */
interface InputFacts {
  info: VideoInfo;
  colorSize: { width: number; height: number };
  /** Without a duration the container has no timestamps to seek by (a raw H.264 stream): decode from the start. */
  seek: SeekMode;
}

/** Inputs whose facts are remembered; a worker moves from file to file, so a few are enough. */
const REMEMBERED_INPUTS = 4;

/**
 * What each motion event gets from the full-colour video, through ffmpeg and ffprobe. Per event, in
 * the order the segmenter calls them:
 *
 * - `colors`: two small RGB frames fetched in parallel — the strongest moment and a calm moment
 *   before (or after) the motion — and the dominant colours of the pixels in the peak box that differ;
 * - `thumbnail`: a JPEG of the strongest frame, at most 640 wide, with the peak box drawn;
 * - `clip`: an MP4 of [start, end], stream-copied from a keyframe at most 2 s before the start when
 *   there is one and the codec fits an MP4, re-encoded (H.264) otherwise or when the copy fails.
 *
 * The probe (size, duration, codecs) and the keyframe listing are made once per input and reused for
 * all its events; they are keyed by path, size and modification time, so a file replaced in place is
 * looked at afresh. A failed or cancelled look is forgotten, not reused.
 */
export class FfmpegEventMedia implements EventMediaPort {
  private readonly facts = new Remembered<InputFacts>(REMEMBERED_INPUTS);
  private readonly keyframes = new Remembered<number[]>(REMEMBERED_INPUTS);
  private readonly colorWidth: number;
  private readonly thumbnailWidth: number;
  private readonly maxLeadSeconds: number;

  constructor(private readonly tools: EventMediaTools, options: EventMediaOptions = {}) {
    this.colorWidth = options.colorWidth ?? 480;
    this.thumbnailWidth = options.thumbnailWidth ?? EVENT_THUMBNAIL_WIDTH;
    this.maxLeadSeconds = options.maxLeadSeconds ?? DEFAULT_MAX_LEAD_SECONDS;
  }

  async colors(input: string, event: MotionEvent, signal: AbortSignal): Promise<DominantColor[]> {
    const { info, colorSize, seek } = await this.inputFacts(input, signal);
    const grab = (time: number) => this.tools.rgbFrame(input, { time, ...colorSize, seek, signal });
    const [frame, reference] = await Promise.all([grab(event.peakTime), this.calmFrame(event, info.duration, grab, signal)]);
    return dominantColors(frame, event.peakBox, reference);
  }

  async thumbnail(input: string, event: MotionEvent, output: string, signal: AbortSignal): Promise<void> {
    const { seek } = await this.inputFacts(input, signal);
    await this.tools.ffmpeg(eventThumbnailArgs(input, output, { time: event.peakTime, box: event.peakBox, width: this.thumbnailWidth, seek }), { signal });
    // A time past the last frame makes ffmpeg write nothing and still succeed.
    await expectFile(output, `no frame at ${event.peakTime.toFixed(2)} s for the thumbnail`);
  }

  async clip(input: string, event: MotionEvent, output: string, signal: AbortSignal): Promise<void> {
    const { info, seek } = await this.inputFacts(input, signal);
    const plan = await this.clipPlan(input, event, signal);
    const codecs = { seek, videoCodec: info.video?.codec ?? null, audioCodec: info.audio?.codec ?? null };
    try {
      await this.tools.ffmpeg(eventClipArgs(input, output, plan, codecs), { signal, duration: plan.to - plan.from });
      await expectFile(output, 'the clip came out empty');
    } catch (error) {
      if (plan.mode !== 'copy' || signal.aborted) throw error;
      // A stream that will not copy (odd timestamps, a codec the muxer refuses) still encodes.
      await this.tools.ffmpeg(eventClipArgs(input, output, { mode: 'encode', from: event.start, to: event.end }, codecs), { signal, duration: event.end - event.start });
      await expectFile(output, 'the clip came out empty');
    }
  }

  /** How `clip` cuts this event: a copy from a keyframe, or a re-encode. Lists the input's keyframes once. */
  async clipPlan(input: string, event: Pick<MotionEvent, 'start' | 'end'>, signal: AbortSignal): Promise<ClipPlan> {
    const { info, seek } = await this.inputFacts(input, signal);
    let keyframes: number[] = [];
    if (seek === 'keyframe' && canCopyVideoIntoMp4(info.video?.codec)) {
      const key = await inputKey(input);
      try {
        keyframes = await this.keyframes.get(key, signal, (s) => this.tools.keyframeTimes(input, s));
      } catch (error) {
        if (signal.aborted) throw error;
        // Without keyframe times the clip is re-encoded, which needs none.
      }
    }
    return planClip(keyframes, event.start, event.end, { maxLeadSeconds: this.maxLeadSeconds });
  }

  private async inputFacts(input: string, signal: AbortSignal): Promise<InputFacts> {
    return this.facts.get(await inputKey(input), signal, async (s) => {
      const info = await this.tools.probe(input, s);
      const video = info.video;
      if (!video || video.displayWidth <= 0 || video.displayHeight <= 0) throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'the file has no video stream');
      // Seeking back into a live stream is not possible: what ffmpeg would return is new footage.
      if (isLiveInput(input, info.duration)) {
        throw new CamtroveError('CAMTROVE_ERR_MEDIA_PROCESSING', 'a live stream cannot be rewound for colours, thumbnails or clips');
      }
      const width = Math.min(this.colorWidth, video.displayWidth);
      const height = Math.max(1, Math.round((width * video.displayHeight) / video.displayWidth));
      return { info, colorSize: { width, height }, seek: info.duration === null ? 'decode' : 'keyframe' };
    });
  }

  /** The first calm frame that can be fetched, or null: colours then come from the box alone. */
  private async calmFrame(event: MotionEvent, duration: number | null, grab: (time: number) => Promise<RgbFrame>, signal: AbortSignal): Promise<RgbFrame | null> {
    for (const time of calmReferenceTimes(event, duration)) {
      try {
        return await grab(time);
      } catch (error) {
        if (signal.aborted) throw error;
      }
    }
    return null;
  }
}

/** A path's identity for the caches: a file replaced in place (new size or time) is a new input. URLs are their text. */
async function inputKey(input: string): Promise<string> {
  if (isUrl(input)) return input;
  try {
    const facts = await stat(input);
    return `${input}\n${facts.size}\n${facts.mtimeMs}`;
  } catch {
    return input;
  }
}

async function expectFile(path: string, message: string): Promise<void> {
  const size = await stat(path).then((s) => s.size, () => 0);
  if (size === 0) throw new CamtroveError('CAMTROVE_ERR_MEDIA_PROCESSING', message);
}

/**
 * Results of slow looks (probe, keyframe listing) shared by the events of an input, the oldest
 * forgotten first. A look that fails is dropped so the next call tries again; a caller whose look
 * was started, then cancelled, by another caller does its own.
 */
class Remembered<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity: number) {}

  async get(key: string, signal: AbortSignal, look: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const shared = this.entries.get(key);
    if (shared) {
      try {
        return await shared;
      } catch (error) {
        if (signal.aborted) throw error;
        // Someone else's look failed (or was cancelled with their job): look again, for this caller.
      }
    }
    const mine = look(signal);
    this.entries.delete(key);
    this.entries.set(key, mine);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    try {
      return await mine;
    } catch (error) {
      if (this.entries.get(key) === mine) this.entries.delete(key);
      throw error;
    }
  }
}
