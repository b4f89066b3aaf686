import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CamtroveError } from '../../domain/errors.js';

export interface MeterOptions {
  /** Fails once more than this many bytes arrive. */
  maxBytes?: number;
  onProgress?: (bytesSoFar: number) => void;
  /** Bytes beyond this many are counted and hashed but not passed on (a file that grew is not sent whole). */
  passAtMost?: number;
  /** Run at the end, before the stream ends: an error returned fails the stream, so whoever reads it never sees a clean end. */
  check?: (size: number, sha256: string) => Error | null;
}

/**
 * Passes bytes through while counting and hashing them (SHA-256). An upload that reads from it
 * completes only when the stream ends cleanly, so a failed check here means nothing is stored.
 */
export class ByteMeter extends Transform {
  received = 0;
  /** The SHA-256 of every byte that came in, once the stream has ended. */
  sha256 = '';
  private readonly hash = createHash('sha256');

  constructor(private readonly options: MeterOptions = {}) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const before = this.received;
    this.received += chunk.length;
    const { maxBytes, onProgress, passAtMost } = this.options;
    if (maxBytes !== undefined && this.received > maxBytes) {
      callback(new CamtroveError('CAMTROVE_ERR_UPLOAD_TOO_LARGE', `the upload is larger than the limit of ${maxBytes} bytes (maxUploadBytes)`));
      return;
    }
    this.hash.update(chunk);
    onProgress?.(this.received);
    if (passAtMost === undefined || this.received <= passAtMost) callback(null, chunk);
    else callback(null, before < passAtMost ? chunk.subarray(0, passAtMost - before) : undefined);
  }

  override _flush(callback: TransformCallback): void {
    this.sha256 = this.hash.digest('hex');
    callback(this.options.check?.(this.received, this.sha256) ?? null);
  }
}

/** The error of a file whose bytes are not those the caller hashed: it changed while it was copied. */
export function fileChanged(expected: { size: number; sha256: string }, actual: { size: number; sha256: string }): Error | null {
  if (actual.size !== expected.size) return new Error(`the file changed while it was copied (${expected.size} bytes hashed, ${actual.size} copied)`);
  if (actual.sha256 !== expected.sha256) return new Error(`the file changed while it was copied (SHA-256 ${expected.sha256} hashed, ${actual.sha256} copied)`);
  return null;
}
