import { createHash } from 'node:crypto';
import type { Clock } from '../../adapters/clock.js';
import type { ImportItemFacts, ImportItemWithAnalysis, ImportJobRecord } from '../../adapters/db/import.repository.js';
import { sameStamp, type FileStamp, type HashedFile } from '../../adapters/import/file-hasher.js';
import type { WalkEntry } from '../../adapters/import/folder-walker.js';
import type { TimeSource } from '../../domain/import/capture-time.js';
import { importRequestKey, type ImportRequest } from '../../domain/import/import-request.js';
import { compileNamePattern, readPathFacts, type NamePattern } from '../../domain/import/name-pattern.js';
import { shardOf } from '../../domain/import/shards.js';
import { isNoSpace } from '../../domain/no-space.js';
import { CamtroveError, isCamtroveError } from '../../domain/errors.js';
import type { HookItem, HookJob } from './import-hooks.js';
import type { ImportJobStore } from './import-destination.js';
import type { ImportTarget } from './import-target.js';

/** The file system as the importer sees it. */
export interface ImportFiles {
  walk(folder: string, extensions: ReadonlySet<string>): AsyncIterable<WalkEntry>;
  /** Throws as fs.stat does (ENOENT, EACCES). */
  stat(path: string | Buffer): Promise<FileStamp>;
  hash(path: string | Buffer, options: { keepBelow: number; onBytes?: (bytes: number) => void }): Promise<HashedFile>;
}

export type ImportFileStatus = 'imported' | 'already_imported' | 'duplicate' | 'skipped' | 'failed' | 'would_import';

/** One file's record, as `--csv` writes it. */
export interface ImportFileReport {
  path: string;
  status: ImportFileStatus;
  reason: string | null;
  camera: string | null;
  capturedAt: number | null;
  timeSource: TimeSource | null;
  size: number;
  latitude: number | null;
  longitude: number | null;
  fileId: string | null;
  shard: number | null;
}

export interface ImportReport {
  jobId: string | null;
  imported: number;
  alreadyImported: number;
  duplicates: number;
  skipped: number;
  failed: number;
  errors: { path: string; reason: string }[];
  /** Files whose segmentation is queued, running or done. */
  segmentations: number;
  /** The run was stopped (a signal) before every file was tried; running it again continues. */
  interrupted: boolean;
  files: ImportFileReport[];
}

export interface ImportProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface ImportRunOptions {
  concurrency: number;
  /** While the folders are walked: files found so far (every 1,000, and once at the end). */
  onScan?: (found: number) => void;
  onProgress?: (progress: ImportProgress) => void;
  /** Stops taking new files; those under way finish. */
  signal?: AbortSignal;
}

/**
 * Files smaller than this are read into memory once, then stored and probed from there: for
 * camera clips of a few MiB that saves opening each file three more times.
 */
const KEEP_IN_MEMORY_BELOW = 16 << 20;

const SCAN_REPORT_EVERY = 1000;

/** Errors that end the run at the first file they hit (the others would meet them too). */
const STOPS_THE_RUN: ReadonlySet<string> = new Set(['CAMTROVE_ERR_SERVER_UNREACHABLE', 'CAMTROVE_ERR_UNAUTHORIZED', 'CAMTROVE_ERR_LOCKED']);

/** A file found in the folders, with what its name says. */
interface PlannedFile {
  path: string | Buffer;
  display: string;
  facts: ImportItemFacts;
  /** Why the file cannot be imported as named (a time out of range…), or null. */
  error: string | null;
}

interface Plan {
  files: PlannedFile[];
  skipped: ImportFileReport[];
}

/** Where a file is recorded: its job, its number in it, its shard. */
interface ItemRef {
  jobId: string;
  seq: number;
  shard: number;
}

interface Work {
  file: PlannedFile;
  item: ItemRef;
}

/** How the run's hooks choose the job of new files and hear about it (see import-hooks.ts). */
export interface ImportJobHooks {
  assignJobId(items: HookItem[], proposed: string): Promise<string>;
  registerJobs(jobs: HookJob[]): Promise<void>;
}

/**
 * Imports folders of video: finds the files, reads camera, time and place from their names, and
 * hands each one, hashed, to the target (the library by default). The run is a job in the library
 * database: running the same import again continues it, taking only files that are new, changed
 * or failed, so a run stopped at any moment (even by kill -9) loses nothing and imports nothing twice.
 */
export class Importer {
  constructor(
    private readonly deps: {
      files: ImportFiles;
      imports: ImportJobStore;
      target: ImportTarget;
      hooks: ImportJobHooks;
      clock: Clock;
      newJobId: () => string;
    },
  ) {}

  /** Compiles the request's regex, or throws INVALID_IMPORT naming what is wrong with it. */
  static compile(request: ImportRequest): NamePattern {
    try {
      return compileNamePattern(request.regex, { cameraGiven: request.camera !== null });
    } catch (error) {
      throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', (error as Error).message);
    }
  }

  async run(request: ImportRequest, options: ImportRunOptions): Promise<ImportReport> {
    const plan = await planImport(request, this.deps.files, options.onScan);
    const now = this.deps.clock.now();
    const requestKey = importRequestKey(request);
    const previous = await this.deps.imports.jobForRequest(requestKey);
    const known = new Map(previous ? (await this.deps.imports.items(previous.id)).map((item) => [item.pathKey, item] as const) : []);

    const reports: ImportFileReport[] = [...plan.skipped];
    const queued = new Map<string, ItemRef>();
    const fresh: PlannedFile[] = [];
    const resegment: ImportItemWithAnalysis[] = [];
    for (const file of plan.files) {
      const item = known.get(file.facts.pathKey);
      if (!item) {
        fresh.push(file);
      } else if (item.state === 'stored' && item.size === file.facts.size && item.mtimeMs === file.facts.mtimeMs && file.error === null) {
        reports.push(storedReport(item, 'already_imported'));
        if (request.segment && needsSegmentation(item)) resegment.push(item);
      } else {
        // Changed since it was stored, or failed before: imported again, in its job.
        await this.deps.imports.rediscover(item.jobId, item.seq, file.facts, now);
        queued.set(file.facts.pathKey, item);
      }
    }

    const proposed = previous?.id ?? this.deps.newJobId();
    const jobId = fresh.length > 0 || !previous ? await this.deps.hooks.assignJobId(fresh.map(hookItem), proposed) : proposed;
    const job = jobId === previous?.id ? previous : ((await this.deps.imports.getJob(jobId)) ?? (await this.createJob(request, jobId, requestKey, now)));
    const appended = await this.deps.imports.appendItems(job, fresh.map((f) => f.facts), (seq) => shardOf(seq, job.shardSize), now);
    appended.forEach((item, k) => queued.set(fresh[k]!.facts.pathKey, item));
    if (appended.length > 0) await this.deps.hooks.registerJobs([await this.hookJob(job.id, appended.map((item, k) => ({ ...hookItem(fresh[k]!), shard: item.shard })))]);

    for (const item of resegment) await this.deps.target.segment?.(item.jobId, item.seq, item.fileId!);
    // In name order, whichever job each file is in.
    const work = plan.files.filter((f) => queued.has(f.facts.pathKey)).map((file) => ({ file, item: queued.get(file.facts.pathKey)! }));
    const run = new ImportRun(this.deps, work, options);
    reports.push(...(await run.execute()));
    const segmentations = request.segment ? (await this.deps.imports.items(job.id)).filter((i) => i.analysisId !== null).length : 0;
    return summarize(job.id, reports, segmentations, options.signal?.aborted ?? false);
  }

  private async createJob(request: ImportRequest, id: string, requestKey: string, now: number): Promise<ImportJobRecord> {
    return this.deps.imports.createJob({ id, requestKey, request: { ...request }, segment: request.segment, shardSize: request.shardSize, createdAt: now });
  }

  private async hookJob(jobId: string, items: HookJob['items']): Promise<HookJob> {
    const shards: Record<string, number> = {};
    for (const row of await this.deps.imports.shardStateCounts(jobId)) shards[String(row.shard)] = (shards[String(row.shard)] ?? 0) + row.count;
    return { jobId, itemCount: Object.values(shards).reduce((sum, n) => sum + n, 0), shards, items };
  }
}

/** Walks the folders and reads each matching file's name. */
async function planImport(request: ImportRequest, files: ImportFiles, onScan?: (found: number) => void): Promise<Plan> {
  const pattern = Importer.compile(request);
  const extensions = new Set(request.extensions);
  const plan: Plan = { files: [], skipped: [] };
  const seen = new Set<string>();
  for (const folder of request.folders) {
    for await (const entry of files.walk(folder, extensions)) {
      if ('passed' in entry) {
        plan.skipped.push(skippedReport(`${folder}/${entry.passed.relative}`, entry.passed.reason));
        continue;
      }
      const { file } = entry;
      const display = `${folder}/${file.relative}`;
      const pathKey = createHash('sha256').update(typeof file.path === 'string' ? Buffer.from(file.path) : file.path).digest('hex');
      // Folders given twice, or one inside another: each file once.
      if (seen.has(pathKey)) continue;
      seen.add(pathKey);
      if (seen.size % SCAN_REPORT_EVERY === 0) onScan?.(seen.size);
      let error: string | null = null;
      let facts: ReturnType<typeof readPathFacts> = null;
      try {
        facts = readPathFacts(pattern, file.relative, { timeFormat: request.timeFormat, timeZone: request.timeZone });
        if (facts === null) {
          plan.skipped.push(skippedReport(display, `the name does not match the regex ${request.regex}`, file.size));
          continue;
        }
      } catch (reason) {
        error = (reason as Error).message;
      }
      const named = request.camera ?? facts?.camera ?? null;
      if (error === null && named === null) error = 'the regex matched, but its camera group is empty';
      plan.files.push({
        path: file.path,
        display,
        error,
        facts: {
          path: display,
          pathKey,
          size: file.size,
          mtimeMs: Math.round(file.mtimeMs),
          cameraName: named === null ? null : `${named}${request.cameraNameSuffix}`,
          capturedAt: facts?.capturedAtMs ?? null,
          timeSource: facts?.capturedAtMs != null ? 'name' : null,
          latitude: facts?.latitude ?? null,
          longitude: facts?.longitude ?? null,
        },
      });
    }
  }
  onScan?.(seen.size);
  return plan;
}

/** What a dry run knows of the destination: the job of an earlier run of the request, and the media it has. */
export interface ImportPreviewSource {
  store: Pick<ImportJobStore, 'jobForRequest' | 'items'>;
  /** Whether the destination has these bytes as media already (a real run would say "already imported"). */
  hasMedia(sha256: string): Promise<boolean>;
}

/**
 * What an import would do, without writing anything: every file with its camera, time and size,
 * and the outcome a real run would give it. Files the request's job stored before (same size and
 * time) are already imported; the others are hashed, in name order as a run takes them: a copy of
 * an earlier file of the run is a duplicate, content the destination has is already imported, an
 * empty file fails. Without a source (no library), every readable file would be imported.
 */
export async function previewImport(request: ImportRequest, files: ImportFiles, source: ImportPreviewSource | null = null): Promise<ImportReport> {
  const plan = await planImport(request, files);
  const previous = source ? await source.store.jobForRequest(importRequestKey(request)) : null;
  const known = new Map(previous && source ? (await source.store.items(previous.id)).map((item) => [item.pathKey, item] as const) : []);
  const reports: ImportFileReport[] = [...plan.skipped];
  const hashed = new Set<string>();
  for (const file of plan.files) {
    if (file.error !== null) {
      reports.push(fileReport(file, 'failed', file.error));
      continue;
    }
    const item = known.get(file.facts.pathKey);
    if (item && item.state === 'stored' && item.size === file.facts.size && item.mtimeMs === file.facts.mtimeMs) {
      reports.push(storedReport(item, 'already_imported'));
      continue;
    }
    if (file.facts.size === 0) {
      reports.push(fileReport(file, 'failed', 'the file is empty (0 bytes)'));
      continue;
    }
    if (!source) {
      reports.push(fileReport(file, 'would_import', null));
      continue;
    }
    const digest = await files.hash(file.path, { keepBelow: 0 }).catch((error: unknown) => failureReason(error));
    if (typeof digest === 'string') {
      reports.push(fileReport(file, 'failed', digest));
      continue;
    }
    const status: ImportFileStatus = hashed.has(digest.sha256) ? 'duplicate' : (await source.hasMedia(digest.sha256)) ? 'already_imported' : 'would_import';
    hashed.add(digest.sha256);
    reports.push({ ...fileReport(file, status, null), fileId: digest.sha256 });
  }
  return summarize(null, reports, 0, false);
}

/** One run over the files to import, `concurrency` at a time. */
class ImportRun {
  private readonly cameras = new Map<string, Promise<string>>();
  /** The first file of the run with given bytes: resolves true once they are stored. */
  private readonly firstWithBytes = new Map<string, Promise<boolean>>();
  private readonly progress: ImportProgress;
  private fatal: CamtroveError | null = null;

  constructor(
    private readonly deps: { files: ImportFiles; imports: ImportJobStore; target: ImportTarget; clock: Clock },
    private readonly work: Work[],
    private readonly options: ImportRunOptions,
  ) {
    this.progress = { filesDone: 0, filesTotal: work.length, bytesDone: 0, bytesTotal: work.reduce((sum, w) => sum + w.file.facts.size, 0) };
  }

  async execute(): Promise<ImportFileReport[]> {
    const reports: ImportFileReport[] = [];
    let next = 0;
    const worker = async () => {
      while (next < this.work.length && this.fatal === null && !this.options.signal?.aborted) {
        const work = this.work[next++]!;
        reports.push(await this.importOne(work));
        this.progress.filesDone += 1;
        this.options.onProgress?.({ ...this.progress });
      }
    };
    this.options.onProgress?.({ ...this.progress });
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.options.concurrency, this.work.length)) }, worker));
    if (this.fatal !== null) throw this.fatal;
    return reports;
  }

  private async importOne({ file, item }: Work): Promise<ImportFileReport> {
    const fail = async (reason: string) => {
      await this.deps.imports.markFailed(item.jobId, item.seq, reason, this.deps.clock.now());
      return { ...fileReport(file, 'failed', reason), shard: item.shard };
    };
    if (file.error !== null) return fail(file.error);
    // Taken before any await, so turns follow the order files are taken in (see takeTurn).
    const turn = this.takeTurn(file.facts.size);
    let bytesCounted = 0;
    // A large file's copy begins now and runs while it is hashed.
    const staged = file.facts.size >= KEEP_IN_MEMORY_BELOW ? (this.deps.target.stage?.(file.path) ?? null) : null;
    try {
      const digest = await this.deps.files.hash(file.path, {
        keepBelow: KEEP_IN_MEMORY_BELOW,
        onBytes: (bytes) => {
          bytesCounted += bytes;
          this.progress.bytesDone += bytes;
        },
      });
      if (digest.size === 0) return await fail('the file is empty (0 bytes)');
      const changedMessage = (now: FileStamp) => `the file changed while it was imported (${file.facts.size} bytes, then ${now.size}); run the import again once it is complete`;
      // Changed since the folder was walked, or while it was read: a recorder still writing it.
      const walked = digest.before.size === file.facts.size && Math.round(digest.before.mtimeMs) === file.facts.mtimeMs;
      if (!walked || !sameStamp(digest.before, digest.after) || digest.size !== digest.before.size) {
        return await fail(changedMessage({ ...digest.after, size: Math.max(digest.after.size, digest.size) }));
      }
      // Bytes read into memory are what gets stored; a file copied by path is checked again once copied.
      const changed = async () => {
        if (digest.bytes) return;
        const now = await this.deps.files.stat(file.path).catch(() => null);
        if (!now) throw new Error('the file was deleted while it was imported');
        if (!sameStamp(now, digest.before)) throw new Error(changedMessage(now));
      };
      const cameraId = await this.cameraId(file.facts.cameraName!);
      await turn.previous;
      let waitFor = this.claimBytes(digest.sha256);
      turn.done();
      let duplicate = false;
      while (waitFor !== null) {
        if (await waitFor) {
          duplicate = true;
          break;
        }
        // The first copy failed: this one takes its place unless another already has.
        if (this.firstWithBytes.get(digest.sha256) === waitFor) this.firstWithBytes.delete(digest.sha256);
        waitFor = this.claimBytes(digest.sha256);
      }
      let stored = false;
      try {
        const posted = await this.deps.target.postVideoContent({
          jobId: item.jobId,
          seq: item.seq,
          shard: item.shard,
          path: file.path,
          displayPath: file.display,
          cameraName: file.facts.cameraName!,
          cameraId,
          timeFromName: file.facts.capturedAt,
          mtimeMs: file.facts.mtimeMs,
          latitude: file.facts.latitude,
          longitude: file.facts.longitude,
          sha256: digest.sha256,
          size: digest.size,
          bytes: digest.bytes,
          staged,
          duplicate,
          unchanged: changed,
        });
        stored = true;
        // Sent elsewhere by a hook or stored here, the file is imported.
        return { ...fileReport(file, posted.outcome === 'posted' ? 'imported' : posted.outcome, null), capturedAt: posted.capturedAt, timeSource: posted.timeSource, fileId: digest.sha256, shard: item.shard };
      } finally {
        if (!duplicate) this.settleBytes(digest.sha256, stored);
      }
    } catch (error) {
      // The bytes of a file that failed part-way do not count as done.
      this.progress.bytesDone += file.facts.size - bytesCounted;
      if (isNoSpace(error)) {
        this.fatal = new CamtroveError('CAMTROVE_ERR_NO_SPACE', `the disk holding the library is full (${noSpaceCause(error)}) while storing ${file.display}; nothing of that file was kept, and everything stored before is intact. Free space and run the same import again to continue.`);
        return { ...fileReport(file, 'failed', 'the disk is full'), shard: item.shard };
      }
      // The library is out of reach, or no longer lets this run write: no other file can do better.
      if (error instanceof CamtroveError && STOPS_THE_RUN.has(error.code)) {
        this.fatal = error;
        return { ...fileReport(file, 'failed', error.message), shard: item.shard };
      }
      return fail(failureReason(error));
    } finally {
      turn.done();
      await staged?.discard();
    }
  }

  private cameraId(name: string): Promise<string> {
    let id = this.cameras.get(name);
    if (!id) {
      id = this.deps.target.registerCamera(name).then((r) => r.cameraId);
      // A failure is not remembered: the next file of that camera tries again.
      id.catch(() => this.cameras.delete(name));
      this.cameras.set(name, id);
    }
    return id;
  }

  private readonly settlers = new Map<string, (stored: boolean) => void>();
  /** Per file size, the turn of the last file taken with that size. */
  private readonly turns = new Map<number, Promise<void>>();

  /**
   * Files of equal size claim their bytes in the order they were taken (name order), so of several
   * copies the first by name is the one imported, with its name's camera and time, and the others
   * are its duplicates, however the hashing races. Copies always have equal sizes; files of other
   * sizes never wait for each other.
   */
  private takeTurn(size: number): { previous: Promise<void>; done: () => void } {
    const previous = this.turns.get(size) ?? Promise.resolve();
    let done!: () => void;
    const own = new Promise<void>((resolve) => (done = resolve));
    // A file that gives up early ends its turn early, but the next still waits for the ones before.
    this.turns.set(size, previous.then(() => own));
    return { previous, done };
  }

  /**
   * Claims bytes for this file: null when it is the first with them (it stores them, then settles
   * the claim), else the first's claim, which resolves true once that file stored them.
   */
  private claimBytes(sha256: string): Promise<boolean> | null {
    const first = this.firstWithBytes.get(sha256);
    if (first) return first;
    this.firstWithBytes.set(sha256, new Promise((resolve) => this.settlers.set(sha256, resolve)));
    return null;
  }

  private settleBytes(sha256: string, stored: boolean): void {
    this.settlers.get(sha256)?.(stored);
    this.settlers.delete(sha256);
  }
}

function hookItem(file: PlannedFile): HookItem {
  const f = file.facts;
  return { path: f.path, cameraName: f.cameraName, timestamp: f.capturedAt === null ? null : new Date(f.capturedAt).toISOString(), location: f.latitude === null || f.longitude === null ? null : { lat: f.latitude, lng: f.longitude }, size: f.size };
}

function needsSegmentation(item: ImportItemWithAnalysis): boolean {
  return item.fileId !== null && item.outcome !== 'posted' && (item.analysisId === null || item.analysisState === 'FAILURE' || item.analysisState === 'CANCELLED');
}

function failureReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: the file cannot be read';
    case 'ENOENT':
      return 'the file was deleted before it was imported';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return e instanceof Error ? e.message : String(error);
  }
}

function fileReport(file: PlannedFile, status: ImportFileStatus, reason: string | null): ImportFileReport {
  const f = file.facts;
  return { path: file.display, status, reason, camera: f.cameraName, capturedAt: f.capturedAt, timeSource: f.timeSource, size: f.size, latitude: f.latitude, longitude: f.longitude, fileId: null, shard: null };
}

function storedReport(item: ImportItemWithAnalysis, status: ImportFileStatus): ImportFileReport {
  return { path: item.path, status, reason: null, camera: item.cameraName, capturedAt: item.capturedAt, timeSource: item.timeSource, size: item.size, latitude: item.latitude, longitude: item.longitude, fileId: item.fileId, shard: item.shard };
}

function skippedReport(path: string, reason: string, size = 0): ImportFileReport {
  return { path, status: 'skipped', reason, camera: null, capturedAt: null, timeSource: null, size, latitude: null, longitude: null, fileId: null, shard: null };
}

function summarize(jobId: string | null, files: ImportFileReport[], segmentations: number, interrupted: boolean): ImportReport {
  const count = (status: ImportFileStatus) => files.filter((f) => f.status === status).length;
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    jobId,
    imported: count('imported'),
    alreadyImported: count('already_imported'),
    duplicates: count('duplicate'),
    skipped: count('skipped'),
    failed: count('failed'),
    errors: files.filter((f) => f.status === 'failed').map((f) => ({ path: f.path, reason: f.reason ?? 'unknown' })),
    segmentations,
    interrupted,
    files,
  };
}

/** What said the disk is full: the file system's or database's code, or a server's answer. */
function noSpaceCause(error: unknown): string {
  if (isCamtroveError(error) && error.code === 'CAMTROVE_ERR_NO_SPACE') {
    const cause = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof cause === 'string' ? cause : 'the server says';
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'no space';
}
