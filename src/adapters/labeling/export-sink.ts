import type { ZipArchive } from 'archiver';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { ExportEntry } from '../../domain/labeling/export-source.js';

/**
 * Where label exports go: a folder, or a zip written to any stream (a file, an HTTP response).
 * Entries are written one after the other as the exporter produces them, each streamed, so memory
 * stays flat whatever the size of the export; a zip keeps only its directory until the end (a
 * record of about 1 KiB per file: some 100 MiB for the 100,000 files of a YOLO export of one long
 * video), and uses ZIP64 where sizes need it.
 *
 * The zip is made by archiver (zip-stream): yazl, the other common choice, rescans all its entries
 * each time one ends, which takes minutes for the 100,000 files of a YOLO export.
 */

/**
 * Entries that end within this many bytes are stored, not deflated: a deflate stream per entry
 * costs some 0.3 ms, more than the bytes it saves are worth on files of a few KiB (30 s for the
 * 100,000 label files of a YOLO export of one long video, against 6 s stored).
 */
const STORE_UP_TO_BYTES = 64 * 1024;
/** Frame images are compressed already: deflating them again costs time and saves nothing. */
const COMPRESSED_PATH = /\.(jpe?g|png|webp)$/i;

export interface SinkSummary { entries: number; bytes: number }

/** Writes each entry to `dir/<entry path>`, creating folders; an existing file is never overwritten. */
export async function writeEntriesToFolder(entries: AsyncIterable<ExportEntry>, dir: string): Promise<SinkSummary> {
  const made = new Set<string>();
  const summary: SinkSummary = { entries: 0, bytes: 0 };
  for await (const entry of entries) {
    const target = join(dir, ...checkedSegments(entry.path));
    const parent = dirname(target);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await pipeline(Readable.from(counted(entry.content, summary)), createWriteStream(target, { flags: 'wx' }));
    summary.entries += 1;
  }
  return summary;
}

/** Writes the entries as a zip (deflated) to `out`, and ends it; resolves once `out` has finished. */
export async function writeEntriesToZip(entries: AsyncIterable<ExportEntry>, out: Writable): Promise<SinkSummary> {
  // Loaded here, not with the module: archiver and its streams are some 200 files that every CLI
  // command would otherwise read at start (0.3 s of CPU), for the few that zip.
  const { ZipArchive: Zip } = await import('archiver');
  // Level 1: exports are text that still shrinks several times, and deflating at 6 took as long as writing it.
  const zip = new Zip({ zlib: { level: 1 } });
  const summary: SinkSummary = { entries: 0, bytes: 0 };
  const outputDone = finished(out);
  outputDone.catch(() => undefined);
  const forwarding = forwardInChunks(zip, out);
  // Same date on every entry: the same export gives the same bytes.
  const date = new Date(Date.UTC(2000, 0, 1));
  try {
    for await (const entry of entries) {
      checkedSegments(entry.path);
      const content = counted(entry.content, summary)[Symbol.asyncIterator]();
      const head = await readUpTo(content, STORE_UP_TO_BYTES);
      const input = head.ended ? null : Readable.from(chained(head.chunks, content), { objectMode: false });
      zip.append(input ?? Buffer.concat(head.chunks), { name: entry.path, date, store: head.ended || COMPRESSED_PATH.test(entry.path) });
      try {
        // The zip writes its entries in turn: wait for this one before producing the next.
        await entryWritten(zip, input, out);
        await outputCaughtUp(out, outputDone);
      } finally {
        // Stops the exporter's reading (and closes its cursors) if the entry was not read to its end.
        input?.destroy();
      }
      summary.entries += 1;
    }
    forwarding.finishing();
    const finalized = zip.finalize();
    await Promise.all([finalized, outputDone]);
  } catch (error) {
    zip.abort();
    out.destroy(error instanceof Error ? error : new Error(String(error)));
    await outputDone.catch(() => undefined);
    throw error;
  }
  return summary;
}

/**
 * Resolves when the zip has written the entry; rejects if the zip fails, the entry's content fails,
 * or the output fails or closes first (a full disk, a client gone), which would otherwise leave the
 * wait without an end. Every listener is removed when it settles: a zip of 100,000 entries must not
 * keep one waiter per entry.
 */
function entryWritten(zip: ZipArchive, input: Readable | null, out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      cleanup();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const closed = () => fail(new Error('the zip output closed before the zip was complete'));
    const done = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      zip.off('entry', done);
      zip.off('error', fail);
      input?.off('error', fail);
      out.off('error', fail);
      out.off('close', closed);
    };
    zip.once('entry', done);
    zip.once('error', fail);
    input?.once('error', fail);
    out.once('error', fail);
    out.once('close', closed);
  });
}

/** The zip's output is handed on in chunks of at least this many bytes (the last one aside). */
const CHUNK_BYTES = 64 * 1024;

/**
 * Forwards the zip's output to `out`, joined into chunks of CHUNK_BYTES. The zip writes its
 * directory at the end in one go, some twenty small buffers per entry: piped, they would queue one
 * by one inside the zip (500 MiB of heap for the 100,000 files of a YOLO export, all at once). Read
 * as they come and joined, they reach the output as some 10 MiB of large chunks. Until then, the zip
 * is paused whenever the output is full, so a long entry streams no faster than the output takes it.
 */
function forwardInChunks(zip: ZipArchive, out: Writable): { finishing(): void } {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let mayPause = true;
  const flush = (): boolean => {
    if (heldBytes === 0) return true;
    const chunk = Buffer.concat(held, heldBytes);
    held = [];
    heldBytes = 0;
    return out.write(chunk);
  };
  zip.on('data', (data: Buffer) => {
    held.push(data);
    heldBytes += data.length;
    if (heldBytes >= CHUNK_BYTES && !flush() && mayPause) {
      zip.pause();
      out.once('drain', () => zip.resume());
    }
  });
  zip.once('end', () => {
    flush();
    out.end();
  });
  // Pausing now would queue the directory inside the zip again: it goes to the output's buffer.
  return { finishing: () => (mayPause = false) };
}

/**
 * Waits while the output holds more than its buffer. A stored entry is written into the zip whole
 * and at once, so without this wait a fast exporter of small files (the 100,000 of a YOLO export)
 * would pile up in memory ahead of a slower output.
 */
async function outputCaughtUp(out: Writable, outputDone: Promise<void>): Promise<void> {
  if (!out.writableNeedDrain) return;
  const closedEarly = outputDone.then(() => {
    throw new Error('the zip output closed before the zip was complete');
  });
  await Promise.race([once(out, 'drain'), closedEarly]);
}

/** The first chunks of `content`, up to `limit` bytes or one chunk past it, and whether that was all of it. */
async function readUpTo(content: AsyncIterator<Buffer>, limit: number): Promise<{ chunks: Buffer[]; ended: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  while (bytes <= limit) {
    const next = await content.next();
    if (next.done) return { chunks, ended: true };
    chunks.push(next.value);
    bytes += next.value.length;
  }
  return { chunks, ended: false };
}

/** The chunks already read, then the rest of `content`; ending early closes `content`. */
async function* chained(head: Buffer[], content: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* head;
    for (let next = await content.next(); !next.done; next = await content.next()) yield next.value;
  } finally {
    await content.return?.();
  }
}

async function* counted(content: AsyncIterable<string | Uint8Array>, summary: SinkSummary): AsyncGenerator<Buffer> {
  for await (const chunk of content) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    summary.bytes += bytes.length;
    if (bytes.length > 0) yield bytes;
  }
}

/** An entry path's segments, refusing anything that could leave the folder (exporters never produce such paths). */
function checkedSegments(path: string): string[] {
  const segments = path.split('/');
  // eslint-disable-next-line no-control-regex
  if (path.includes('\\') || /[\u0000]/.test(path) || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`export entry path ${JSON.stringify(path)} is not a plain relative path`);
  }
  return segments;
}
