import { ZipArchive } from 'archiver';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const summary: SinkSummary = { entries: 0, bytes: 0 };
  const outputDone = finished(out);
  // A failing zip, or an output that fails or closes early (a full disk, a client gone), stops the
  // zip from reading its entries: without this the wait for the current entry would never end.
  const failed = new Promise<never>((_resolve, reject) => {
    zip.once('error', reject);
    outputDone.then(() => reject(new Error('the zip output closed before the zip was complete')), reject);
  });
  failed.catch(() => undefined);
  zip.pipe(out);
  // Same date on every entry: the same export gives the same bytes.
  const date = new Date(Date.UTC(2000, 0, 1));
  try {
    for await (const entry of entries) {
      checkedSegments(entry.path);
      const input = Readable.from(counted(entry.content, summary), { objectMode: false });
      // Rejects if the entry's content fails; never settles otherwise (the zip says when it is written).
      const inputFailed = finished(input).then(() => new Promise<never>(() => undefined));
      inputFailed.catch(() => undefined);
      const written = once(zip, 'entry');
      zip.append(input, { name: entry.path, date });
      try {
        // The zip writes its entries in turn: wait for this one before producing the next.
        await Promise.race([written, failed, inputFailed]);
      } finally {
        // Stops the exporter's reading (and closes its cursors) if the entry was not read to its end.
        input.destroy();
      }
      summary.entries += 1;
    }
    await Promise.race([zip.finalize(), failed]);
    await outputDone;
  } catch (error) {
    zip.abort();
    out.destroy(error instanceof Error ? error : new Error(String(error)));
    await outputDone.catch(() => undefined);
    throw error;
  }
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
