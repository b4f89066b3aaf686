import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { createStreamHash } from '../blob/threaded-sha256.js';

/** What says a file is the same one: it changes when the file is written to or replaced. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** A file read once: its SHA-256, its size, its bytes when small, and its stamp before and after the read. */
export interface HashedFile {
  sha256: string;
  size: number;
  /** The whole content, for files under `keepBelow` bytes; null for larger ones. */
  bytes: Buffer | null;
  before: FileStamp;
  after: FileStamp;
}

const READ_BYTES = 1 << 20;

/**
 * Hashes a file in one read. A small file is read whole and its bytes kept, so it can be stored
 * and probed without opening it again; a large one is streamed through a hash on worker threads
 * (see threaded-sha256), so several files hash in parallel on several cores while this thread only
 * reads. The file's stamp is taken on the open handle before and after: a file written to during
 * the read shows it.
 */
export async function hashFile(path: string | Buffer, options: { keepBelow: number; onBytes?: (bytes: number) => void }): Promise<HashedFile> {
  const handle = await open(path, 'r');
  try {
    const before = await stamp(handle);
    const { sha256, size, bytes } = before.size < options.keepBelow ? await readWhole(handle, before.size, options.onBytes) : await streamHash(handle, options.onBytes);
    return { sha256, size, bytes, before, after: await stamp(handle) };
  } finally {
    await handle.close();
  }
}

async function readWhole(handle: FileHandle, expected: number, onBytes?: (bytes: number) => void) {
  // One byte more than expected, to see a file that grew.
  let buffer = Buffer.allocUnsafe(expected + 1);
  let size = 0;
  for (;;) {
    if (size === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
    const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null);
    if (bytesRead === 0) break;
    size += bytesRead;
    onBytes?.(bytesRead);
  }
  const bytes = buffer.subarray(0, size);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size, bytes };
}

async function streamHash(handle: FileHandle, onBytes?: (bytes: number) => void) {
  const hash = createStreamHash();
  // One buffer is enough: update copies the chunk before it resolves, and the worker thread
  // hashes while the next read runs.
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      await hash.update(buffer.subarray(0, bytesRead));
      onBytes?.(bytesRead);
    }
    return { sha256: await hash.digest(), size, bytes: null };
  } catch (error) {
    hash.discard();
    throw error;
  }
}

async function stamp(handle: FileHandle): Promise<FileStamp> {
  const info = await handle.stat();
  return { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino };
}

/** Whether two stamps are of the same, unchanged file. */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}
