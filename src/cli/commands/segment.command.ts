import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { CamtroveError } from '../../domain/errors.js';
import { isUrl } from '../../domain/media-input.js';
import { redactUrl } from '../../domain/redact.js';
import { eventJson } from '../../domain/motion/event-json.js';
import { openSegmentInput, type SegmentInput } from '../../main.js';
import { validateParams } from '../../services/analysis-params.js';
import { checkSegmentParams, SegmentParams, segmentOptionsFrom, type SegmentParamValues } from '../../services/segment-params.js';
import type { Segmentation } from '../../services/segmenter.js';
import { prepareOutputFolder } from '../output-path.js';
import { addCommonOptions, configFrom, withLibrary, type CommonOptions } from '../context.js';
import { emit, table } from '../output.js';
import { progressBar } from '../progress.js';

interface SegmentFlags extends CommonOptions {
  fps?: string;
  width?: string;
  threshold?: string;
  minArea?: string;
  lightswitch?: string;
  eventGap?: string;
  preCapture?: string;
  postCapture?: string;
  minMotionFrames?: string;
  maxEventLength?: string;
  mask: string[];
  zone: string[];
  thumbnails: boolean;
  clips: boolean;
  fast?: boolean;
  out?: string;
  save?: boolean;
}

const defaults = validateParams('segment', SegmentParams, {}) as SegmentParamValues;

export function segmentCommand(): Command {
  return addCommonOptions(
    new Command('segment')
      .description('cut a video (a path, or an http(s) or rtsp(s) URL read under the camera network policy) into motion events; stores nothing unless --save or --out')
      .argument('<video>', 'video file, or URL (rtsp://, http://…)')
      .option('--fps <n>', `analysis rate, frames per second (default ${defaults.fps})`)
      .option('--width <px>', `width frames are analysed at (default ${defaults.width})`)
      .option('--threshold <1-255>', `per-pixel change that counts as motion (default ${defaults.threshold})`)
      .option('--min-area <pct>', `smallest moving blob, % of the frame (default ${defaults.min_area})`)
      .option('--lightswitch <pct>', `a change over more than this % of the frame at once is lighting (default ${defaults.lightswitch})`)
      .option('--event-gap <s>', `seconds without motion that end an event (default ${defaults.event_gap})`)
      .option('--pre-capture <s>', `seconds added before each event (default ${defaults.pre_capture})`)
      .option('--post-capture <s>', `seconds added after each event (default ${defaults.post_capture})`)
      .option('--min-motion-frames <n>', `frames with motion an event needs (default ${defaults.min_motion_frames})`)
      .option('--max-event-length <s>', `longer events are split (default ${defaults.max_event_length})`)
      .option('--mask <polygon>', 'area to ignore, "x,y x,y x,y …" in 0-1 or video pixels (repeatable)', collect, [])
      .option('--zone <name:polygon>', 'named area events report touching (repeatable)', collect, [])
      .option('--no-thumbnails', 'no JPEG of each event')
      .option('--no-clips', 'no MP4 clip of each event')
      .option('--fast', 'keyframes first: decode fully only around motion (faster on calm video; see docs/motion.md)')
      .option('--out <dir>', 'write thumbnails and clips (and events.json) into this folder')
      .option('--save', 'add the video and its events (with thumbnails and clips) to the library'),
  ).action(async (video: string, flags: SegmentFlags) => {
    const params = validateParams('segment', SegmentParams, flagsToParams(flags), (p) => checkSegmentParams(p as SegmentParamValues)) as SegmentParamValues;
    const url = isUrl(video);
    if (!url) await checkLocalFile(video);
    if (flags.save && url) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', '--save needs a local file; record the stream to a file first');
    const config = configFrom(flags);
    const wantsFiles = (params.thumbnails || params.clips) && (flags.out !== undefined || flags.save === true);
    // With --save but no --out, thumbnails and clips pass through a temporary folder on their way to the library.
    const scratch = wantsFiles && !flags.out ? await mkdtemp(join(tmpdir(), 'camtrove-segment-')) : null;
    const outputDir = flags.out ? resolve(flags.out) : scratch;
    if (flags.out) await prepareOutputFolder(outputDir!, '--out');
    const bar = progressBar(basename(redactUrl(video)), 100, 'percent');
    const started = performance.now();
    // Ctrl-C stops ffmpeg and leaves nothing half-saved: the library is written only at the end.
    const interrupted = new AbortController();
    const interrupt = () => interrupted.abort(new CamtroveError('CAMTROVE_ERR_ANALYSIS_CANCELLED', 'interrupted'));
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    let source: SegmentInput | null = null;
    try {
      source = await openSegmentInput(config, video);
      const opened = source;
      const options = segmentOptionsFrom(params, wantsFiles ? outputDir : null);
      const segmentation = await source.segmenter
        .segment(source.input, options, { signal: interrupted.signal, onProgress: (f) => bar.update(Math.round(f * 100)) })
        .catch((error: unknown) => {
          throw opened.explain(error);
        });
      // ffmpeg can go on past a refused request (an HLS segment skipped): say so.
      const refused = source.refused();
      if (refused) segmentation.warnings.push(`the network policy refused a request: ${refused.message}`);
      bar.stop();
      for (const warning of segmentation.warnings) process.stderr.write(`warning: ${warning}\n`);
      const seconds = (performance.now() - started) / 1000;
      if (flags.save) {
        await withLibrary(flags, async (library) => {
          const { file } = await library.files.addFromPath(video, { name: basename(video) });
          const saved = await library.segmentations.save({ fileId: file.id, analysisId: null, segmentation });
          const events = saved.events.map((e, i) => {
            const written = segmentation.events[i];
            const paths = flags.out ? { thumbnailPath: written?.thumbnailPath ?? null, clipPath: written?.clipPath ?? null } : {};
            return eventJson(e.motion, e.colors, { thumbnailFileId: e.thumbnailFileId, clipFileId: e.clipFileId, ...paths }, saved.media.capturedAt, e.id);
          });
          await print(flags, video, segmentation, events, seconds, file.id);
        });
      } else {
        const events = segmentation.events.map((e) => eventJson(e.motion, e.colors, flags.out ? { thumbnailPath: e.thumbnailPath, clipPath: e.clipPath } : {}, creationTime(segmentation)));
        await print(flags, video, segmentation, events, seconds, null);
      }
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
      bar.stop();
      await source?.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
  });
}

function flagsToParams(flags: SegmentFlags): Record<string, unknown> {
  const given: Record<string, unknown> = {
    fps: flags.fps,
    width: flags.width,
    threshold: flags.threshold,
    min_area: flags.minArea,
    lightswitch: flags.lightswitch,
    event_gap: flags.eventGap,
    pre_capture: flags.preCapture,
    post_capture: flags.postCapture,
    min_motion_frames: flags.minMotionFrames,
    max_event_length: flags.maxEventLength,
    mask: flags.mask,
    zone: flags.zone,
    thumbnails: flags.thumbnails,
    clips: flags.clips,
    fast: flags.fast,
  };
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
}

function creationTime(segmentation: Segmentation): number | null {
  const at = segmentation.info.creationTime ? Date.parse(segmentation.info.creationTime) : NaN;
  return Number.isFinite(at) ? at : null;
}

/** Prints the result, and with --out also writes it to events.json beside the thumbnails and clips. */
async function print(flags: SegmentFlags, video: string, segmentation: Segmentation, events: Record<string, unknown>[], seconds: number, fileId: string | null): Promise<void> {
  const { info, analysed } = segmentation;
  const media = {
    input: redactUrl(video),
    ...(fileId ? { file_id: fileId } : {}),
    format: info.format,
    duration: info.duration,
    width: info.video?.displayWidth ?? null,
    height: info.video?.displayHeight ?? null,
    fps: info.video?.fps ?? null,
    codec: info.video?.codec ?? null,
    rotation: info.video?.rotation ?? 0,
    creation_time: info.creationTime,
    analysed,
  };
  const result = { media, events, warnings: segmentation.warnings };
  if (flags.out) await writeFile(join(flags.out, 'events.json'), `${JSON.stringify(result, null, 2)}\n`);
  emit(flags.json, result, () => {
    const rows = events.map((e, i) => [
      String(i + 1),
      secs(e.start),
      secs(e.end),
      `${(e.peak_motion as number).toFixed(2)} %`,
      (e.direction as string | null) ?? '-',
      (e.colors as { name: string }[]).map((c) => c.name).join(' ') || '-',
      (e.zones as string[]).join(' ') || '-',
      (e.score as number).toFixed(2),
    ]);
    const speed = info.duration ? `, ${(info.duration / seconds).toFixed(1)}× real time` : '';
    const skipped = analysed.mode === 'keyframe-first' ? `, ${analysed.skipped.toFixed(1)} s skipped as calm between keyframes` : '';
    const summary = `${events.length} event${events.length === 1 ? '' : 's'} in ${info.duration?.toFixed(1) ?? '?'} s of video (${analysed.frames} frames analysed at ${analysed.fps} fps, ${analysed.width}x${analysed.height}${skipped}; took ${seconds.toFixed(1)} s${speed})`;
    return events.length === 0 ? summary : `${table(['#', 'START', 'END', 'PEAK', 'DIR', 'COLOURS', 'ZONES', 'SCORE'], rows)}\n${summary}`;
  });

  function secs(value: unknown): string {
    return `${(value as number).toFixed(1)} s`;
  }
}

async function checkLocalFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `${path}: no such file`);
  if (!info.isFile()) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `${path} is not a regular file`);
  if (info.size === 0) throw new CamtroveError('CAMTROVE_ERR_EMPTY_FILE', `${path} is empty (0 bytes)`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
