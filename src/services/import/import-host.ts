import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { contentMismatch } from '../../adapters/blob/blob-store.js';
import type { ImportItemFacts, ImportItemWithAnalysis, ImportJobRecord, ShardStateCount } from '../../adapters/db/import.repository.js';
import type { LockHolder } from '../../adapters/db/lock.repository.js';
import { asNoSpace } from '../../domain/no-space.js';
import { CamtroveError } from '../../domain/errors.js';
import type { TimeSource } from '../../domain/import/capture-time.js';
import { IMPORT_JOB_ID } from '../../domain/import/import-request.js';
import { shardOf } from '../../domain/import/shards.js';
import { databaseLocks, type LockClaim, type LockPort } from '../library-lock.js';
import { IMPORT_LOCK } from './import-run.js';
import type { PostedVideo, StoredVideo } from './import-target.js';
import { LibraryImportTarget } from './library-import-target.js';
import { requireImportJob, type ImportServiceDeps } from './import.service.js';

/**
 * The server side of `camtrove import --server`: the client walks and hashes its folders; the
 * server keeps the job, the lock and the files, exactly as a local import keeps them in its
 * library. Writes are accepted only from the holder of the import lock, and times are the
 * server's, so clients with wrong clocks cannot confuse the lock or the records.
 */
export class ImportHost {
  private readonly locks: LockPort;

  constructor(private readonly deps: ImportServiceDeps & { maxUploadBytes: number }) {
    this.locks = databaseLocks(deps.locks, deps.clock);
  }

  /** Takes the import lock for a client; `replaces` is a holder the client knows to be dead (its own host, a pid that is gone). */
  acquireLock(claim: LockClaim, replaces: { host: string; pid: number } | null): ReturnType<LockPort['acquire']> {
    return this.locks.acquire(IMPORT_LOCK, claim, (holder) => replaces !== null && holder.host === replaces.host && holder.pid === replaces.pid);
  }

  renewLock(holder: string): Promise<boolean> {
    return this.locks.renew(IMPORT_LOCK, holder);
  }

  releaseLock(holder: string): Promise<void> {
    return this.locks.release(IMPORT_LOCK, holder);
  }

  /** Throws unless `holder` holds the import lock now: a client whose lock lapsed and was taken writes nothing more. */
  async requireLock(holder: string | undefined): Promise<void> {
    const current: LockHolder | null = await this.deps.locks.holder(IMPORT_LOCK);
    if (holder !== undefined && current?.holder === holder && current.expiresAt >= this.deps.clock.now()) return;
    throw new CamtroveError('CAMTROVE_ERR_LOCKED', current && current.holder !== holder
      ? `this client does not hold the import lock: ${current.purpose} (pid ${current.pid} on ${current.host}) holds it`
      : 'this client does not hold the import lock (it lapsed, or was never taken); start the import again');
  }

  jobForRequest(requestKey: string): Promise<ImportJobRecord | null> {
    return this.deps.imports.jobForRequest(requestKey);
  }

  job(id: string): Promise<ImportJobRecord> {
    return requireImportJob(this.deps.imports, id);
  }

  async createJob(job: Pick<ImportJobRecord, 'id' | 'requestKey' | 'request' | 'segment' | 'shardSize'>): Promise<ImportJobRecord> {
    if (!IMPORT_JOB_ID.test(job.id)) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `an import job id is 1 to 64 letters, digits, '.', '-' or '_' (a letter or digit first), not ${JSON.stringify(job.id)}`);
    const existing = await this.deps.imports.getJob(job.id);
    if (existing) {
      if (existing.requestKey !== job.requestKey) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `import job ${job.id} exists already, made by another import`);
      return existing;
    }
    return this.deps.imports.createJob({ ...job, createdAt: this.deps.clock.now() });
  }

  async items(jobId: string, page: { after: number; limit: number }): Promise<ImportItemWithAnalysis[]> {
    await this.job(jobId);
    return this.deps.imports.items(jobId, page);
  }

  async appendItems(jobId: string, facts: readonly ImportItemFacts[]): Promise<{ seq: number; shard: number }[]> {
    const job = await this.job(jobId);
    const items = await this.deps.imports.appendItems(job, facts, (seq) => shardOf(seq, job.shardSize), this.deps.clock.now());
    return items.map(({ seq, shard }) => ({ seq, shard }));
  }

  async rediscover(jobId: string, seq: number, facts: ImportItemFacts): Promise<void> {
    await this.deps.imports.rediscover(jobId, seq, facts, this.deps.clock.now());
  }

  async markFailed(jobId: string, seq: number, reason: string): Promise<void> {
    await this.deps.imports.markFailed(jobId, seq, reason, this.deps.clock.now());
  }

  async shardStateCounts(jobId: string): Promise<ShardStateCount[]> {
    await this.job(jobId);
    return this.deps.imports.shardStateCounts(jobId);
  }

  async recordPosted(posted: { jobId: string; seq: number; fileId: string; cameraId: string; capturedAt: number; timeSource: TimeSource }): Promise<void> {
    await this.deps.imports.recordPosted({ ...posted, now: this.deps.clock.now() });
  }

  registerCamera(name: string): Promise<{ cameraId: string }> {
    return this.library(false).registerCamera(name);
  }

  /** The size of stored bytes, or null: a client skips sending bytes the library has. */
  contentSize(sha256: string): Promise<number | null> {
    return this.deps.blobs.size(sha256);
  }

  /**
   * Stores bytes sent under their SHA-256; other bytes are refused (CONTENT_MISMATCH) and nothing
   * is kept. A small file (a camera clip) is taken whole and written at once, like a local import's.
   */
  async putContent(sha256: string, content: Readable, declaredSize: number | null): Promise<{ created: boolean }> {
    try {
      if (declaredSize !== null && declaredSize <= HASH_IN_MEMORY_UP_TO) {
        const bytes = await readUpTo(content, declaredSize);
        const actual = createHash('sha256').update(bytes).digest('hex');
        if (actual !== sha256) throw contentMismatch(bytes.length, actual, sha256);
        return { created: (await this.deps.blobs.putBytes(bytes, sha256)).created };
      }
      const { created } = await this.deps.blobs.put(content, { sha256, maxBytes: this.deps.maxUploadBytes });
      return { created };
    } catch (error) {
      throw asNoSpace(error, 'the bytes were not kept');
    }
  }

  /** Records a file whose bytes were sent: probe, capture time, media, item and segmentation, as a local import does. */
  async recordStored(video: StoredVideo, bytesWereNew: boolean): Promise<PostedVideo> {
    const job = await this.job(video.jobId);
    if ((await this.deps.blobs.size(video.sha256)) === null) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `the library has no bytes with SHA-256 ${video.sha256}; send them first (PUT /api/imports/content/${video.sha256})`);
    return this.library(job.segment).record(video, bytesWereNew);
  }

  segment(jobId: string, seq: number, fileId: string): Promise<string> {
    return this.library(true).segment(jobId, seq, fileId);
  }

  private library(segment: boolean): LibraryImportTarget {
    return new LibraryImportTarget({ ...this.deps, segment, link: false });
  }
}

/** Bytes hashed on the event loop (about 2.5 ms per MiB) rather than streamed through a worker thread. */
const HASH_IN_MEMORY_UP_TO = 4 << 20;

/** The whole body, which must not be longer than it said. */
async function readUpTo(content: Readable, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of content as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > size) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `the body is longer than its Content-Length (${size} bytes)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}
