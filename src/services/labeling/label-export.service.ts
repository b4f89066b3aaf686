import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Clock } from '../../adapters/clock.js';
import type { AssetRecord, LabelAssetRepository } from '../../adapters/db/label-asset.repository.js';
import type { ExportRecord, LabelExportRepository } from '../../adapters/db/label-export.repository.js';
import type { LabelRepository, StoredTrack } from '../../adapters/db/label.repository.js';
import { writeEntriesToZip } from '../../adapters/labeling/export-sink.js';
import type { JobQueue, QueueWorker, RunningJob } from '../../adapters/queue/job-queue.js';
import { CamtroveError } from '../../domain/errors.js';
import { newAnalysisId, notFoundError, resolveId } from '../../domain/ids.js';
import { taggedName } from '../../domain/process-owner.js';
import type { ExportAsset, ExportEntry, ExportFrame, Exporter } from '../../domain/labeling/export-source.js';
import { frameFileName, safeEntryName } from '../../domain/labeling/exports/entry-names.js';
import { jsonResponseFrames } from '../../domain/labeling/json-response-write.js';
import type { AssetMedia } from '../../adapters/media/asset-media.js';
import { exportClasses } from '../../domain/labeling/exports/classes.js';
import { cocoExport } from '../../domain/labeling/exports/coco.js';
import { cvatVideoExport } from '../../domain/labeling/exports/cvat-video.js';
import { kiliExport } from '../../domain/labeling/exports/kili.js';
import { motExport } from '../../domain/labeling/exports/mot.js';
import { yoloV8Export } from '../../domain/labeling/exports/yolo-v8.js';
import type { JsonInterface } from '../../domain/labeling/json-interface.js';
import { LABEL_TYPES, type LabelType } from '../../domain/labeling/label-model.js';
import type { RunnerSettings } from '../analysis-runner.js';
import type { FileService } from '../file.service.js';
import { page, type ProjectService } from './project.service.js';

/** The queue's job that writes a label export. */
export const EXPORT_LABELS_JOB = 'export-labels';

export const EXPORT_FORMATS = ['kili', 'cvat_video', 'mot', 'yolo_v8', 'coco'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  fmt?: unknown;
  externalIds?: readonly string[] | undefined;
  /** Whose labels: the latest label of these types on each asset (default DEFAULT and REVIEW; a REVIEW wins). */
  labelTypeIn?: readonly string[] | undefined;
  /** yolo_v8, coco: the frames' images too, `images/<name>.jpg`, named like the label files. */
  withAssets?: boolean | undefined;
  /** Kili: one JSON per asset (false, default) or one data.json. */
  singleFile?: boolean | undefined;
  /** Kili's name for the same choice: split (one file per asset) or merged (one data.json). */
  layout?: string | undefined;
  /** Default true: every frame a track shows; false: key frames only. */
  interpolate?: boolean | undefined;
  /** Skip frames without annotations (YOLO, COCO). */
  annotatedOnly?: boolean | undefined;
}

/** Assets read per page while exporting. */
const ASSET_PAGE = 200;
/** Frames cut from a video at once when an export carries images. */
const IMAGE_BATCH = 300;
/** Frame rows read per page. */
const FRAME_PAGE = 2000;
/** How often the progress of a running export is written. */
const PROGRESS_MS = 1000;

export interface LabelExportDeps {
  projects: ProjectService;
  assets: LabelAssetRepository;
  labels: LabelRepository;
  exports: LabelExportRepository;
  files: Pick<FileService, 'addFromPath' | 'resolve' | 'open' | 'localCopy'>;
  media: Pick<AssetMedia, 'splitFrames'>;
  queue: Pick<JobQueue, 'enqueue' | 'startWorker'>;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
}

/**
 * Label exports (Kili JSON, CVAT for video, MOTChallenge, YOLO v8, COCO) as jobs: the exporter walks
 * each asset's frames and the tracks of its label, and the entries stream into a zip on disk, which
 * becomes a library file to download. Memory stays flat however long the videos.
 */
export class LabelExportService {
  constructor(private readonly deps: LabelExportDeps) {}

  /** Checks the request and queues the export; it runs on the workers. */
  async start(projectIdOrPrefix: string, request: ExportRequest): Promise<ExportRecord> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    const fmt = request.fmt;
    if (typeof fmt !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(fmt)) {
      throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `fmt: ${JSON.stringify(fmt)} is not an export format; choose from ${EXPORT_FORMATS.join(', ')}`);
    }
    const labelTypeIn = request.labelTypeIn ?? ['DEFAULT', 'REVIEW'];
    for (const type of labelTypeIn) {
      if (!(LABEL_TYPES as readonly string[]).includes(type)) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `labelTypeIn: "${type}" is not one of ${LABEL_TYPES.join(', ')}`);
    }
    if (request.externalIds) {
      const found = await this.deps.assets.find(project.id, { externalIds: request.externalIds });
      const known = new Set(found.map((a) => a.externalId));
      const missing = request.externalIds.filter((e) => !known.has(e));
      if (missing.length > 0) throw new CamtroveError('CAMTROVE_ERR_ASSET_NOT_FOUND', `project ${project.id} has no asset with external id ${missing.slice(0, 20).map((m) => JSON.stringify(m)).join(', ')}`);
    }
    if (request.withAssets && fmt !== 'yolo_v8' && fmt !== 'coco') {
      throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `withAssets: ${fmt} exports carry no frame images (yolo_v8 and coco do); read frames from GET /api/assets/{id}/frames/{k}`);
    }
    const options = {
      labelTypeIn,
      withAssets: request.withAssets ?? false,
      interpolate: request.interpolate ?? true,
      annotatedOnly: request.annotatedOnly ?? false,
      singleFile: request.singleFile ?? request.layout === 'merged',
      ...(request.externalIds ? { externalIds: [...request.externalIds] } : {}),
    };
    const record: ExportRecord = {
      id: newAnalysisId(),
      projectId: project.id,
      fmt,
      options,
      status: 'QUEUED',
      assetsDone: 0,
      assetsTotal: request.externalIds ? request.externalIds.length : await this.deps.assets.count(project.id, {}),
      fileId: null,
      sizeBytes: null,
      errorCode: null,
      errorMessage: null,
      createdAt: this.deps.clock.now(),
      finishedAt: null,
    };
    await this.deps.exports.insert(record);
    await this.deps.queue.enqueue({ id: record.id, name: EXPORT_LABELS_JOB, payload: { exportId: record.id }, maxAttempts: this.deps.maxAttempts });
    return record;
  }

  async get(idOrPrefix: string): Promise<ExportRecord> {
    const id = await resolveId('export', idOrPrefix, { withPrefix: (prefix, limit) => this.deps.exports.idsWithPrefix(prefix, limit) });
    const found = await this.deps.exports.get(id);
    if (!found) throw notFoundError('export', id);
    return found;
  }

  async list(projectIdOrPrefix: string, query: { first?: number; skip?: number }): Promise<ExportRecord[]> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    return this.deps.exports.list(project.id, page(query));
  }

  /** The finished export's zip. */
  async file(idOrPrefix: string): Promise<{ record: ExportRecord; name: string; size: number; body: Readable }> {
    const record = await this.get(idOrPrefix);
    if (record.status !== 'DONE') {
      throw new CamtroveError('CAMTROVE_ERR_EXPORT_NOT_READY', record.status === 'FAILED' ? `export ${record.id} failed: ${record.errorMessage ?? 'unknown error'}` : `export ${record.id} is ${record.status.toLowerCase()} (${record.assetsDone} of ${record.assetsTotal} assets done); download it once it is DONE`);
    }
    if (record.fileId === null) throw new CamtroveError('CAMTROVE_ERR_EXPORT_NOT_READY', `export ${record.id}: its zip was deleted from the library; export again`);
    const file = await this.deps.files.resolve(record.fileId);
    return { record, name: file.name, size: file.size, body: await this.deps.files.open(file) };
  }

  startWorker(queue: JobQueue, settings: Omit<RunnerSettings, 'concurrency'>): QueueWorker {
    return queue.startWorker({
      concurrency: { [EXPORT_LABELS_JOB]: 1 },
      handle: (job) => this.run(job, settings.workRoot, settings.ownerTag),
      onFailed: async (job, error) => {
        const { exportId } = job.payload as { exportId: string };
        this.deps.logger.warn({ exportId, code: error.code }, `label export failed: ${error.message}`);
        await this.deps.exports.fail(exportId, { code: error.code, message: error.message }, this.deps.clock.now());
      },
      leaseMs: settings.leaseMs,
      heartbeatMs: settings.heartbeatMs,
      pollMs: settings.pollMs,
      timeoutMs: settings.timeoutMs,
      backoff: settings.backoff,
      onError: (error) => this.deps.logger.error({ err: error }, 'label export worker error'),
    });
  }

  private async run(job: RunningJob, workRoot: string, ownerTag: string): Promise<void> {
    const { exportId } = job.payload as { exportId: string };
    const record = await this.deps.exports.get(exportId);
    if (!record || record.status === 'DONE') return;
    const project = await this.deps.projects.find(record.projectId);
    const workDir = join(workRoot, taggedName(`export-${exportId}-${job.attempt}`, ownerTag));
    await mkdir(workDir, { recursive: true });
    try {
      const options = record.options as { labelTypeIn: LabelType[]; interpolate: boolean; annotatedOnly: boolean; singleFile: boolean; withAssets?: boolean; externalIds?: string[] };
      const exporter = exporterOf(record.fmt as ExportFormat, options.singleFile);
      let done = 0;
      let lastWrite = 0;
      const assets = this.exportAssets(record.projectId, options, async () => {
        done += 1;
        job.signal.throwIfAborted();
        if (this.deps.clock.now() - lastWrite >= PROGRESS_MS) {
          lastWrite = this.deps.clock.now();
          await this.deps.exports.progress(exportId, done, record.assetsTotal);
        }
      });
      const zip = join(workDir, 'export.zip');
      const labelled = exporter(assets, { interpolate: options.interpolate, annotatedOnly: options.annotatedOnly, classes: exportClasses(project.jsonInterface as JsonInterface) });
      const entries = options.withAssets ? this.withImages(labelled, record.projectId, options, workDir, job.signal) : labelled;
      const summary = await writeEntriesToZip(entries, createWriteStream(zip));
      const stamp = new Date(record.createdAt).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
      const { file } = await this.deps.files.addFromPath(zip, { name: `${safeName(project.title)}-${record.fmt}-${stamp}.zip`, contentType: 'application/zip' });
      await this.deps.exports.finish(exportId, { fileId: file.id, sizeBytes: summary.bytes, assets: done }, this.deps.clock.now());
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * The exporter's entries, then each asset's frame images (`images/<name>.jpg`, the name of its label
   * file or COCO image): the frames it wrote, so all of them unless only annotated frames were asked
   * for. Video frames are cut a batch at a time into the work folder, so the disk holds one batch.
   */
  private async *withImages(entries: AsyncIterable<ExportEntry>, projectId: string, options: { labelTypeIn: LabelType[]; annotatedOnly: boolean; externalIds?: string[] }, workDir: string, signal: AbortSignal): AsyncGenerator<ExportEntry> {
    yield* entries;
    for await (const asset of this.exportAssets(projectId, options, async () => undefined)) {
      const record = (await this.deps.assets.get(asset.id))!;
      const shown = options.annotatedOnly ? await annotatedFrames(asset) : null;
      const name = (frame: number) => `images/${frameFileName(safeEntryName(asset.externalId), frame, asset.frameCount)}.jpg`;
      let batch: ExportFrame[] = [];
      const flush = () => this.frameImages(record, batch, name, join(workDir, 'frames'), signal);
      for await (const frame of asset.frames()) {
        if (shown && !shown[frame.index]) continue;
        batch.push(frame);
        if (batch.length === IMAGE_BATCH) {
          yield* flush();
          batch = [];
        }
      }
      yield* flush();
    }
  }

  /** Images of some frames of one asset: a frame list's own files, or frames cut from the video. */
  private async *frameImages(asset: AssetRecord, frames: readonly ExportFrame[], name: (frame: number) => string, dir: string, signal: AbortSignal): AsyncGenerator<ExportEntry> {
    if (frames.length === 0) return;
    const rows = await this.deps.assets.frames(asset.id, { first: frames.at(-1)!.index - frames[0]!.index + 1, skip: frames[0]!.index });
    const byIndex = new Map(rows.map((r) => [r.index, r]));
    if (asset.fileId === null || asset.sourceKind === 'frames') {
      for (const frame of frames) {
        const fileId = byIndex.get(frame.index)?.fileId;
        if (!fileId) continue;
        const file = await this.deps.files.resolve(fileId);
        yield { path: name(frame.index), content: await this.deps.files.open(file) };
      }
      return;
    }
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const copy = await this.deps.files.localCopy(asset.fileId);
    try {
      // Sampled frames may show the same decoded frame twice: each time is cut once.
      const times = [...new Set(frames.map((f) => byIndex.get(f.index)?.pts ?? 0))].sort((a, b) => a - b);
      const paths = await this.deps.media.splitFrames(copy.path, times, dir, signal);
      const byTime = new Map(times.map((t, i) => [t, paths[i]!]));
      for (const frame of frames) {
        const path = byTime.get(byIndex.get(frame.index)?.pts ?? 0);
        if (path) yield { path: name(frame.index), content: createReadStream(path) };
      }
    } finally {
      await copy.release();
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The project's prepared assets (or those named), each with the label chosen for it, read lazily. */
  private async *exportAssets(projectId: string, options: { labelTypeIn: LabelType[]; externalIds?: string[] }, onAsset: () => Promise<void>): AsyncGenerator<ExportAsset> {
    for (let skip = 0; ; skip += ASSET_PAGE) {
      const batch = options.externalIds
        ? await this.deps.assets.find(projectId, { externalIds: options.externalIds.slice(skip, skip + ASSET_PAGE) })
        : await this.deps.assets.list(projectId, {}, { first: ASSET_PAGE, skip });
      for (const asset of batch) {
        if (asset.processingState !== 'READY') continue;
        yield await this.exportAsset(asset, options.labelTypeIn);
        await onAsset();
      }
      if (options.externalIds ? skip + ASSET_PAGE >= options.externalIds.length : batch.length < ASSET_PAGE) return;
    }
  }

  private async exportAsset(asset: AssetRecord, labelTypeIn: readonly LabelType[]): Promise<ExportAsset> {
    const label = await this.deps.labels.chosen(asset.id, labelTypeIn);
    const tracks = label ? await this.deps.labels.tracks(label.id) : [];
    const assets = this.deps.assets;
    return {
      id: asset.id,
      externalId: asset.externalId,
      frameCount: asset.frameCount ?? 0,
      frameRate: asset.fps,
      assetLevel: label?.assetLevel ?? null,
      tracks,
      ...(label ? { labelType: label.labelType } : {}),
      // Exporters hand back the tracks given here, which are the stored ones with their ordinals.
      keys: (track) => this.deps.labels.keys(label!.id, (track as StoredTrack).ordinal),
      async *frames(): AsyncGenerator<ExportFrame> {
        for (let skip = 0; ; skip += FRAME_PAGE) {
          const rows = await assets.frames(asset.id, { first: FRAME_PAGE, skip });
          for (const r of rows) yield { index: r.index, width: r.width, height: r.height, pts: r.pts };
          if (rows.length < FRAME_PAGE) return;
        }
      },
    };
  }
}

function exporterOf(fmt: ExportFormat, singleFile: boolean): Exporter {
  switch (fmt) {
    case 'kili':
      return kiliExport(singleFile);
    case 'cvat_video':
      return cvatVideoExport;
    case 'mot':
      return motExport;
    case 'yolo_v8':
      return yoloV8Export;
    case 'coco':
      return cocoExport;
  }
}

/** Which frames show an annotation of the asset's label (a flag per frame). */
async function annotatedFrames(asset: ExportAsset): Promise<Uint8Array> {
  const shown = new Uint8Array(asset.frameCount);
  for await (const [frame, content] of jsonResponseFrames({ assetLevel: null, tracks: asset.tracks.filter((t) => t.kind === 'object'), keys: (t) => asset.keys(t), frameCount: asset.frameCount })) {
    if (Object.keys(content).length > 0) shown[frame] = 1;
  }
  return shown;
}

/** A project title as a file name: letters, digits, dots, dashes and underscores. */
function safeName(title: string): string {
  return title.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'project';
}
