import { eventClipArgs, eventThumbnailArgs, keyframePacketArgs, parseKeyframePacketLine, planClip, rgbFrameArgs } from '../../domain/event-media-commands.js';
import { CamtroveError } from '../../domain/errors.js';
import { dominantColors, type RgbFrame } from '../../domain/motion/dominant-colors.js';
import type { DominantColor, MotionEvent } from '../../domain/motion/motion-types.js';
import type { EventMediaPort } from '../../services/segmenter.js';
import type { SystemMediaTools } from './ffmpeg.js';
import { runProcess, startProcess } from './process-runner.js';

/** Colour frames are fetched this wide: plenty for colours, cheap to decode and move. */
const COLOR_WIDTH = 160;
/** Largest thumbnail width. */
const THUMBNAIL_WIDTH = 640;

/**
 * What each event gets from the full-colour video, through ffmpeg and ffprobe: its colours (from
 * the strongest frame against a calm one), a thumbnail with its box, and a clip. Keyframe times are
 * listed once per input and reused for every clip of that input.
 */
export class FfmpegEventMedia implements EventMediaPort {
  private keyframes: { input: string; times: Promise<number[]> } | null = null;
  private colorSize: { input: string; size: Promise<{ width: number; height: number }> } | null = null;

  constructor(private readonly tools: SystemMediaTools) {}

  async colors(input: string, event: MotionEvent, signal: AbortSignal): Promise<DominantColor[]> {
    const size = await this.colorFrameSize(input, signal);
    const frame = await this.grabRgb(input, event.peakTime, size, signal);
    // The scene without the object: a moment before its motion started, else after it ended.
    const calmAt = event.motionStart >= 1 ? event.motionStart - 1 : event.motionEnd + 1;
    const reference = await this.grabRgb(input, calmAt, size, signal).catch(() => null);
    return dominantColors(frame, event.peakBox, reference);
  }

  async thumbnail(input: string, event: MotionEvent, output: string, signal: AbortSignal): Promise<void> {
    await this.tools.ffmpeg(eventThumbnailArgs(input, output, { time: event.peakTime, box: event.peakBox, width: THUMBNAIL_WIDTH }), { signal });
  }

  async clip(input: string, event: MotionEvent, output: string, signal: AbortSignal): Promise<void> {
    const plan = planClip(await this.keyframeTimes(input, signal), event.start, event.end);
    await this.tools.ffmpeg(eventClipArgs(input, output, plan), { signal, duration: plan.to - plan.from });
  }

  private colorFrameSize(input: string, signal: AbortSignal): Promise<{ width: number; height: number }> {
    if (this.colorSize?.input !== input) this.colorSize = { input, size: this.probeColorFrameSize(input, signal) };
    return this.colorSize.size;
  }

  private async probeColorFrameSize(input: string, signal: AbortSignal): Promise<{ width: number; height: number }> {
    const video = (await this.tools.probe(input, signal)).video;
    if (!video) throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'the file has no video stream');
    const width = Math.min(COLOR_WIDTH, video.displayWidth);
    return { width, height: Math.max(1, Math.round((width * video.displayHeight) / video.displayWidth)) };
  }

  private async grabRgb(input: string, time: number, size: { width: number; height: number }, signal: AbortSignal): Promise<RgbFrame> {
    const expected = size.width * size.height * 3;
    const child = startProcess(this.tools.ensureAvailable().ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...rgbFrameArgs(input, { time, ...size })], { signal });
    const chunks: Buffer[] = [];
    for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
    await child.result;
    const bytes = Buffer.concat(chunks);
    if (bytes.length < expected) throw new CamtroveError('CAMTROVE_ERR_MEDIA_PROCESSING', `no frame could be decoded at ${time.toFixed(2)} s`);
    return { ...size, pixels: new Uint8Array(bytes.buffer, bytes.byteOffset, expected) };
  }

  private keyframeTimes(input: string, signal: AbortSignal): Promise<number[]> {
    if (this.keyframes?.input !== input) {
      const times: number[] = [];
      const listing = runProcess(this.tools.ensureAvailable().ffprobe, keyframePacketArgs(input), {
        signal,
        onStdoutLine: (line) => {
          const time = parseKeyframePacketLine(line);
          if (time !== null) times.push(time);
        },
      }).then(() => times.sort((a, b) => a - b), () => []);
      this.keyframes = { input, times: listing };
    }
    return this.keyframes.times;
  }
}
