import { rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { AssetFrameRecord, AssetMeasurements, AssetRecord, LabelAssetRepository } from '../../adapters/db/label-asset.repository.js';
import type { AssetMedia, VideoIndex } from '../../adapters/media/asset-media.js';
import type { JobQueue, QueueWorker, RunningJob } from '../../adapters/queue/job-queue.js';
import { CamtroveError, isCamtroveError } from '../../domain/errors.js';
import { effectiveSampling, sampleFrames } from '../../domain/labeling/frame-sampling.js';
import { taggedName } from '../../domain/process-owner.js';
import type { NewLabel } from '../../adapters/db/label.repository.js';
import { newAnalysisId } from '../../domain/ids.js';
import { MOTION_MODEL, motionPrediction, type MovingObject } from '../../domain/labeling/motion-predictions.js';
import type { EventView } from '../event.service.js';
import type { FileService } from '../file.service.js';
import type { RunnerSettings } from '../analysis-runner.js';
import { mapConcurrent } from './map-concurrent.js';
import { PREPARE_ASSET_JOB } from './asset.service.js';
import type { AssetFrames } from './asset-frames.js';

/** Images of a frame list read at once. */
const IMAGES_AT_ONCE = 8;
/** How close a frame's time must be to an event's bounds to count as inside (timestamps are rounded). */
const EPSILON = 1e-6;

export interface AssetPreparerDeps {
  assets: LabelAssetRepository;
  files: Pick<FileService, 'localCopy' | 'addFromPath' | 'dropUnused'>;
  media: AssetMedia;
  frames: Pick<AssetFrames, 'forget'>;
  /** The events assets are made from (their moving objects become predictions). */
  events: { get(id: string): Promise<EventView> };
  clock: Clock;
  logger: Logger;
}

/**
 * Prepares assets on the job queue: measures the video (or each image of a frame list) and writes
 * the frame table, frame k being the k-th decoded frame in presentation order, or the k-th at the
 * sampling rate, with its PTS. With `shouldUseNativeVideo: false` the frames are also cut into
 * images stored in the library. Safe to run twice: only a PENDING asset is written, once.
 */
export class AssetPreparer {
  constructor(private readonly deps: AssetPreparerDeps) {}

  start(queue: JobQueue, settings: Omit<RunnerSettings, 'concurrency'> & { concurrency: number }): QueueWorker {
    return queue.startWorker({
      concurrency: { [PREPARE_ASSET_JOB]: settings.concurrency },
      handle: (job) => this.run(job, settings.workRoot, settings.ownerTag),
      onFailed: async (job, error) => {
        const { assetId } = job.payload as { assetId: string };
        this.deps.logger.warn({ assetId, code: error.code }, `asset could not be prepared: ${error.message}`);
        await this.deps.assets.markFailed(assetId, { code: error.code, message: error.message }, this.deps.clock.now());
      },
      leaseMs: settings.leaseMs,
      heartbeatMs: settings.heartbeatMs,
      pollMs: settings.pollMs,
      timeoutMs: settings.timeoutMs,
      backoff: settings.backoff,
      onError: (error) => this.deps.logger.error({ err: error }, 'asset preparation worker error'),
    });
  }

  private async run(job: RunningJob, workRoot: string, ownerTag: string): Promise<void> {
    const { assetId } = job.payload as { assetId: string };
    const workDir = join(workRoot, taggedName(`asset-${assetId}-${job.attempt}`, ownerTag));
    await mkdir(workDir, { recursive: true });
    try {
      await this.prepare(assetId, workDir, job.signal);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** Prepares one asset now (the job's work). */
  async prepare(assetId: string, workDir: string, signal: AbortSignal): Promise<void> {
    const asset = await this.deps.assets.get(assetId);
    if (!asset || asset.processingState !== 'PENDING') return;
    const { measured, frames, storedFileIds, origin } = asset.sourceKind === 'frames' ? await this.imageList(asset, signal) : await this.video(asset, workDir, signal);
    signal.throwIfAborted();
    const predictions = asset.preannotation && asset.eventId && origin !== null ? await this.motionPrediction(asset, frames, origin) : [];
    const { ready, replacedCutFileIds } = await this.deps.assets.markReady(asset.id, measured, frames, this.deps.clock.now(), predictions);
    // Deleted or changed meanwhile: the images cut for it belong to nobody.
    await this.deps.files.dropUnused(ready ? replacedCutFileIds : storedFileIds);
    this.deps.frames.forget(asset.id);
  }

  /**
   * The event's moving objects as a PREDICTION label (camtrove-motion), replacing the one an earlier
   * preparation made; stored with the frame table, so the asset is READY with it. Without it when
   * the event cannot be read: the asset is usable either way, and the warning says why.
   */
  private async motionPrediction(asset: AssetRecord, frames: readonly AssetFrameRecord[], origin: number): Promise<NewLabel[]> {
    try {
      const event = await this.deps.events.get(asset.eventId!);
      const content = motionPrediction(movingObjects(event), frames.map((f) => f.pts ?? 0), origin, asset.preannotation!, `motion-${event.id.slice(0, 8)}`);
      const keyCount = content.tracks.reduce((n, t) => n + t.keys.length, 0);
      return [{
        record: { id: newAnalysisId(), projectId: asset.projectId, assetId: asset.id, labelType: 'PREDICTION', authorId: null, modelName: MOTION_MODEL, secondsToLabel: null, assetLevel: null, trackCount: content.tracks.length, keyCount, createdAtMicros: this.deps.clock.nowMicros() },
        content,
        replaces: { assetId: asset.id, labelType: 'PREDICTION', modelName: MOTION_MODEL },
      }];
    } catch (error) {
      this.deps.logger.warn({ assetId: asset.id, eventId: asset.eventId, err: error }, 'the motion predictions of an asset could not be made');
      return [];
    }
  }

  private async imageList(asset: AssetRecord, signal: AbortSignal): Promise<Prepared> {
    const fileIds = await this.deps.assets.frameFiles(asset.id);
    const fps = positiveNumber(asset.processingParameters?.framesPlayedPerSecond);
    const sizes = await mapConcurrent(fileIds, IMAGES_AT_ONCE, async (fileId, index) => {
      signal.throwIfAborted();
      const copy = await this.deps.files.localCopy(fileId);
      try {
        return await this.deps.media.imageInfo(copy.path);
      } catch (error) {
        const reason = isCamtroveError(error) ? error.message : String(error);
        throw new CamtroveError('CAMTROVE_ERR_ASSET_SOURCE', `asset ${JSON.stringify(asset.externalId)}: frame ${index} (${asset.jsonContent?.[index] ?? fileId}) is not an image camtrove can read: ${reason}`);
      } finally {
        await copy.release();
      }
    });
    const frames = sizes.map((size, index): AssetFrameRecord => ({ index, pts: fps ? index / fps : null, sourceIndex: index, keyPts: null, width: size.width, height: size.height, fileId: fileIds[index]! }));
    const first = sizes[0];
    return {
      origin: null,
      measured: { width: first?.width ?? null, height: first?.height ?? null, rotation: 0, frameCount: frames.length, fps, codec: first?.format ?? null, startTime: frames.length > 0 ? 0 : null, duration: fps ? frames.length / fps : null },
      frames,
      storedFileIds: [],
    };
  }

  private async video(asset: AssetRecord, workDir: string, signal: AbortSignal): Promise<Prepared> {
    if (!asset.fileId) throw new CamtroveError('CAMTROVE_ERR_ASSET_SOURCE', `asset ${JSON.stringify(asset.externalId)} has no video`);
    const copy = await this.deps.files.localCopy(asset.fileId);
    try {
      const index = await this.deps.media.indexVideo(copy.path, { signal });
      const native = nativeFrames(index, asset);
      if (native.length === 0) throw new CamtroveError('CAMTROVE_ERR_ASSET_SOURCE', `asset ${JSON.stringify(asset.externalId)}: the video has no frame${asset.rangeStart !== null ? ' in the event\'s time range' : ''}`);
      const samplingFps = effectiveSampling(asset.processingParameters);
      // A whole video is sampled as ffmpeg's fps filter samples the file (from the input's start); an event's span from its first frame.
      const whole = asset.rangeStart === null;
      const bounds = { ...(whole && index.inputStartTime !== null ? { start: index.inputStartTime } : {}), ...(whole && index.endTime !== null ? { end: index.endTime } : {}) };
      const picks = samplingFps ? sampleFrames(native.map((f) => f.pts), samplingFps, bounds) : native.map((_, i) => i);
      const frames: AssetFrameRecord[] = picks.map((pick, idx) => {
        const source = native[pick]!;
        return { index: idx, pts: source.pts, sourceIndex: source.sourceIndex, keyPts: source.keyPts, width: index.width, height: index.height, fileId: null };
      });
      const storedFileIds = asset.processingParameters?.shouldUseNativeVideo === false ? await this.cut(asset, copy.path, frames, workDir, signal) : [];
      const firstPts = frames[0]!.pts!;
      const lastPts = frames.at(-1)!.pts!;
      const measured: AssetMeasurements = {
        width: index.width,
        height: index.height,
        rotation: index.rotation,
        frameCount: frames.length,
        fps: samplingFps ?? index.fps,
        codec: index.codec,
        startTime: firstPts,
        duration: asset.rangeStart !== null ? lastPts - firstPts : index.duration,
      };
      // Event times count from the media's start as ffmpeg decoded it for segmentation.
      return { measured, frames, storedFileIds, origin: index.inputStartTime ?? index.startTime };
    } finally {
      await copy.release();
    }
  }

  /** Cuts the frames into JPEG images stored in the library; each frame row then points at its image. */
  private async cut(asset: AssetRecord, path: string, frames: AssetFrameRecord[], workDir: string, signal: AbortSignal): Promise<string[]> {
    const distinct = [...new Set(frames.map((f) => f.pts!))].sort((a, b) => a - b);
    const paths = await this.deps.media.splitFrames(path, distinct, workDir, signal);
    const byPts = new Map<number, string>();
    const stored: string[] = [];
    const digits = Math.max(String(frames.length).length, 1);
    for (let i = 0; i < distinct.length; i += 1) {
      signal.throwIfAborted();
      // Kili's names: the external id and the 1-based frame number.
      const name = `${asset.externalId}_${String(i + 1).padStart(digits, '0')}.jpg`;
      const { file } = await this.deps.files.addFromPath(paths[i]!, { name, contentType: 'image/jpeg' });
      byPts.set(distinct[i]!, file.id);
      stored.push(file.id);
    }
    for (const frame of frames) frame.fileId = byPts.get(frame.pts!) ?? null;
    return stored;
  }
}

interface Prepared {
  measured: AssetMeasurements;
  frames: AssetFrameRecord[];
  /** Files stored while preparing, let go of if the asset changed meanwhile. */
  storedFileIds: string[];
  /** The media time event times count from (null for a frame list). */
  origin: number | null;
}

type Box = { x: number; y: number; w: number; h: number };
const isBox = (v: unknown): v is Box & { t: number } => typeof v === 'object' && v !== null && ['t', 'x', 'y', 'w', 'h'].every((k) => typeof (v as Record<string, unknown>)[k] === 'number');

/**
 * The moving objects of an event as its JSON gives them; an event segmented before objects were
 * tracked has only the box around all motion, which becomes one object.
 */
function movingObjects(event: EventView): MovingObject[] {
  const boxesOf = (list: unknown) => (Array.isArray(list) ? list.filter(isBox).map((b) => ({ time: b.t, box: { x: b.x, y: b.y, w: b.w, h: b.h } })) : []);
  const objects = Array.isArray(event.objects) ? (event.objects as { id?: unknown; boxes?: unknown }[]) : [];
  if (objects.length > 0) return objects.map((o, i) => ({ id: typeof o.id === 'number' ? o.id : i + 1, boxes: boxesOf(o.boxes) }));
  const track = boxesOf(event.box_track);
  return track.length > 0 ? [{ id: 0, boxes: track }] : [];
}

interface NativeFrame {
  pts: number;
  sourceIndex: number;
  keyPts: number;
}

/** Every decoded frame of the asset (within an event's span), with the key frame decoding starts from. */
function nativeFrames(index: VideoIndex, asset: AssetRecord): NativeFrame[] {
  let keyPts = index.frames[0]?.pts ?? 0;
  const all = index.frames.map((frame, sourceIndex) => {
    if (frame.key) keyPts = frame.pts;
    return { pts: frame.pts, sourceIndex, keyPts };
  });
  if (asset.rangeStart === null || asset.rangeEnd === null) return all;
  // An event's start and end count from the start of its media as ffmpeg decoded it for segmentation:
  // from the input's start time, over all its streams.
  const origin = index.inputStartTime ?? index.startTime;
  const from = origin + asset.rangeStart - EPSILON;
  const to = origin + asset.rangeEnd + EPSILON;
  return all.filter((f) => f.pts >= from && f.pts <= to);
}

function positiveNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}
