import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import mime from 'mime-types';
import type { BlobStore, StoredBlob } from '../adapters/blob/blob-store.js';
import type { Clock } from '../adapters/clock.js';
import type { FileRecord, FileRepository } from '../adapters/db/file.repository.js';
import type { Page } from '../adapters/db/pagination.js';
import type { SpaceReserve } from '../adapters/db/space-reserve.js';
import { CamtroveError } from '../domain/errors.js';
import { deletionOf, describeUsage, type FileUsage } from '../domain/file-usage.js';
import { notFoundError, resolveId } from '../domain/ids.js';
import { safeFileName } from '../domain/file-name.js';
import { asNoSpace, isNoSpace } from '../domain/no-space.js';

export interface AddFileOptions {
  name?: string;
  contentType?: string;
  maxBytes?: number;
  onProgress?: (bytes: number) => void;
  /** The analysis storing this file as its result: deleting the file then names the analysis. */
  outputOf?: string;
}

export interface DeleteFileOptions {
  /** Delete what uses the file too (events, media, frames, finished analyses, import items). */
  cascade?: boolean;
}

/** Blob deletions finished per transaction. */
const SWEEP_BATCH = 200;
/** Blobs no file refers to are left this long: a write may still be on its way to its row. */
export const ORPHAN_GRACE_MS = 3_600_000;
/** Blobs listed per page when looking for those no file refers to. */
const ORPHAN_PAGE = 1000;

export interface OrphanSweep {
  /** Blobs looked at. */
  checked: number;
  /** Blobs no file refers to, older than the grace period: deleted, unless a dry run. */
  orphans: string[];
}

/**
 * Files in the library: bytes in the blob store, a row in the database, one id for both.
 *
 * Every path that makes a row use a blob, and every path that unlinks a blob, holds the blob's
 * lock (FileRepository.locked) while it checks and acts: a writer publishes its bytes (or finds
 * them there) and inserts the row in one locked transaction; a deletion deletes the row and records
 * the blob for deletion in one, then unlinks it in another only if no row uses the id by then. So
 * an upload racing a delete of the same bytes either lands after it (and its bytes are there) or
 * before it (and the delete takes both), never a row without bytes.
 */
export class FileService {
  constructor(
    private readonly blobs: BlobStore,
    private readonly files: FileRepository,
    private readonly clock: Clock,
    /** Disk space held back so that deletions work on a full disk (SQLite); null when not needed. */
    private readonly reserve: SpaceReserve | null = null,
  ) {}

  /** Stores a stream; identical bytes are stored once and keep their first name. */
  async add(content: Readable, options: AddFileOptions = {}): Promise<{ file: FileRecord; created: boolean }> {
    await this.refillReserve();
    const received = await this.blobs.receive(content, { maxBytes: options.maxBytes, onProgress: options.onProgress });
    let published = false;
    try {
      // Empty files never get a row: the empty blob would be nobody's.
      if (received.size === 0) throw new CamtroveError('CAMTROVE_ERR_EMPTY_FILE', 'the file is empty (0 bytes); nothing was stored');
      const name = safeFileName(options.name ?? '') || received.id.slice(0, 12);
      const row = { id: received.id, size: received.size, name, contentType: contentTypeFor(name, options.contentType), createdAt: this.clock.now() };
      return await this.files.locked([received.id], async (files) => {
        const inserted = await files.ensure(row);
        // Under the lock: the bytes are in place when the row commits, whoever stored them first.
        if (await received.publish()) published = true;
        else if ((await this.blobs.size(received.id)) === null) throw new Error(`the bytes of ${received.id} went missing while they were stored`);
        if (options.outputOf) await files.recordOutput(options.outputOf, received.id);
        const file = await files.get(received.id);
        if (!file) throw new Error(`file ${received.id} vanished right after insert`);
        return { file, created: inserted };
      });
    } catch (error) {
      // The row did not commit: bytes this call published belong to nobody, unless a row came since.
      if (published) await this.dropIfUnlisted([received.id]).catch(() => undefined);
      throw asNoSpace(error, 'the file was not stored');
    } finally {
      await received.discard();
    }
  }

  /**
   * Stores bytes already in memory as a blob, without a file row: for callers that write the row
   * together with their own record in one transaction (archived frames), and check under the blob
   * lock that the bytes are still there (restoreBytes).
   */
  storeBytes(bytes: Buffer, sha256?: string): Promise<StoredBlob> {
    if (bytes.length === 0) throw new CamtroveError('CAMTROVE_ERR_EMPTY_FILE', 'the file is empty (0 bytes); nothing was stored');
    return this.blobs.putBytes(bytes, sha256);
  }

  /**
   * Writes again any of these blobs that a deletion removed since they were stored: called inside a
   * transaction holding their locks, before the rows that use them are inserted. One stat each when
   * they are there, as they nearly always are.
   */
  async restoreBytes(blobs: readonly { id: string; bytes: Buffer }[]): Promise<void> {
    const seen = new Set<string>();
    for (const { id, bytes } of blobs) {
      if (seen.has(id)) continue;
      seen.add(id);
      await this.blobs.putBytes(bytes, id);
    }
  }

  addFromPath(path: string, options: AddFileOptions = {}): Promise<{ file: FileRecord; created: boolean }> {
    // Large reads: per-chunk costs (hashing hand-off, writes) dominate with the 64 KiB default.
    return this.add(createReadStream(path, { highWaterMark: 1 << 20 }), options);
  }

  /** Resolves a full id or unique prefix of at least 6 hex characters. */
  async resolve(idOrPrefix: string): Promise<FileRecord> {
    const id = await resolveId('file', idOrPrefix, { withPrefix: (prefix, limit) => this.files.idsWithPrefix(prefix, limit) });
    const file = await this.files.get(id);
    if (!file) throw notFoundError('file', id);
    return file;
  }

  list(options: { limit: number; after?: string | null }): Promise<Page<FileRecord>> {
    return this.files.list(options);
  }

  /** The library's file count and bytes stored. */
  totals(): Promise<{ count: number; bytes: number }> {
    return this.files.totals();
  }

  /** What uses a file: what a deletion would refuse over, or take along with cascade. */
  async usage(idOrPrefix: string): Promise<{ file: FileRecord; usage: FileUsage }> {
    const file = await this.resolve(idOrPrefix);
    return { file, usage: await this.files.usage(file.id) };
  }

  read(file: FileRecord, range?: { start: number; end: number }): Readable {
    return this.blobs.read(file.id, range);
  }

  /**
   * The file's bytes, opened: a download that races the file's deletion gets all of them or
   * FILE_NOT_FOUND, never a broken response.
   */
  async open(file: FileRecord, range?: { start: number; end: number }): Promise<Readable> {
    const stream = await this.blobs.open(file.id, range);
    if (stream) return stream;
    if (await this.files.get(file.id)) throw new CamtroveError('CAMTROVE_ERR_INTERNAL', `the bytes of file ${file.id} are missing from the blob store`);
    throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `no file has id ${file.id} (it was deleted meanwhile)`);
  }

  localCopy(fileId: string) {
    return this.blobs.localCopy(fileId);
  }

  /**
   * Deletes a file: refused (FILE_IN_USE, naming the users) while anything uses it, unless
   * `cascade` deletes those too, in the same transaction; pending or running analyses of it refuse
   * even then. Resolves once the bytes are gone from disk. Works on a full disk: when the database
   * cannot write, the space reserve is let go and the deletion tried again.
   */
  async delete(idOrPrefix: string, options: DeleteFileOptions = {}): Promise<{ file: FileRecord; cascaded: FileUsage | null }> {
    const { id } = await this.resolve(idOrPrefix);
    const result = await this.withRoom(() =>
      this.files.locked([id], async (files) => {
        const file = await files.get(id);
        if (!file) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `no file has id ${id} (it was deleted meanwhile)`);
        const usage = await files.usage(id);
        const deletion = deletionOf(usage);
        if (deletion.kind === 'refused') throw new CamtroveError('CAMTROVE_ERR_FILE_IN_USE', `file ${id} is used by ${describeUsage(usage)}; ${deletion.remedy}`);
        let cascaded: FileUsage | null = null;
        if (deletion.kind === 'cascade') {
          if (!options.cascade) {
            throw new CamtroveError('CAMTROVE_ERR_FILE_IN_USE', `file ${id} is used by ${describeUsage(usage)}; delete them with it with ?cascade=true (camtrove files rm --cascade)`);
          }
          await files.deleteUsers(id, this.clock.now());
          cascaded = usage;
        }
        await files.deleteAndScheduleBlobs([id], this.clock.now());
        return { file, cascaded };
      }),
    );
    await this.withRoom(() => this.finishBlobDeletions([id]));
    await this.refillReserve();
    return result;
  }

  /**
   * Lets go of files that nothing uses any more (the frames cut from a removed asset's video): their
   * rows and blobs. Files something still uses stay. Returns how many went.
   */
  async dropUnused(ids: readonly string[]): Promise<number> {
    let dropped = 0;
    const list = [...new Set(ids)];
    for (let i = 0; i < list.length; i += SWEEP_BATCH) {
      const batch = list.slice(i, i + SWEEP_BATCH);
      dropped += await this.withRoom(() => this.files.locked(batch, async (files) => files.deleteAndScheduleBlobs(await files.unused(batch), this.clock.now())));
      await this.withRoom(() => this.finishBlobDeletions(batch));
    }
    return dropped;
  }

  /**
   * Unlinks the blobs recorded for deletion (all of them, or these) whose ids no row uses, and
   * clears their records; a blob whose id a row uses again is kept. Safe in any process at any
   * time: start-up runs it to finish what a crash interrupted. Returns how many blobs it unlinked.
   */
  /**
   * Finds the blobs no file refers to that were written more than `olderThanMs` ago, and deletes
   * them (unless `dryRun`): bytes a process stored and then died before committing the row that
   * uses them (a kill -9 between the two). Younger blobs may be a write still on its way to its row,
   * so they stay. Each deletion checks again under the blob's lock, as every writer publishes under it.
   */
  async sweepOrphans(options: { olderThanMs: number; dryRun?: boolean; signal?: AbortSignal; onProgress?: (sweep: OrphanSweep) => void }): Promise<OrphanSweep> {
    const cutoff = this.clock.now() - options.olderThanMs;
    const sweep: OrphanSweep = { checked: 0, orphans: [] };
    let after: string | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      const page = await this.blobs.list({ after, limit: ORPHAN_PAGE });
      sweep.checked += page.length;
      const old = page.filter((blob) => blob.modifiedAt < cutoff).map((blob) => blob.id);
      const listed = old.length > 0 ? await this.files.listed(old) : new Set<string>();
      const candidates = old.filter((id) => !listed.has(id));
      if (candidates.length > 0 && options.dryRun) sweep.orphans.push(...candidates);
      else if (candidates.length > 0) {
        await this.files.locked(candidates, async (files) => {
          const since = await files.listed(candidates);
          for (const id of candidates) {
            if (since.has(id)) continue;
            await this.blobs.delete(id);
            sweep.orphans.push(id);
          }
        });
      }
      options.onProgress?.(sweep);
      if (page.length < ORPHAN_PAGE) return sweep;
      after = page.at(-1)!.id;
    }
  }

  async finishBlobDeletions(ids?: readonly string[]): Promise<number> {
    let removed = 0;
    const sweep = async (batch: readonly string[]) =>
      this.files.locked(batch, async (files) => {
        const listed = await files.listed(batch);
        for (const id of batch) {
          if (listed.has(id)) continue;
          await this.blobs.delete(id);
          removed += 1;
        }
        await files.blobDeletionsDone(batch);
      });
    if (ids) {
      for (let at = 0; at < ids.length; at += SWEEP_BATCH) await sweep(ids.slice(at, at + SWEEP_BATCH));
      return removed;
    }
    // Bounded: each round clears what it read, and a round that reads less than a batch is the last.
    for (let round = 0; round < 10_000; round += 1) {
      const batch = await this.files.pendingBlobDeletions(SWEEP_BATCH);
      if (batch.length > 0) await sweep(batch);
      if (batch.length < SWEEP_BATCH) break;
    }
    return removed;
  }

  /** Unlinks blobs that no row uses (bytes a failed write published), under their locks. */
  async dropIfUnlisted(ids: readonly string[]): Promise<void> {
    await this.files.locked(ids, async (files) => {
      const listed = await files.listed(ids);
      for (const id of ids) if (!listed.has(id)) await this.blobs.delete(id);
    });
  }

  /** Runs a write; when it meets a full disk and the reserve can be let go, runs it again. */
  private async withRoom<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isNoSpace(error) || !this.reserve || !(await this.reserve.release())) throw asNoSpace(error, 'the file could not be deleted');
      return write();
    }
  }

  private async refillReserve(): Promise<void> {
    await this.reserve?.fill().catch(() => false);
  }
}

function contentTypeFor(name: string, given: string | undefined): string {
  if (given && given !== 'application/octet-stream' && /^[\w.+-]+\/[\w.+-]+$/.test(given)) return given;
  return mime.lookup(name) || 'application/octet-stream';
}
