import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExportEntry } from '../../domain/labeling/export-source.js';
import { ZipWriter } from './zip-writer.js';

/**
 * Where label exports go: a folder, or a zip written to any stream (a file, an HTTP response).
 * Entries are written one after the other as the exporter produces them, each streamed, so memory
 * stays flat whatever the size of the export; a zip keeps only its directory until the end (some
 * 80 bytes per file: 8 MiB for the 100,000 files of a YOLO export of one long video).
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

/** Writes the entries as a zip to `out`, and ends it; resolves once `out` has finished. */
export async function writeEntriesToZip(entries: AsyncIterable<ExportEntry>, out: Writable): Promise<SinkSummary> {
  const zip = new ZipWriter(out);
  const summary: SinkSummary = { entries: 0, bytes: 0 };
  try {
    for await (const entry of entries) {
      checkedSegments(entry.path);
      const content = counted(entry.content, summary)[Symbol.asyncIterator]();
      const head = await readUpTo(content, STORE_UP_TO_BYTES);
      if (head.ended) await zip.addStored(entry.path, Buffer.concat(head.chunks));
      else await zip.addStream(entry.path, chained(head.chunks, content), COMPRESSED_PATH.test(entry.path) ? 'store' : 'deflate');
      summary.entries += 1;
    }
    await zip.end();
  } catch (error) {
    await zip.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  return summary;
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
