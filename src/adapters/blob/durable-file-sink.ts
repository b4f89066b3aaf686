import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

export interface DurableFileSinkOptions {
  /** Small chunks (a multipart upload arrives in 64 KiB pieces) are gathered into writes this large. */
  writeBytes?: number;
  /** Data written is flushed to disk in the background after this many bytes. */
  syncEveryBytes?: number;
}

/**
 * A Writable that creates `path` (failing if it exists) and has every byte on disk when it
 * finishes. Flushing in the background while the stream goes on leaves the final fsync little to
 * do, instead of stalling once on the whole file at the end.
 */
export function createDurableFileSink(path: string, options: DurableFileSinkOptions = {}): Writable {
  const writeBytes = options.writeBytes ?? 1 << 20;
  const syncEveryBytes = options.syncEveryBytes ?? 32 << 20;
  let handle: FileHandle | null = null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let unsyncedBytes = 0;
  let syncing: Promise<void> = Promise.resolve();

  async function flush(): Promise<void> {
    if (!handle || pendingBytes === 0) return;
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    await handle.writev(chunks);
    for (const chunk of chunks) unsyncedBytes += chunk.length;
    if (unsyncedBytes >= syncEveryBytes) {
      unsyncedBytes = 0;
      // One background flush at a time; a failed one fails the next write.
      await syncing;
      syncing = handle.datasync();
    }
  }

  return new Writable({
    highWaterMark: writeBytes,
    construct(callback) {
      open(path, 'wx').then((opened) => {
        handle = opened;
        callback();
      }, callback);
    },
    write(chunk: Buffer, _encoding, callback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < writeBytes) {
        callback();
        return;
      }
      flush().then(() => callback(), callback);
    },
    final(callback) {
      const finish = async () => {
        await flush();
        await syncing;
        await handle?.sync();
        await handle?.close();
        handle = null;
      };
      finish().then(() => callback(), callback);
    },
    destroy(error, callback) {
      const opened = handle;
      handle = null;
      // Settle a background flush before closing, so it cannot hit a reused descriptor.
      const close = async () => {
        await syncing.catch(() => undefined);
        await opened?.close();
      };
      close().then(() => callback(error), () => callback(error));
    },
  });
}
