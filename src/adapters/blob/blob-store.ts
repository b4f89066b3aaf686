import type { Readable } from 'node:stream';
import { CamtroveError } from '../../domain/errors.js';

export interface StoredBlob {
  /** SHA-256 of the content, 64 lowercase hex: the file id. */
  id: string;
  size: number;
  /** False when identical bytes were already stored (the new copy was dropped). */
  created: boolean;
}

export interface PutOptions {
  /** Stop and store nothing once more than this many bytes arrive. */
  maxBytes?: number;
  onProgress?: (bytesSoFar: number) => void;
  /** The SHA-256 the content must have: other bytes are not stored, and the put fails with CONTENT_MISMATCH. */
  sha256?: string;
}

/** A copy of a file on its way into the store; see BlobStore.stageFile. */
export interface StagedBlob {
  /** Publishes the copy as `sha256`; fails when it does not have `size` bytes (the file changed). */
  commit(sha256: string, size: number): Promise<StoredBlob>;
  discard(): Promise<void>;
}

/**
 * Bytes received and hashed, not yet published under their id (see BlobStore.receive): the caller
 * publishes them while it holds the blob's lock, so that no deletion of the same id runs between
 * "the blob is there" and the row that uses it.
 */
export interface ReceivedBlob {
  id: string;
  size: number;
  /** Publishes the bytes unless a blob with this id exists; true when this call put them there. */
  publish(): Promise<boolean>;
  /** Removes the received copy unless it was published; safe to call always, and more than once. */
  discard(): Promise<void>;
}

/** A local path to hand to ffmpeg; `release()` when done (a remote store deletes its download). */
export interface LocalCopy {
  path: string;
  release(): Promise<void>;
}

/**
 * Immutable bytes addressed by their SHA-256. Implementations: a local folder (default);
 * an S3-compatible store can satisfy the same contract.
 */
export interface BlobStore {
  /** Receives and publishes a stream: receive(), then publish(). */
  put(content: Readable, options?: PutOptions): Promise<StoredBlob>;
  /**
   * Receives a stream into a temporary copy, hashing it as it comes, without publishing it. A full
   * disk fails with CAMTROVE_ERR_NO_SPACE and leaves nothing behind.
   */
  receive(content: Readable, options?: PutOptions): Promise<ReceivedBlob>;
  /** Stores bytes already in memory (a camera frame): no stream, one write. `sha256` spares hashing them again when the caller has. */
  putBytes(bytes: Buffer, sha256?: string): Promise<StoredBlob>;
  /**
   * Stores a file already hashed by the caller, copied (in the kernel where the file system can)
   * rather than streamed through the process. The caller checks that the file did not change
   * while it was hashed and copied; the size is checked here.
   */
  putFile(path: string | Buffer, sha256: string, size: number): Promise<StoredBlob>;
  /**
   * Starts copying a file before its hash is known, so the copy runs while the caller hashes it:
   * `commit` stores it under the hash (or drops it when those bytes are stored already), `discard`
   * drops it. One of the two must be called.
   */
  stageFile(path: string | Buffer): StagedBlob;
  /**
   * Refers to a file where it is instead of copying it (`import --link`): the blob reads the file,
   * so moving, changing or deleting it breaks the blob. The caller has hashed it.
   */
  linkFile(path: string, sha256: string): Promise<StoredBlob & { linked: boolean }>;
  /** Size in bytes, or null when the blob is absent. */
  size(id: string): Promise<number | null>;
  /** Reads the blob, or the inclusive byte range [start, end] of it. */
  read(id: string, range?: { start: number; end: number }): Readable;
  /**
   * Like read, once the blob is open: null when it is absent. An open blob reads to its end even
   * if it is deleted meanwhile, so a download racing a deletion sends all the bytes or none.
   */
  open(id: string, range?: { start: number; end: number }): Promise<Readable | null>;
  delete(id: string): Promise<void>;
  localCopy(id: string): Promise<LocalCopy>;
  /**
   * Up to `limit` stored blobs with ids after `after`, in id order, each with when it was last
   * written (epoch ms): for finding blobs no file refers to.
   */
  list(options: { after?: string; limit: number }): Promise<ListedBlob[]>;
}

export interface ListedBlob {
  id: string;
  modifiedAt: number;
}

/** The error of a put whose bytes do not have the SHA-256 they were sent under. */
export function contentMismatch(size: number, actual: string, expected: string): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_CONTENT_MISMATCH', `the ${size} bytes received have SHA-256 ${actual}, not the ${expected} they were sent as; nothing was stored`);
}
