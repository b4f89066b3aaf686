import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { ExportEntry } from '../../domain/labeling/export-source.js';

/**
 * Where label exports go: a folder, or a zip written to any stream (a file, an HTTP response).
 * Entries are written one after the other as the exporter produces them, each streamed, so memory
 * stays flat whatever the size of the export; a zip keeps only its directory (one small record per
 * file) until the end, and switches to ZIP64 by itself past 4 GiB.
 */

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
  const zip = new ZipFile();
  const summary: SinkSummary = { entries: 0, bytes: 0 };
  const outputDone = finished(out);
  // An output that fails or closes early (a full disk, a client gone) stops the zip from reading
  // its entries: without this the wait for the current entry would never end.
  const outputLost = outputDone.then(() => {
    throw new Error('the zip output closed before the zip was complete');
  });
  outputLost.catch(() => undefined);
  (zip.outputStream as Readable).pipe(out);
  // Same date on every entry: the same export gives the same bytes.
  const mtime = new Date(Date.UTC(2000, 0, 1));
  try {
    for await (const entry of entries) {
      checkedSegments(entry.path);
      const input = Readable.from(counted(entry.content, summary), { objectMode: false });
      // yazl keeps each entry's stream function until the zip ends: hand the stream over through a
      // holder it empties, so a finished entry's stream can be collected (100,000 entries otherwise
      // keep a few KiB each).
      let handOver: Readable | null = input;
      zip.addReadStreamLazy(entry.path, { mtime, compress: true }, (callback) => {
        const stream = handOver!;
        handOver = null;
        callback(null, stream);
      });
      // The zip reads its entries in turn: wait for this one before producing the next.
      try {
        await Promise.race([finished(input), outputLost]);
      } finally {
        // Stops the exporter's reading (and closes its cursors) if the entry was not read to its end.
        input.destroy();
      }
      summary.entries += 1;
    }
  } catch (error) {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
    await outputDone.catch(() => undefined);
    throw error;
  }
  zip.end();
  await outputDone;
  return summary;
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
