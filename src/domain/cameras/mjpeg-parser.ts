import { imageComplete, imageKind } from './image-bytes.js';

/**
 * The boundary of a `multipart/x-mixed-replace` Content-Type, or null when there is none. Cameras
 * disagree on whether the leading `--` belongs to it, so it is dropped here and the parser looks
 * for the bare token, which both spellings contain.
 */
export function multipartBoundary(contentType: string | undefined): string | null {
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  const raw = match?.[1] ?? match?.[2];
  if (!raw) return null;
  const bare = raw.replace(/^-+/, '');
  return bare.length > 0 ? bare : null;
}

export interface MjpegParserOptions {
  /** From the Content-Type; null reads JPEGs by their start and end markers alone. */
  boundary: string | null;
  /** A part (or junk between boundaries) longer than this is dropped and the parser resynchronises. */
  maxPartBytes: number;
}

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const LF_HEADER_END = Buffer.from('\n\n', 'latin1');
const SOI = Buffer.from([0xff, 0xd8, 0xff]);
const EOI = Buffer.from([0xff, 0xd9]);
/** Part headers longer than this are not headers: the parser is lost and looks for the next boundary. */
const MAX_HEADER_BYTES = 8192;

/**
 * Splits an MJPEG stream (multipart/x-mixed-replace, as network cameras send it) into JPEGs as the
 * bytes arrive. A part's Content-Length is used when it is there and true; otherwise the part runs
 * to the next boundary. A part that is not a complete JPEG (garbage, a cut frame, a wrong length)
 * is counted and skipped, and the parser picks up again at the next boundary: one bad part never
 * ends the stream. Memory stays within about one part.
 */
export class MjpegParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes that came after `buffer`, not yet joined to it: a body of known length is joined once, when whole. */
  private tail: Buffer[] = [];
  private tailLength = 0;
  private readonly delimiter: Buffer | null;
  private state: 'boundary' | 'headers' | 'body' = 'boundary';
  private bodyLength: number | null = null;
  /** Parts (or stretches of bytes) that were not complete JPEGs. */
  dropped = 0;

  constructor(private readonly options: MjpegParserOptions) {
    this.delimiter = options.boundary ? Buffer.from(options.boundary, 'latin1') : null;
  }

  /**
   * Feeds bytes; returns the JPEGs completed by them, oldest first. They are views into the
   * parser's buffer (no copy per frame): one kept for long keeps that buffer alive, so copy it.
   */
  push(chunk: Buffer): Buffer[] {
    this.tail.push(chunk);
    this.tailLength += chunk.length;
    const frames: Buffer[] = [];
    if (this.state === 'body' && this.bodyLength !== null && this.buffer.length + this.tailLength < this.bodyLength) return frames;
    this.buffer = Buffer.concat([this.buffer, ...this.tail], this.buffer.length + this.tailLength);
    this.tail = [];
    this.tailLength = 0;
    if (!this.delimiter) this.scanMarkers(frames);
    else while (this.step(frames));
    return frames;
  }

  /** One step of the multipart state machine; false when it needs more bytes. */
  private step(frames: Buffer[]): boolean {
    const delimiter = this.delimiter!;
    if (this.state === 'boundary') {
      const at = this.buffer.indexOf(delimiter);
      if (at < 0) {
        // Keep only what could be the start of a boundary split across chunks.
        if (this.buffer.length > delimiter.length) this.buffer = this.buffer.subarray(this.buffer.length - delimiter.length);
        return false;
      }
      const lineEnd = this.buffer.indexOf(0x0a, at + delimiter.length);
      if (lineEnd < 0) return this.keepFrom(at);
      this.buffer = this.buffer.subarray(lineEnd + 1);
      this.state = 'headers';
      return true;
    }
    if (this.state === 'headers') {
      // A part may have no headers at all: its body starts right after the boundary line.
      if (this.buffer.length >= 3 && this.buffer.subarray(0, 3).equals(SOI)) {
        this.bodyLength = null;
        this.state = 'body';
        return true;
      }
      const crlf = this.buffer.indexOf(HEADER_END);
      const lf = this.buffer.indexOf(LF_HEADER_END);
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? { at: crlf, size: 4 } : lf >= 0 ? { at: lf, size: 2 } : null;
      if (!end) {
        if (this.buffer.length > MAX_HEADER_BYTES) return this.resync();
        return false;
      }
      if (end.at > MAX_HEADER_BYTES) return this.resync();
      const headers = this.buffer.subarray(0, end.at).toString('latin1');
      const length = /(?:^|\n)\s*content-length\s*:\s*(\d+)/i.exec(headers);
      this.bodyLength = length ? Number(length[1]) : null;
      this.buffer = this.buffer.subarray(end.at + end.size);
      this.state = 'body';
      return true;
    }
    if (this.bodyLength !== null && this.bodyLength > 0 && this.bodyLength <= this.options.maxPartBytes) {
      if (this.buffer.length < this.bodyLength) return false;
      const body = this.buffer.subarray(0, this.bodyLength);
      if (isWholeJpeg(body)) {
        frames.push(body);
        this.buffer = this.buffer.subarray(this.bodyLength);
        this.state = 'boundary';
        return true;
      }
      // The declared length was wrong: read this part up to the next boundary instead.
      this.bodyLength = null;
    }
    const next = this.buffer.indexOf(delimiter);
    if (next < 0) {
      if (this.buffer.length > this.options.maxPartBytes) return this.resync();
      return false;
    }
    const body = trimPart(this.buffer.subarray(0, next));
    if (isWholeJpeg(body)) frames.push(body);
    else this.dropped += 1;
    this.buffer = this.buffer.subarray(next);
    this.state = 'boundary';
    return true;
  }

  /** Without a boundary: a JPEG is the bytes from a start marker to the next end marker. */
  private scanMarkers(frames: Buffer[]): void {
    for (;;) {
      const start = this.buffer.indexOf(SOI);
      if (start < 0) {
        this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - 2));
        return;
      }
      const end = this.buffer.indexOf(EOI, start + 3);
      if (end < 0) {
        if (this.buffer.length - start > this.options.maxPartBytes) {
          this.dropped += 1;
          this.buffer = this.buffer.subarray(start + 3);
          continue;
        }
        this.buffer = this.buffer.subarray(start);
        return;
      }
      frames.push(this.buffer.subarray(start, end + 2));
      this.buffer = this.buffer.subarray(end + 2);
    }
  }

  private keepFrom(at: number): false {
    this.buffer = this.buffer.subarray(at);
    return false;
  }

  /** Lost in a part: drop it and look for the next boundary. */
  private resync(): true {
    this.dropped += 1;
    this.buffer = this.buffer.subarray(1);
    this.state = 'boundary';
    return true;
  }
}

function isWholeJpeg(body: Buffer): boolean {
  return imageKind(body) === 'image/jpeg' && imageComplete(body, 'image/jpeg');
}

/** A part read up to the next boundary ends with the line break (and `--`) before it. */
function trimPart(part: Buffer): Buffer {
  let end = part.length;
  while (end > 0 && (part[end - 1] === 0x0a || part[end - 1] === 0x0d || part[end - 1] === 0x2d)) end -= 1;
  return part.subarray(0, end);
}
