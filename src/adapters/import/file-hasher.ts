import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createStreamHash } from '../blob/threaded-sha256.js';

/** The file's SHA-256 and how many bytes were read. */
export interface FileDigest {
  sha256: string;
  size: number;
}

const READ_BYTES = 1 << 20;
/** Below this, hashing on this thread costs less than handing the bytes to a worker. */
const INLINE_BYTES = 4 << 20;

/**
 * Hashes a file in one read. Large files are hashed on worker threads (see threaded-sha256), so
 * several files hash in parallel on several cores while this thread only reads.
 */
export async function hashFile(path: string | Buffer, onBytes?: (bytes: number) => void): Promise<FileDigest> {
  const handle = await open(path, 'r');
  try {
    const { size: expected } = await handle.stat();
    const hash = expected < INLINE_BYTES ? inlineHash() : createStreamHash();
    // One buffer is enough: both hashes have taken (or copied) a chunk when update resolves, and a
    // worker thread hashes while the next read runs.
    const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, Math.max(expected, 64 << 10)));
    let size = 0;
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        size += bytesRead;
        await hash.update(buffer.subarray(0, bytesRead));
        onBytes?.(bytesRead);
      }
      return { sha256: await hash.digest(), size };
    } catch (error) {
      hash.discard();
      throw error;
    }
  } finally {
    await handle.close();
  }
}

function inlineHash() {
  const hash = createHash('sha256');
  return {
    update: (chunk: Buffer) => {
      hash.update(chunk);
      return Promise.resolve();
    },
    digest: () => Promise.resolve(hash.digest('hex')),
    discard: () => undefined,
  };
}
