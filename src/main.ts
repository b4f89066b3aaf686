import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { MigrationResultSet } from 'kysely';
import { openBlobStore } from './adapters/blob/open-blob-store.js';
import type { BlobStore } from './adapters/blob/blob-store.js';
import { SpaceReserve } from './adapters/db/space-reserve.js';
import { currentOwnerTag } from './adapters/process-identity.js';
import { removeLeftovers } from './adapters/scratch-leftovers.js';
import { systemClock, type Clock } from './adapters/clock.js';
import { AnalysisRepository } from './adapters/db/analysis.repository.js';
import { migrateToLatest, openDatabase, PRIVATE_FOLDER, type DatabaseHandle } from './adapters/db/database.js';
import { FrameRepository } from './adapters/db/frame.repository.js';
import { FileRepository } from './adapters/db/file.repository.js';
import { TokenRepository } from './adapters/db/token.repository.js';
import { CameraHealthRepository } from './adapters/db/camera-health.repository.js';
import { CameraRepository } from './adapters/db/camera.repository.js';
import { EventRepository } from './adapters/db/event.repository.js';
import { MediaRepository } from './adapters/db/media.repository.js';
import { FfmpegEventMedia } from './adapters/media/event-media.js';
import { SystemMediaTools } from './adapters/media/ffmpeg.js';
import { parentDeathSupported } from './adapters/media/parent-death.js';
import { openJobQueue } from './adapters/queue/open-job-queue.js';
import type { JobQueue, QueueWorker } from './adapters/queue/job-queue.js';
import { loadAnalyses, type AnalysisRegistry } from './analyses/analysis-registry.js';
import type { Config } from './config/config.js';
import { isUrl } from './domain/media-input.js';
import { CamtroveError } from './domain/errors.js';
import { redactUrl } from './domain/redact.js';
import { explainDatabaseError } from './adapters/db/database-errors.js';
import { ensureWritableFolder, FolderProblem } from './adapters/writable-folder.js';
import { AnalysisRunner } from './services/analysis-runner.js';
import { AnalysisService } from './services/analysis.service.js';
import { FileService, ORPHAN_GRACE_MS } from './services/file.service.js';
import { SegmentationStore } from './services/segmentation-store.js';
import { Segmenter } from './services/segmenter.js';
import { TokenService } from './services/token.service.js';
import { FrameService } from './services/frame.service.js';
import { CameraService } from './services/camera.service.js';
import { startContinuousArchiving } from './archiving.js';
import { ImportRepository } from './adapters/db/import.repository.js';
import { LockRepository } from './adapters/db/lock.repository.js';
import { localImportFiles } from './adapters/import/import-files.js';
import { quickProbe, quickProbeBytes } from './adapters/media/quick-probe.js';
import { EventService } from './services/event.service.js';
import { ImportHost } from './services/import/import-host.js';
import { ImportService, type ImportServiceDeps } from './services/import/import.service.js';
import { LabelProjectRepository } from './adapters/db/label-project.repository.js';
import { LabelAssetRepository } from './adapters/db/label-asset.repository.js';
import { FfmpegAssetMedia } from './adapters/media/asset-media.js';
import { NetworkPolicy } from './adapters/cameras/network-policy.js';
import { UrlDownloader } from './adapters/labeling/url-download.js';
import { ProjectService } from './services/labeling/project.service.js';
import { LabelService } from './services/labeling/label.service.js';
import { LabelRepository } from './adapters/db/label.repository.js';
import { LabelExportRepository } from './adapters/db/label-export.repository.js';
import { LabelExportService } from './services/labeling/label-export.service.js';
import { AssetService, PREPARE_ASSET_JOB } from './services/labeling/asset.service.js';
import { AssetSourceResolver } from './services/labeling/asset-sources.js';
import { AssetFrames } from './services/labeling/asset-frames.js';
import { AssetPreparer } from './services/labeling/asset-preparer.js';
import { JobRetention } from './services/job-retention.js';
import { runPeriodically } from './services/periodic.js';
import { FailedJobService } from './services/failed-jobs.service.js';
import { FrameCache } from './services/labeling/frame-cache.js';

import { createLogger } from './logging.js';

export { createLogger };

/** Frame images of labeling assets kept in memory for the next request. */
const FRAME_CACHE_BYTES = 64 * 1024 * 1024;

/** Work folders without an owner tag (made by older versions) are removed after this long. */
const STALE_WORK_MS = 24 * 3_600_000;

/** Everything a camtrove entry point needs, wired from one configuration. */
export interface Library {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  database: DatabaseHandle;
  queue: JobQueue;
  media: SystemMediaTools;
  registry: AnalysisRegistry;
  /** The bytes of files, where CAMTROVE_STORAGE says (`storage migrate` copies them elsewhere). */
  blobs: BlobStore;
  files: FileService;
  analyses: AnalysisService;
  failedJobs: FailedJobService;
  tokens: TokenService;
  cameras: CameraService;
  /** Archived frames, to browse. */
  frames: FrameService;
  events: EventService;
  imports: ImportService;
  /** The server side of `camtrove import --server`. */
  importHost: ImportHost;
  segmenter: Segmenter;
  segmentations: SegmentationStore;
  runner: AnalysisRunner;
  /** Labeling projects and their assets. */
  projects: ProjectService;
  assets: AssetService;
  labels: LabelService;
  labelExports: LabelExportService;
  /** Starts in-process workers for every analysis, and for preparing labeling assets. */
  startWorkers(): QueueWorker;
  /** Starts archiving, indefinitely, every enabled camera with an archive interval (claimed by one process at a time). */
  startArchiving(): Promise<void>;
  close(): Promise<void>;
}

/** How often each worker process looks for blobs no file refers to. */
const ORPHAN_SWEEP_MS = 24 * 3_600_000;

/** How often each worker process runs the queue's upkeep (finished jobs pruned, analyses reconciled). */
const QUEUE_UPKEEP_MS = 3_600_000;

/** The composition root: config → adapters → services. Migrates the database on open. */
export async function openLibrary(config: Readonly<Config>, options: { logger?: Logger; clock?: Clock } = {}): Promise<Library> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const { database } = await openMigratedDatabase(config);
  // Temp files and work folders of processes that are gone (a kill -9) go; a live process's stay.
  const storage = await openBlobStore(config, config.storage).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const { store: blobs, leftovers } = storage;
  const workRoot = join(config.dataDir, 'work');
  await mkdir(workRoot, { recursive: true });
  leftovers.push(...(await removeLeftovers(workRoot, { untaggedOlderThanMs: STALE_WORK_MS })));
  if (leftovers.length > 0) logger.info({ removed: leftovers }, 'removed the scratch files of processes that are gone');
  // SQLite needs room in the data folder to write even a deletion; PostgreSQL keeps its own disk.
  const reserve = database.dialect === 'sqlite' ? new SpaceReserve(join(config.dataDir, 'camtrove.db.reserve')) : null;
  await reserve?.fill();

  const registry = await loadAnalyses();
  const opened = await openJobQueue(config.queue, database, clock, {
    globalConcurrency: config.globalConcurrency,
    onError: (error) => logger.warn({ err: error }, 'the connection to the queue\'s Redis failed; reconnecting'),
  }).catch(async (error: unknown) => {
    await database.close();
    await storage.close();
    throw error;
  });
  const queue = opened.queue;
  const media = new SystemMediaTools({ ffmpeg: config.ffmpeg, ffprobe: config.ffprobe });
  const analysisRepository = new AnalysisRepository(database.db);
  const fileRepository = new FileRepository(database.db);
  const files = new FileService(blobs, fileRepository, clock, reserve);
  // Blob deletions a crash interrupted (a row deleted, its blob not yet) are finished now.
  const finished = await files.finishBlobDeletions().catch((error: unknown) => {
    logger.warn({ err: error }, 'could not finish the blob deletions interrupted earlier; the next start tries again');
    return 0;
  });
  if (finished > 0) logger.info({ blobs: finished }, 'finished blob deletions interrupted earlier');
  const analyses = new AnalysisService(registry, analysisRepository, files, queue, clock, config.maxAttempts);
  const tokens = new TokenService(new TokenRepository(database.db), clock);
  const cameraRepository = new CameraRepository(database.db);
  const cameras = new CameraService(cameraRepository, new CameraHealthRepository(database.db), clock);
  const frames = new FrameService(new FrameRepository(database.db), cameras);
  const segmenter = createSegmenter(config, media);
  const mediaRepository = new MediaRepository(database.db);
  const eventRepository = new EventRepository(database);
  const segmentations = new SegmentationStore(files, mediaRepository, eventRepository, clock);
  const importRepository = new ImportRepository(database.db);
  const events = new EventService(eventRepository, clock, {
    files: { withPrefix: (prefix, limit) => fileRepository.idsWithPrefix(prefix, limit) },
    jobs: { exists: async (id) => (await importRepository.getJob(id)) !== null, withPrefix: (prefix, limit) => importRepository.idsWithPrefix(prefix, limit) },
    cameras: { exists: async (id) => (await cameraRepository.get(id)) !== null, withPrefix: (prefix, limit) => cameraRepository.idsWithPrefix(prefix, limit) },
  });
  const importDeps: ImportServiceDeps = {
    imports: importRepository,
    locks: new LockRepository(database.db),
    blobs,
    media: mediaRepository,
    cameras,
    analyses,
    tools: media,
    quickProbe: (input) => ('bytes' in input ? quickProbeBytes(input.bytes) : quickProbe(input.path)),
    files: localImportFiles,
    clock,
    fileService: files,
  };
  const imports = new ImportService(importDeps);
  const importHost = new ImportHost({ ...importDeps, maxUploadBytes: config.maxUploadBytes });
  const runner = new AnalysisRunner(registry, analysisRepository, files, queue, media, { segmenter, segmentations }, clock, logger);
  const assetMedia = new FfmpegAssetMedia(media);
  const downloads = new UrlDownloader(new NetworkPolicy(config.cameraNetworks));
  const labelRepository = new LabelRepository(database.db);
  const projects = new ProjectService(new LabelProjectRepository(database.db), files, clock, labelRepository);
  const assetRepository = new LabelAssetRepository(database.db, database.dialect);
  const assetFrames = new AssetFrames(files, assetMedia, new FrameCache(FRAME_CACHE_BYTES), assetRepository);
  const assets = new AssetService({
    projects,
    assets: assetRepository,
    files,
    sources: new AssetSourceResolver({ files, events, downloads, probe: (path, signal) => media.probe(path, signal), maxUploadBytes: config.maxUploadBytes }),
    events,
    frames: assetFrames,
    queue,
    labels: labelRepository,
    clock,
    maxAttempts: config.maxAttempts,
  });
  const labels = new LabelService({ projects, assets, labels: labelRepository, clock });
  const labelExports = new LabelExportService({ projects, assets: assetRepository, labels: labelRepository, exports: new LabelExportRepository(database.db), files, media: assetMedia, queue, clock, logger, maxAttempts: config.maxAttempts });
  const assetPreparer = new AssetPreparer({ assets: assetRepository, files, media: assetMedia, frames: assetFrames, events, clock, logger });
  const workers: QueueWorker[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  /** Queueing the assets left PENDING, started with the workers: finished before the database closes. */
  const resuming: Promise<void>[] = [];

  return {
    config,
    logger,
    clock,
    database,
    queue,
    media,
    registry,
    blobs,
    files,
    analyses,
    failedJobs: new FailedJobService(queue, analyses),
    tokens,
    cameras,
    frames,
    events,
    imports,
    importHost,
    segmenter,
    segmentations,
    runner,
    projects,
    assets,
    labels,
    labelExports,
    startWorkers() {
      // Said where work is taken, not by every command that opens the library.
      for (const warning of opened.warnings) logger.warn(warning);
      if (config.queue.kind === 'database' && Object.keys(config.globalConcurrency).length > 0) logger.warn('globalConcurrency (CAMTROVE_GLOBAL_CONCURRENCY) applies to the Redis queue only; each worker still runs at most its own concurrency');
      if (!parentDeathSupported()) logger.warn('setpriv (util-linux) with --pdeathsig is not installed: should this process be killed, the ffmpeg it runs will run on to the end of its input');
      const settings = {
        leaseMs: config.leaseMs,
        heartbeatMs: config.heartbeatMs,
        pollMs: config.pollMs,
        timeoutMs: config.analysisTimeoutMs,
        backoff: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs },
        workRoot,
        ownerTag: currentOwnerTag(),
      };
      const worker = runner.start({ ...settings, concurrency: config.concurrency });
      const preparer = assetPreparer.start(queue, { ...settings, concurrency: config.concurrency.byAnalysis[PREPARE_ASSET_JOB] ?? config.concurrency.default });
      const exporter = labelExports.startWorker(queue, settings);
      // The queue's upkeep, from every worker process: old finished jobs go, and analyses a crash
      // left out of step with their jobs are set right.
      const retention = new JobRetention(queue, clock, config.keepFinishedJobsMs);
      const upkeep = runPeriodically(async (signal) => {
        const deleted = await retention.sweep();
        if (deleted > 0) logger.info({ deleted }, `deleted ${deleted} finished jobs older than the queue keeps them`);
        const { requeued, ended } = await analyses.reconcile({ signal });
        if (requeued + ended > 0) logger.warn({ requeued, ended }, `set right ${requeued + ended} analyses left out of step with their jobs (${requeued} queued again, ${ended} ended)`);
      }, QUEUE_UPKEEP_MS, (error) => logger.warn({ err: error }, 'the queue\'s upkeep failed; it runs again within the hour'));
      // Bytes a killed process stored without their row: a day after start, then daily.
      const orphans = runPeriodically(async (signal) => {
        const { orphans: deleted } = await files.sweepOrphans({ olderThanMs: ORPHAN_GRACE_MS, signal });
        if (deleted.length > 0) logger.info({ deleted: deleted.length }, `deleted ${deleted.length} blobs no file refers to (left by processes that stopped between storing bytes and recording them)`);
      }, ORPHAN_SWEEP_MS, (error) => logger.warn({ err: error }, 'the sweep for blobs no file refers to failed; it runs again tomorrow'), { firstAfterMs: ORPHAN_SWEEP_MS });
      workers.push(worker, preparer, exporter);
      stoppers.push(() => upkeep.stop(), () => orphans.stop());
      // Assets left PENDING by a crash before their job was queued are queued again (queueing is idempotent).
      resuming.push(assets.resumePending().then(() => undefined, (error: unknown) => logger.warn({ err: error }, 'could not queue the assets left to prepare; the next start tries again')));
      return {
        get active() {
          return worker.active + preparer.active + exporter.active;
        },
        close: async () => {
          await Promise.all([worker.close(), preparer.close(), exporter.close(), upkeep.stop()]);
        },
      };
    },
    async startArchiving() {
      // Cameras are leased like jobs: claims renewed every lease, taken over after three missed renewals.
      const archiving = await startContinuousArchiving({ config, cameras, files, database, media, clock, logger }, { refreshMs: config.leaseMs, claimMs: 3 * config.leaseMs });
      stoppers.push(() => archiving.stop());
    },
    async close() {
      await Promise.all(stoppers.map((stop) => stop()));
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(resuming);
      await downloads.close();
      await opened.close();
      await database.close();
      await storage.close();
    },
  };
}

/** Creates the data folder when missing; one that cannot be written is a one-line error naming it. */
export async function prepareDataFolder(dataDir: string): Promise<void> {
  try {
    await ensureWritableFolder(dataDir, PRIVATE_FOLDER);
  } catch (error) {
    if (!(error instanceof FolderProblem)) throw error;
    const where = error.path === resolve(dataDir) ? `data folder ${dataDir}` : `data folder ${dataDir}: ${error.path}`;
    throw new CamtroveError('CAMTROVE_ERR_DATA_FOLDER', `${where} ${error.reason}; choose a folder you can write with --data DIR or CAMTROVE_DATA`, { cause: error });
  }
}

/** Opens the database and brings its schema up to date; a database a user must fix is a catalogue error saying how. */
export async function openMigratedDatabase(config: Readonly<Config>): Promise<{ database: DatabaseHandle; result: MigrationResultSet }> {
  await prepareDataFolder(config.dataDir);
  let database: DatabaseHandle | null = null;
  try {
    database = openDatabase(config);
    return { database, result: await migrateToLatest(database) };
  } catch (error) {
    await database?.close().catch(() => undefined);
    const dialect = config.databaseUrl ? 'postgres' : 'sqlite';
    throw explainDatabaseError(error, dialect, config.databaseUrl ? redactUrl(config.databaseUrl) : join(config.dataDir, 'camtrove.db'));
  }
}

/** Motion segmentation on the system's ffmpeg; needs no library (`camtrove segment` runs without one). */
export function createSegmenter(config: Readonly<Config>, media = new SystemMediaTools({ ffmpeg: config.ffmpeg, ffprobe: config.ffprobe })): Segmenter {
  return new Segmenter(media, new FfmpegEventMedia(media), config.inputStallTimeoutMs);
}

/** A segmenter for one input of `camtrove segment`, and what ffmpeg is to be given for it. */
export interface SegmentInput {
  segmenter: Segmenter;
  input: string;
  /** What the network policy refused while the input was read (null for files). */
  refused(): Error | null;
  /** The error to report for one the segmenter threw: the policy's refusal behind it when there is one. */
  explain(error: unknown): unknown;
  close(): Promise<void>;
}

/**
 * A local file is read as it is (the file protocol alone); a URL through the network policy of
 * archiving (`cameraNetworks`): a proxy checks every HTTP request ffmpeg makes, redirects included,
 * a relay holds RTSP sessions to the checked address. Loaded only for URLs.
 */
export async function openSegmentInput(config: Readonly<Config>, video: string): Promise<SegmentInput> {
  const binaries = { ffmpeg: config.ffmpeg, ffprobe: config.ffprobe };
  if (!isUrl(video)) return { segmenter: createSegmenter(config, new SystemMediaTools(binaries)), input: video, refused: () => null, explain: (error) => error, close: async () => undefined };
  const [{ openNetworkInput }, { NetworkPolicy }] = await Promise.all([import('./adapters/cameras/network-input.js'), import('./adapters/cameras/network-policy.js')]);
  const network = await openNetworkInput(video, new NetworkPolicy(config.cameraNetworks), { timeoutMs: config.inputStallTimeoutMs });
  return {
    segmenter: createSegmenter(config, new SystemMediaTools(binaries, network.gate)),
    input: network.input,
    refused: () => network.failure(),
    explain: (error) => network.explain(error),
    close: () => network.close(),
  };
}
