import type { Readable } from 'node:stream';
import type { BlobStore } from '../adapters/blob/blob-store.js';
import { isCamtroveError } from '../domain/errors.js';

/** The library's files, as FileRepository lists them: every blob any record uses has a file row. */
export interface FileListing {
  totals(): Promise<{ count: number; bytes: number }>;
  list(options: { limit: number; after?: string | null }): Promise<{ items: { id: string; size: number }[]; next: string | null }>;
}

export interface MigrationProgress {
  /** Blobs handled (copied or already there), of `total`. */
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface MigrationResult extends MigrationProgress {
  copied: number;
  bytesCopied: number;
  /** Already in the target (an earlier run, or the same bytes): not copied again. */
  skipped: number;
  /** Files whose bytes the source does not have. */
  missing: string[];
  /** Blobs that could not be copied, with why (a damaged source fails its hash check). */
  failed: { id: string; reason: string }[];
  /** Stopped before the end (Ctrl-C): running the same migration again continues. */
  stopped: boolean;
}

const PAGE = 500;
/** Blobs copied at once: an object store serves parallel uploads faster than one stream. */
const DEFAULT_CONCURRENCY = 4;

/**
 * Copies every blob of the library from one store to another, each checked against its SHA-256 by
 * the target's put, skipping those the target has: a second run after an interruption continues
 * where the first stopped. The source is left as it is.
 */
export async function migrateBlobs(options: {
  from: BlobStore;
  to: BlobStore;
  files: FileListing;
  signal?: AbortSignal;
  concurrency?: number;
  onProgress?: (progress: MigrationProgress) => void;
}): Promise<MigrationResult> {
  const { from, to, files, signal } = options;
  const totals = await files.totals();
  const result: MigrationResult = { done: 0, total: totals.count, bytesDone: 0, bytesTotal: totals.bytes, copied: 0, bytesCopied: 0, skipped: 0, missing: [], failed: [], stopped: false };
  /** Bytes of the copies under way, for a progress that moves during a large blob. */
  const partial = new Map<string, number>();
  const report = () => options.onProgress?.({ done: result.done, total: result.total, bytesDone: result.bytesDone + [...partial.values()].reduce((a, b) => a + b, 0), bytesTotal: result.bytesTotal });
  const open = new Set<Readable>();
  const stop = () => {
    for (const stream of open) stream.destroy(new Error('stopped'));
  };
  signal?.addEventListener('abort', stop, { once: true });

  const copyOne = async (file: { id: string; size: number }) => {
    if ((await to.size(file.id)) !== null) {
      result.skipped += 1;
      return;
    }
    const content = await from.open(file.id);
    if (!content) {
      result.missing.push(file.id);
      return;
    }
    open.add(content);
    try {
      await to.put(content, { sha256: file.id, onProgress: (n) => partial.set(file.id, n) });
      result.copied += 1;
      result.bytesCopied += file.size;
    } finally {
      open.delete(content);
      partial.delete(file.id);
    }
  };

  const pages = listAll(files);
  const worker = async () => {
    for (;;) {
      if (signal?.aborted) return;
      const next = await pages.next();
      if (next.done) return;
      const file = next.value;
      try {
        await copyOne(file);
      } catch (error) {
        if (signal?.aborted) return;
        // A store that cannot be reached or refuses us fails the whole run; a bad blob only itself.
        if (isCamtroveError(error) && error.code.startsWith('CAMTROVE_ERR_STORAGE_')) throw error;
        result.failed.push({ id: file.id, reason: error instanceof Error ? error.message : String(error) });
      }
      result.done += 1;
      result.bytesDone += file.size;
      report();
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? DEFAULT_CONCURRENCY }, worker));
  } finally {
    signal?.removeEventListener('abort', stop);
    stop();
  }
  result.stopped = signal?.aborted === true && result.done < result.total;
  return result;
}

/** Every file, page by page; one iterator shared by the workers (each page is fetched once). */
function listAll(files: FileListing): AsyncIterator<{ id: string; size: number }> {
  let buffer: { id: string; size: number }[] = [];
  let after: string | null = null;
  let ended = false;
  let loading: Promise<void> | null = null;
  const load = async () => {
    const page = await files.list({ limit: PAGE, after });
    buffer = buffer.concat(page.items.map((f) => ({ id: f.id, size: f.size })));
    after = page.next;
    ended = page.next === null;
  };
  return {
    async next() {
      while (buffer.length === 0 && !ended) {
        loading ??= load().finally(() => {
          loading = null;
        });
        await loading;
      }
      const value = buffer.shift();
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
  };
}
