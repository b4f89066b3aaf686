import type { BlobStore } from '../../adapters/blob/blob-store.js';
import type { FileService } from '../file.service.js';
import type { Clock } from '../../adapters/clock.js';
import type { ImportJobRecord, ImportRepository } from '../../adapters/db/import.repository.js';
import type { LockRepository } from '../../adapters/db/lock.repository.js';
import type { MediaRepository } from '../../adapters/db/media.repository.js';
import type { Page } from '../../adapters/db/pagination.js';
import type { MediaTools } from '../../adapters/media/ffmpeg.js';
import { notFoundError, resolveId } from '../../domain/ids.js';
import { IMPORT_JOB_ID, type ImportRequest } from '../../domain/import/import-request.js';
import { itemState, summarizeJob, summarizeShard, type ImportItemState, type ImportJobStatus, type ShardSummary } from '../../domain/import/shards.js';
import type { VideoInfo } from '../../domain/video-info.js';
import type { AnalysisService } from '../analysis.service.js';
import type { CameraService } from '../camera.service.js';
import { databaseLocks } from '../library-lock.js';
import type { ImportDestination } from './import-destination.js';
import { runImport, type HookOptions, type ImportRunEnvironment } from './import-run.js';
import type { ImportPreviewSource, ImportReport, ImportRunOptions } from './importer.js';
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

/** The import jobs of a library, as people see them: this one's, or a server's (`--server`). */
export interface ImportJobViews {
  listJobs(page: { limit: number; after?: string | null }): Promise<Page<ImportJobListing>>;
  getJob(id: string): Promise<ImportJobView>;
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
  files: ImportRunEnvironment['files'];
  clock: Clock;
  /** The library's files: bytes an import stored and could not record are dropped through it, under their lock. */
  fileService: Pick<FileService, 'dropIfUnlisted'>;
}

const MAX_ERRORS_SHOWN = 100;

/** Importing folders into the library, and the import jobs that track it. */
export class ImportService implements ImportJobViews {
  constructor(private readonly deps: ImportServiceDeps) {}

  /** Imports into this library, holding its import lock: a second import at the same time fails naming the first. */
  run(request: ImportRequest, options: ImportRunOptions & HookOptions): Promise<ImportReport> {
    return runImport(this.destination(), { files: this.deps.files, clock: this.deps.clock }, request, options);
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

  /** One job by its id, or a unique prefix of at least 6 characters of one. */
  async getJob(idOrPrefix: string): Promise<ImportJobView> {
    const { imports } = this.deps;
    const id = await resolveId('import job', idOrPrefix, {
      exists: async (whole) => IMPORT_JOB_ID.test(whole) && (await imports.getJob(whole)) !== null,
      withPrefix: (prefix, limit) => (IMPORT_JOB_ID.test(prefix) ? imports.idsWithPrefix(prefix, limit) : Promise.resolve([])),
    });
    const job = await requireImportJob(imports, id);
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

  /** What `import --dry-run` reads of this library: the request's earlier job, and the media stored. */
  previewSource(): ImportPreviewSource {
    return { store: this.deps.imports, hasMedia: (sha256) => this.deps.media.exists(sha256) };
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

  /** The library as an import destination: its database keeps the job and the lock, its blob store the files. */
  private destination(): ImportDestination {
    const { deps } = this;
    return {
      store: deps.imports,
      locks: databaseLocks(deps.locks, deps.clock),
      target: (request) => new LibraryImportTarget({ ...deps, segment: request.segment, link: request.link }),
      name: 'this library',
    };
  }
}

/** A job by id, or IMPORT_JOB_NOT_FOUND. */
export async function requireImportJob(imports: Pick<ImportRepository, 'getJob'>, id: string): Promise<ImportJobRecord> {
  const job = IMPORT_JOB_ID.test(id) ? await imports.getJob(id) : null;
  if (!job) throw notFoundError('import job', id);
  return job;
}
