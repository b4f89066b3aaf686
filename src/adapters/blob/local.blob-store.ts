import { createHash, randomBytes } from 'node:crypto';
import { close as closeFd, constants as fsConstants, createReadStream, fsync, open as openFd, statSync, writeFile as writeFileCallback } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, rename, rm, stat, symlink } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CamtroveError } from '../../domain/errors.js';
import { asNoSpace } from '../../domain/no-space.js';
import { taggedName } from '../../domain/process-owner.js';
import { currentOwnerTag } from '../process-identity.js';
import { removeLeftovers } from '../scratch-leftovers.js';
import { contentMismatch, type BlobStore, type ListedBlob, type LocalCopy, type PutOptions, type ReceivedBlob, type StagedBlob, type StoredBlob } from './blob-store.js';
import { createDurableFileSink } from './durable-file-sink.js';
import { receiveAndPublish } from './receive-and-publish.js';
import { createStreamHash } from './threaded-sha256.js';

/** Temp files without an owner in their name (older versions) are removed at start-up after this long. */
const STALE_TEMP_MS = 24 * 3_600_000;



/**
 * Blobs as files under `<root>/<2 hex>/<2 hex>/<64 hex>`. A put streams into `<root>/tmp/` (same
 * file system), hashing as it goes (on a worker thread), fsyncs, then renames into place: a reader never sees a partial
 * blob and a crash leaves only a temp file.
 */
export class LocalBlobStore implements BlobStore {
  private readonly tempDir: string;
  /** Shard folders known to exist: a frame a millisecond should not cost a mkdir each. */
  private readonly knownDirs = new Set<string>();
  /** Temp names: unique to this store instance, a counter, then this process (see removeLeftovers). */
  private readonly tempPrefix = randomBytes(6).toString('hex');
  private readonly ownerTag = currentOwnerTag();
  private tempCount = 0;

  constructor(private readonly root: string) {
    this.tempDir = join(root, 'tmp');
  }

  /** Creates the folders, and removes temp files of processes that are gone (a kill -9 mid-upload). */
  async init(): Promise<string[]> {
    await mkdir(this.tempDir, { recursive: true });
    return removeLeftovers(this.tempDir, { untaggedOlderThanMs: STALE_TEMP_MS });
  }

  private nextTempPath(suffix = '.part'): string {
    return join(this.tempDir, taggedName(`${this.tempPrefix}-${(this.tempCount += 1)}`, this.ownerTag, suffix));
  }

  pathOf(id: string): string {
    return join(this.root, id.slice(0, 2), id.slice(2, 4), id);
  }

  put(content: Readable, options: PutOptions = {}): Promise<StoredBlob> {
    return receiveAndPublish(this, content, options);
  }

  async receive(content: Readable, options: PutOptions = {}): Promise<ReceivedBlob> {
    const tempPath = this.nextTempPath();
    const hash = createStreamHash();
    let size = 0;
    const { maxBytes, onProgress } = options;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (maxBytes !== undefined && size > maxBytes) {
          callback(new CamtroveError('CAMTROVE_ERR_UPLOAD_TOO_LARGE', `the upload is larger than the limit of ${maxBytes} bytes (maxUploadBytes)`));
          return;
        }
        onProgress?.(size);
        hash.update(chunk).then(() => callback(null, chunk), callback);
      },
    });
    let id: string;
    try {
      // The sink fsyncs before it finishes: the bytes are on disk before the rename publishes them.
      await pipeline(content, meter, createDurableFileSink(tempPath));
      id = await hash.digest();
      if (options.sha256 !== undefined && options.sha256 !== id) {
        throw contentMismatch(size, id, options.sha256);
      }
    } catch (error) {
      hash.discard();
      await rm(tempPath, { force: true });
      throw asNoSpace(error, 'the file was not stored');
    }
    let settled = false;
    return {
      id,
      size,
      publish: async () => {
        // Once settled (a transaction run again), the caller checks that the blob is there.
        if (settled) return false;
        settled = true;
        try {
          if (await exists(this.pathOf(id))) {
            await rm(tempPath, { force: true });
            return false;
          }
          // rename is atomic; two writers of the same bytes both land the same content.
          await this.publish(tempPath, this.pathOf(id));
          return true;
        } catch (error) {
          await rm(tempPath, { force: true });
          throw asNoSpace(error, 'the file was not stored');
        }
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        await rm(tempPath, { force: true });
      },
    };
  }

  async putBytes(bytes: Buffer, sha256?: string): Promise<StoredBlob> {
    // Small enough to hash here: a camera frame takes a fraction of a millisecond.
    const id = sha256 ?? createHash('sha256').update(bytes).digest('hex');
    const finalPath = this.pathOf(id);
    // A frame a millisecond: a lookup that throws ENOENT (with its stack) for every new blob costs more than the write.
    if (statSync(finalPath, { throwIfNoEntry: false })) return { id, size: bytes.length, created: false };
    const tempPath = this.nextTempPath();
    try {
      // One call: open, write, fsync, close, without a FileHandle per frame.
      await writeFileFlushed(tempPath, bytes);
      await this.publish(tempPath, finalPath);
      return { id, size: bytes.length, created: true };
    } catch (error) {
      await rm(tempPath, { force: true });
      throw asNoSpace(error, 'the file was not stored');
    }
  }

  async putFile(path: string | Buffer, sha256: string, size: number): Promise<StoredBlob> {
    if (await exists(this.pathOf(sha256))) return { id: sha256, size, created: false };
    return this.stageFile(path).commit(sha256, size);
  }

  stageFile(path: string | Buffer): StagedBlob {
    const tempPath = this.nextTempPath();
    // copy_file_range: no bytes through this process, a reflink on file systems that share extents.
    const copied = (async () => {
      await copyFile(path, tempPath, fsConstants.COPYFILE_EXCL);
      await fsyncPath(tempPath);
      return (await stat(tempPath)).size;
    })();
    // Reported by commit or swallowed by discard; never unhandled.
    copied.catch(() => undefined);
    const drop = () => rm(tempPath, { force: true });
    return {
      commit: async (sha256, size) => {
        try {
          const bytes = await copied;
          if (await exists(this.pathOf(sha256))) {
            await drop();
            return { id: sha256, size, created: false };
          }
          if (bytes !== size) throw new Error(`the file changed while it was copied (${size} bytes hashed, ${bytes} copied)`);
          await this.publish(tempPath, this.pathOf(sha256));
          return { id: sha256, size, created: true };
        } catch (error) {
          await drop();
          throw asNoSpace(error, 'the file was not stored');
        }
      },
      discard: async () => {
        await copied.catch(() => undefined);
        await drop();
      },
    };
  }

  async linkFile(path: string, sha256: string): Promise<StoredBlob & { linked: boolean }> {
    const finalPath = this.pathOf(sha256);
    const info = await stat(finalPath).catch(() => null);
    const size = (await stat(path)).size;
    if (info) return { id: sha256, size, created: false, linked: false };
    const tempPath = this.nextTempPath('.link');
    try {
      await symlink(resolve(path), tempPath);
      await this.publish(tempPath, finalPath);
      return { id: sha256, size, created: true, linked: true };
    } catch (error) {
      await rm(tempPath, { force: true });
      throw asNoSpace(error, 'the link was not stored');
    }
  }

  /** Renames a complete temp file into place (atomic) and makes the rename durable. */
  private async publish(tempPath: string, finalPath: string): Promise<void> {
    const dir = dirname(finalPath);
    if (!this.knownDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    await rename(tempPath, finalPath);
    await fsyncPath(dir);
  }

  async size(id: string): Promise<number | null> {
    const info = await stat(this.pathOf(id)).catch(() => null);
    return info ? info.size : null;
  }

  read(id: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(id), range ? { start: range.start, end: range.end } : {});
  }

  async open(id: string, range?: { start: number; end: number }): Promise<Readable | null> {
    const stream = this.read(id, range);
    try {
      await once(stream, 'ready');
      return stream;
    } catch (error) {
      stream.destroy();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async list(options: { after?: string; limit: number }): Promise<ListedBlob[]> {
    // Blobs live at <aa>/<bb>/<id>: walk the two levels in order, skipping what sorts before `after`.
    const after = options.after ?? '';
    const found: ListedBlob[] = [];
    const hex2 = (names: string[]) => names.filter((n) => /^[0-9a-f]{2}$/.test(n)).sort();
    for (const first of hex2(await readdirOrEmpty(this.root))) {
      if (first < after.slice(0, 2)) continue;
      for (const second of hex2(await readdirOrEmpty(join(this.root, first)))) {
        if (first + second < after.slice(0, 4)) continue;
        const names = (await readdirOrEmpty(join(this.root, first, second))).filter((n) => /^[0-9a-f]{64}$/.test(n) && n > after).sort();
        for (const id of names) {
          const info = await lstat(join(this.root, first, second, id)).catch(() => null);
          if (info) found.push({ id, modifiedAt: info.mtimeMs });
          if (found.length >= options.limit) return found;
        }
      }
    }
    return found;
  }

  async delete(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }

  localCopy(id: string): Promise<LocalCopy> {
    // Blobs are already local files: nothing to download or clean up.
    return Promise.resolve({ path: this.pathOf(id), release: () => Promise.resolve() });
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/** fsync of a file or folder through plain descriptors (no FileHandle object: this runs once per stored frame). */
function fsyncPath(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    openFd(path, 'r', (openError, fd) => {
      if (openError) return reject(openError);
      fsync(fd, (syncError) =>
        closeFd(fd, (closeError) => {
          const error = syncError ?? closeError;
          if (error) reject(error);
          else resolve();
        }),
      );
    });
  });
}

/** Writes a new file (failing if it exists) and fsyncs it before it resolves. */
function writeFileFlushed(path: string, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => writeFileCallback(path, bytes, { flag: 'wx', flush: true }, (error) => (error ? reject(error) : resolve())));
}

/** The names in a folder, or none when it is not there. */
async function readdirOrEmpty(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
