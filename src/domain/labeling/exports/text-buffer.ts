/**
 * Gathers small pieces of text (one line per shape) into chunks of about 64 KiB, so a stream of
 * millions of lines costs thousands of chunks downstream, not millions.
 */
export class TextBuffer {
  private text = '';

  constructor(private readonly chunkSize = 64 * 1024) {}

  /** Appends; true when a chunk is ready to `take`. */
  add(piece: string): boolean {
    this.text += piece;
    return this.text.length >= this.chunkSize;
  }

  take(): string {
    const out = this.text;
    this.text = '';
    return out;
  }

  get size(): number {
    return this.text.length;
  }
}

/** Pixels with at most 2 decimals, without trailing zeros ("192", "192.5"). */
export function pixels(value: number): string {
  return String(Math.round(value * 100) / 100 + 0);
}

/** A normalised coordinate with at most 6 decimals (YOLO's precision). */
export function normalised(value: number): string {
  return String(Math.round(value * 1e6) / 1e6 + 0);
}
