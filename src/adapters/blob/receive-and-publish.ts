import type { Readable } from 'node:stream';
import type { BlobStore, PutOptions, ReceivedBlob, StoredBlob } from './blob-store.js';

/** BlobStore.put in terms of receive: the received copy is published, and dropped if that fails. */
export async function receiveAndPublish(store: Pick<BlobStore, 'receive'>, content: Readable, options: PutOptions = {}): Promise<StoredBlob> {
  const received = await store.receive(content, options);
  try {
    const created = await received.publish();
    return { id: received.id, size: received.size, created };
  } finally {
    await received.discard();
  }
}

/**
 * A ReceivedBlob of a temporary copy: `publish` puts it in place unless the blob is there (true when
 * it did), `drop` removes the copy. Whichever is called first settles it; the copy is dropped after
 * a publish too, whether it succeeded or not.
 */
export function receivedCopy(id: string, size: number, publish: () => Promise<boolean>, drop: () => Promise<void>): ReceivedBlob {
  let settled = false;
  return {
    id,
    size,
    publish: async () => {
      // Once settled (a transaction run again), the caller checks that the blob is there.
      if (settled) return false;
      settled = true;
      try {
        return await publish();
      } finally {
        await drop();
      }
    },
    discard: async () => {
      if (settled) return;
      settled = true;
      await drop();
    },
  };
}
