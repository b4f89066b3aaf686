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
  return fixed(value, 100, 2);
}

/** A normalised coordinate with at most 6 decimals (YOLO's precision). */
export function normalised(value: number): string {
  return fixed(value, 1e6, 6);
}

/**
 * `value` rounded to `digits` decimals (`scale` = 10^digits), trailing zeros dropped. Written from
 * integers: exports format millions of numbers, and integer-to-text is several times faster than
 * formatting a fraction.
 */
function fixed(value: number, scale: number, digits: number): string {
  const scaled = Math.round(Math.abs(value) * scale);
  if (!Number.isSafeInteger(scaled)) return String(value);
  const whole = Math.floor(scaled / scale);
  let fraction = scaled - whole * scale;
  const sign = value < 0 && scaled !== 0 ? '-' : '';
  if (fraction === 0) return `${sign}${whole}`;
  let width = digits;
  while (fraction % 10 === 0) {
    fraction /= 10;
    width -= 1;
  }
  return `${sign}${whole}.${String(fraction).padStart(width, '0')}`;
}
