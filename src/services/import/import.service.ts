import type { BlobStore } from '../../adapters/blob/blob-store.js';
import type { Clock } from '../../adapters/clock.js';
import type { ImportJobRecord, ImportRepository } from '../../adapters/db/import.repository.js';
import type { LockRepository } from '../../adapters/db/lock.repository.js';
import type { MediaRepository } from '../../adapters/db/media.repository.js';
import type { Page } from '../../adapters/db/pagination.js';
import type { MediaTools } from '../../adapters/media/ffmpeg.js';
import { CamtroveError } from '../../domain/errors.js';
import { newAnalysisId } from '../../domain/ids.js';
import { IMPORT_JOB_ID, type ImportRequest } from '../../domain/import/import-request.js';
import { itemState, summarizeJob, summarizeShard, type ImportItemState, type ImportJobStatus, type ShardSummary } from '../../domain/import/shards.js';
import { isTimeZone } from '../../domain/time-zone.js';
import type { VideoInfo } from '../../domain/video-info.js';
import type { AnalysisService } from '../analysis.service.js';
import type { CameraService } from '../camera.service.js';
import { acquireLibraryLock } from '../library-lock.js';
import { Importer, previewImport, type ImportFiles, type ImportReport, type ImportRunOptions } from './importer.js';
import { giveHookData, HookedImport, type ImportHooks } from './import-hooks.js';
import { LibraryImportTarget } from './library-import-target.js';

/** A job as `GET /api/jobs` lists it. */
export interface ImportJobListing {
  job_id: string;
  created: string;
  item_count: number;
  shard_count: number;
  status: ImportJobStatus;
}

/** A job as `GET /api/jobs/{id}` shows it. */
export interface ImportJobView {
  job_id: string;
  created: string;
  updated: string;
  request: { item_count: number; cameras: string[]; earliest_date: string | null; latest_date: string | null; folders: string[]; segment: boolean; shard_size: number };
  shard_map: Record<string, ShardSummary>;
  status: ImportJobStatus;
  counts: { done: number; failed: number; item_count: number };
  /** The first failures, with their reasons. */
  errors: { path: string; reason: string }[];
}

/** A hook module for the run, loaded by the caller, and its data. */
export interface HookOptions {
  hooks?: { module: ImportHooks; name: string };
  hookData?: unknown;
  /** Where hooks' log lines go (stderr by default). */
  log?: (line: string) => void;
}

export interface ImportServiceDeps {
  imports: ImportRepository;
  locks: LockRepository;
  blobs: BlobStore;
  media: MediaRepository;
  cameras: CameraService;
  analyses: AnalysisService;
  tools: Pick<MediaTools, 'probe'>;
  quickProbe: (input: { path: string } | { bytes: Buffer }) => Promise<VideoInfo | null>;
  files: ImportFiles & { isFolder(path: string): Promise<boolean> };
  clock: Clock;
}

const IMPORT_LOCK = 'import';
const MAX_ERRORS_SHOWN = 100;

/** Importing folders into the library, and the import jobs that track it. */
export class ImportService {
  constructor(private readonly deps: ImportServiceDeps) {}

  /** Imports, holding the library's import lock: a second import at the same time fails naming the first. */
  async run(request: ImportRequest, options: ImportRunOptions & HookOptions): Promise<ImportReport> {
    await checkImportRequest(request, this.deps.files);
    const hooked = this.hooked(request, options);
    await hooked.start();
    const lock = await acquireLibraryLock(this.deps.locks, IMPORT_LOCK, `import of ${request.folders.join(', ')}`, this.deps.clock, (holder) =>
      `another import into this library is running (${holder.purpose}, pid ${holder.pid} on ${holder.host}, since ${new Date(holder.acquiredAt).toISOString()}); wait for it to finish, or stop it and run this again`,
    );
    const stop = new AbortController();
    const onStop = () => stop.abort();
    options.signal?.addEventListener('abort', onStop, { once: true });
    lock.lost.addEventListener('abort', onStop, { once: true });
    try {
      const report = await this.importer(hooked).run(request, { ...options, signal: stop.signal });
      if (lock.lost.aborted) throw lock.lost.reason;
      return report;
    } finally {
      options.signal?.removeEventListener('abort', onStop);
      await lock.release();
    }
  }

  async listJobs(page: { limit: number; after?: string | null }): Promise<Page<ImportJobListing>> {
    const jobs = await this.deps.imports.listJobs(page);
    const items = await Promise.all(
      jobs.items.map(async (job) => {
        const shards = await this.shards(job);
        return { job_id: job.id, created: new Date(job.createdAt).toISOString(), item_count: job.itemCount, shard_count: Object.keys(shards).length, status: summarizeJob(Object.values(shards)) };
      }),
    );
    return { items, next: jobs.next };
  }

  async getJob(id: string): Promise<ImportJobView> {
    const job = IMPORT_JOB_ID.test(id) ? await this.deps.imports.getJob(id) : null;
    if (!job) throw new CamtroveError('CAMTROVE_ERR_IMPORT_JOB_NOT_FOUND', `no import job has id ${JSON.stringify(id)}`);
    const [shards, extent, errors] = await Promise.all([this.shards(job), this.deps.imports.jobExtent(job.id), this.deps.imports.failures(job.id, MAX_ERRORS_SHOWN)]);
    const summaries = Object.values(shards);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const request = job.request as Partial<ImportRequest>;
    return {
      job_id: job.id,
      created: new Date(job.createdAt).toISOString(),
      updated: new Date(job.updatedAt).toISOString(),
      request: { item_count: job.itemCount, cameras: extent.cameras, earliest_date: iso(extent.earliest), latest_date: iso(extent.latest), folders: request.folders ?? [], segment: job.segment, shard_size: job.shardSize },
      shard_map: shards,
      status: summarizeJob(summaries),
      counts: { item_count: job.itemCount, done: summaries.reduce((n, s) => n + s.done, 0), failed: summaries.reduce((n, s) => n + s.failed, 0) },
      errors: errors.map(({ path, reason }) => ({ path, reason })),
    };
  }

  /** Every shard of a job, summarized from one grouped query. */
  private async shards(job: ImportJobRecord): Promise<Record<string, ShardSummary>> {
    const byShard = new Map<number, Partial<Record<ImportItemState, number>>>();
    for (const row of await this.deps.imports.shardStateCounts(job.id)) {
      const counts = byShard.get(row.shard) ?? {};
      const state = itemState(row.state, row.analysisState, job.segment, row.outcome === 'posted');
      counts[state] = (counts[state] ?? 0) + row.count;
      byShard.set(row.shard, counts);
    }
    return Object.fromEntries([...byShard].sort(([a], [b]) => a - b).map(([shard, counts]) => [String(shard), summarizeShard(counts, job.segment)]));
  }

  /** The run's hooks: the module's functions where it has them, the library's everywhere else. */
  private hooked(request: ImportRequest, options: HookOptions): HookedImport {
    const { deps } = this;
    const library = new LibraryImportTarget({ ...deps, segment: request.segment, link: request.link });
    return new HookedImport(options.hooks?.module ?? {}, library, {
      request,
      hookData: options.hookData ?? null,
      moduleName: options.hooks?.name ?? null,
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
      recordPosted: async (video, posted) => {
        await deps.imports.recordPosted({ jobId: video.jobId, seq: video.seq, fileId: video.sha256, cameraId: video.cameraId, ...posted, now: deps.clock.now() });
        return { ...posted, outcome: 'posted', analysisId: null };
      },
    });
  }

  private importer(hooked: HookedImport): Importer {
    const { deps } = this;
    return new Importer({ files: deps.files, imports: deps.imports, target: hooked, hooks: hooked, clock: deps.clock, newJobId: newAnalysisId });
  }
}

/** Every reason an import cannot start, before any work: the regex, the folders, the settings. */
export async function checkImportRequest(request: ImportRequest, files: Pick<ImportServiceDeps['files'], 'isFolder'>): Promise<void> {
  Importer.compile(request);
  if (request.folders.length === 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', 'no folder to import was given');
  for (const folder of request.folders) {
    if (!(await files.isFolder(folder))) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `${folder} is not a folder (it does not exist, or it is a file)`);
  }
  if (request.timeZone !== null && !isTimeZone(request.timeZone)) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `--tz ${JSON.stringify(request.timeZone)} is not an IANA time zone (e.g. Europe/Paris, America/Chicago)`);
  if (!Number.isInteger(request.shardSize) || request.shardSize < 1) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `the shard size must be a whole number of at least 1, not ${request.shardSize}`);
  if (request.extensions.length === 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', 'no file extension to import was given');
}

/**
 * What an import would do, reading the folders and writing nothing (no library is opened). A hook
 * module is given its data, so data it would refuse is refused here too.
 */
export async function dryRunImport(request: ImportRequest, files: ImportServiceDeps['files'], options: HookOptions = {}): Promise<ImportReport> {
  await checkImportRequest(request, files);
  const unused = () => Promise.reject(new Error('a dry run posts nothing'));
  const defaults = { registerCamera: unused, postVideoContent: unused, assignJobIds: unused, registerJobs: unused };
  await giveHookData(options.hooks?.module ?? {}, { hookData: options.hookData ?? null, request, defaults, log: options.log ?? (() => undefined) }, options.hooks?.name ?? null);
  return previewImport(request, files);
}
