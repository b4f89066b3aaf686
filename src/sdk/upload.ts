import type * as NodeFs from 'node:fs';
import type { Connection } from './connection.js';
import { entryName, type ContentEntry } from './content.js';
import { ImportValidationError } from './errors.js';
import { loadNodeFs } from './node-fs.js';

/** Bytes sent so far of one local file, and its size. */
export interface UploadProgress {
  file: string;
  bytesUploaded: number;
  totalBytes: number;
}

export type OnProgress = (progress: UploadProgress) => void;

/**
 * Uploads one local file (a path, read with node:fs only when one is given, or a browser Blob) to
 * `POST /api/files` and returns its `camtrove:file/<id>` reference. A path is streamed from disk as
 * multipart/form-data, never read into memory as a whole.
 */
export async function uploadLocal(connection: Connection, entry: ContentEntry, label: string, onProgress?: OnProgress): Promise<string> {
  const body = typeof entry === 'string' ? await streamedForm(entry, label, onProgress) : blobForm(entry, onProgress);
  const { file_id: fileId } = await connection.json<{ file_id: string }>({ method: 'POST', path: '/api/files', body });
  return `camtrove:file/${fileId}`;
}

function blobForm(blob: Blob & { name?: string }, onProgress?: OnProgress): { data: FormData; streamed: false } {
  const form = new FormData();
  form.append('file', blob, entryName(blob));
  // A browser reports no progress of a fetch body: the whole blob counts once it is sent.
  onProgress?.({ file: entryName(blob), bytesUploaded: 0, totalBytes: blob.size });
  return { data: form, streamed: false };
}

/** node:fs, loaded only when a local path is given (a browser has none). */
async function nodeFs(path: string, label: string): Promise<typeof NodeFs> {
  const fs = await loadNodeFs();
  if (fs) return fs;
  throw new ImportValidationError('CAMTROVE_ERR_INVALID_ASSETS', 400, `${label}: "${path}" looks like a local path, which only Node can read; in a browser, give a File or Blob`);
}

/** The size of a local file; an ImportValidationError naming it when it is missing or not a file. */
export async function localFileSize(path: string, label: string): Promise<number> {
  const fs = await nodeFs(path, label);
  let why: string;
  try {
    const stats = await fs.promises.stat(path);
    if (stats.isFile()) return stats.size;
    why = 'is not a file';
  } catch (error) {
    const code = (error as { code?: string }).code;
    why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`;
  }
  throw new ImportValidationError('CAMTROVE_ERR_INVALID_ASSETS', 400, `${label}: the local file "${path}" ${why}`);
}

/** A local file as a multipart body read from disk chunk by chunk, with its progress. */
async function streamedForm(path: string, label: string, onProgress?: OnProgress): Promise<{ data: ReadableStream<Uint8Array>; contentType: string; streamed: true }> {
  const fs = await nodeFs(path, label);
  const size = await localFileSize(path, label);
  const boundary = `camtrove-${randomHex(12)}`;
  const name = (path.split(/[\\/]/).pop() ?? 'file').replace(/["\r\n\\]/g, '_');
  const encoder = new TextEncoder();
  const head = encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const file = fs.createReadStream(path, { highWaterMark: 1 << 20 });
  const chunks = (file as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let sent = 0;
  let state: 'head' | 'file' | 'done' = 'head';
  const data = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (state === 'head') {
        state = 'file';
        controller.enqueue(head);
        return;
      }
      if (state === 'done') return;
      try {
        const next = await chunks.next();
        if (next.done) {
          state = 'done';
          controller.enqueue(tail);
          controller.close();
          return;
        }
        sent += next.value.length;
        onProgress?.({ file: path, bytesUploaded: sent, totalBytes: size });
        controller.enqueue(next.value);
      } catch (error) {
        controller.error(new ImportValidationError('CAMTROVE_ERR_INVALID_ASSETS', 400, `${label}: the local file "${path}" could not be read while it was sent: ${(error as Error).message}`, { cause: error }));
      }
    },
    cancel() {
      file.destroy();
    },
  });
  return { data, contentType: `multipart/form-data; boundary=${boundary}`, streamed: true };
}

function randomHex(bytes: number): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}
