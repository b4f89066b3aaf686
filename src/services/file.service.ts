import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import mime from 'mime-types';
import type { BlobStore, StoredBlob } from '../adapters/blob/blob-store.js';
import type { Clock } from '../adapters/clock.js';
import type { AnalysisRepository } from '../adapters/db/analysis.repository.js';
import type { FileRecord, FileRepository } from '../adapters/db/file.repository.js';
import type { Page } from '../adapters/db/pagination.js';
import { CamtroveError } from '../domain/errors.js';
import { parseIdPrefix, pickUnique } from '../domain/ids.js';
import { safeFileName } from '../domain/file-name.js';

export interface AddFileOptions {
  name?: string;
  contentType?: string;
  maxBytes?: number;
  onProgress?: (bytes: number) => void;
}

/** Files in the library: bytes in the blob store, a row in the database, one id for both. */
export class FileService {
  constructor(
    private readonly blobs: BlobStore,
    private readonly files: FileRepository,
    private readonly analyses: AnalysisRepository,
    private readonly clock: Clock,
  ) {}

  /** Stores a stream; identical bytes are stored once and keep their first name. */
  async add(content: Readable, options: AddFileOptions = {}): Promise<{ file: FileRecord; created: boolean }> {
    const blob = await this.blobs.put(content, { maxBytes: options.maxBytes, onProgress: options.onProgress });
    if (blob.size === 0) {
      // Empty files never get a row, so the empty blob is nobody's.
      await this.blobs.delete(blob.id);
      throw new CamtroveError('CAMTROVE_ERR_EMPTY_FILE', 'the file is empty (0 bytes); nothing was stored');
    }
    const name = safeFileName(options.name ?? '') || blob.id.slice(0, 12);
    const existing = await this.files.get(blob.id);
    if (existing) return { file: existing, created: false };
    const { file, inserted } = await this.files.insertIfAbsent({ id: blob.id, size: blob.size, name, contentType: contentTypeFor(name, options.contentType), createdAt: this.clock.now() });
    return { file, created: inserted };
  }

  /**
   * Stores bytes already in memory as a blob, without a file row: for callers that write the row
   * together with their own record in one transaction (archived frames).
   */
  storeBytes(bytes: Buffer, sha256?: string): Promise<StoredBlob> {
    if (bytes.length === 0) throw new CamtroveError('CAMTROVE_ERR_EMPTY_FILE', 'the file is empty (0 bytes); nothing was stored');
    return this.blobs.putBytes(bytes, sha256);
  }

  /**
   * Deleting a file nothing refers to, in two steps so a writer that found the blob already stored
   * a moment ago never ends up pointing at nothing: the row goes now (a new reference re-creates
   * it), and the blob goes on a later pass, only if the row has not come back (dropBlobIfUnlisted).
   */
  async unlist(fileId: string): Promise<void> {
    await this.files.delete(fileId);
  }

  async dropBlobIfUnlisted(fileId: string): Promise<boolean> {
    if (await this.files.get(fileId)) return false;
    await this.blobs.delete(fileId);
    return true;
  }

  addFromPath(path: string, options: AddFileOptions = {}): Promise<{ file: FileRecord; created: boolean }> {
    // Large reads: per-chunk costs (hashing hand-off, writes) dominate with the 64 KiB default.
    return this.add(createReadStream(path, { highWaterMark: 1 << 20 }), options);
  }

  /** Resolves a full id or unique prefix of at least 6 hex characters. */
  async resolve(idOrPrefix: string): Promise<FileRecord> {
    const prefix = parseIdPrefix(idOrPrefix, 'file', 64);
    const id = prefix.length === 64 ? prefix : pickUnique(prefix, await this.files.idsWithPrefix(prefix, 5), 'file');
    const file = await this.files.get(id);
    if (!file) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `no file has id ${id}`);
    return file;
  }

  list(options: { limit: number; after?: string | null }): Promise<Page<FileRecord>> {
    return this.files.list(options);
  }

  read(file: FileRecord, range?: { start: number; end: number }): Readable {
    return this.blobs.read(file.id, range);
  }

  localCopy(fileId: string) {
    return this.blobs.localCopy(fileId);
  }

  async delete(idOrPrefix: string): Promise<FileRecord> {
    const file = await this.resolve(idOrPrefix);
    if (await this.analyses.fileInUse(file.id)) {
      throw new CamtroveError('CAMTROVE_ERR_FILE_IN_USE', `file ${file.id} is read by a pending or running analysis; cancel it or wait for it to finish`);
    }
    await this.files.delete(file.id);
    await this.blobs.delete(file.id);
    return file;
  }
}

function contentTypeFor(name: string, given: string | undefined): string {
  if (given && given !== 'application/octet-stream' && /^[\w.+-]+\/[\w.+-]+$/.test(given)) return given;
  return mime.lookup(name) || 'application/octet-stream';
}
