import { MjpegParser } from '../cameras/mjpeg-parser.js';

/** Splits images written one after the other (ffmpeg's image2pipe) back into single images as the bytes arrive. */
export interface ImageStreamParser {
  /** Feeds bytes; returns the images they complete, oldest first, each in a buffer of its own. */
  push(chunk: Buffer): Buffer[];
}

/** An image larger than this is not one of ours: the parser gives up on it rather than grow without end. */
const MAX_IMAGE_BYTES = 1 << 30;

export function imageStreamParser(format: 'jpeg' | 'png'): ImageStreamParser {
  if (format === 'png') return new PngStreamParser();
  // JPEGs by their start and end markers, as camera grabs are read: ffmpeg's encoder never writes
  // an end marker inside an image (tables hold no 0xFF byte, and the coded data escapes it).
  const parser = new MjpegParser({ boundary: null, maxPartBytes: MAX_IMAGE_BYTES });
  // The parser hands out views into its buffer: a copy each, so a cached image holds only itself.
  return { push: (chunk) => parser.push(chunk).map((image) => Buffer.from(image)) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND = Buffer.from('IEND', 'latin1');

/**
 * PNGs one after the other: an image is its signature and its chunks (length, type, data, CRC), up
 * to and with the IEND chunk; the chunk lengths are followed, so no byte inside the data can be
 * mistaken for an end.
 */
export class PngStreamParser implements ImageStreamParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes that came after `buffer`, joined to it only once there is enough to go on (a large image arrives in many pieces). */
  private tail: Buffer[] = [];
  private tailLength = 0;
  /** How many bytes the buffer must hold before the next step can be taken. */
  private needed = PNG_SIGNATURE.length;
  /** Where the next chunk starts, in the image at the start of the buffer. */
  private next = PNG_SIGNATURE.length;

  push(chunk: Buffer): Buffer[] {
    this.tail.push(chunk);
    this.tailLength += chunk.length;
    const images: Buffer[] = [];
    if (this.buffer.length + this.tailLength < this.needed) return images;
    this.buffer = Buffer.concat([this.buffer, ...this.tail], this.buffer.length + this.tailLength);
    this.tail = [];
    this.tailLength = 0;
    for (;;) {
      if (this.buffer.length < PNG_SIGNATURE.length) {
        this.needed = PNG_SIGNATURE.length;
        break;
      }
      if (!this.buffer.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) throw new Error('not a PNG image where one should start');
      if (this.next + 8 > this.buffer.length) {
        this.needed = this.next + 8;
        break;
      }
      const length = this.buffer.readUInt32BE(this.next);
      const end = this.next + 12 + length;
      if (end > MAX_IMAGE_BYTES) throw new Error('a PNG image larger than 1 GiB');
      if (end > this.buffer.length) {
        this.needed = end;
        break;
      }
      const isEnd = this.buffer.subarray(this.next + 4, this.next + 8).equals(IEND);
      this.next = end;
      if (isEnd) {
        images.push(Buffer.from(this.buffer.subarray(0, end)));
        this.buffer = this.buffer.subarray(end);
        this.next = PNG_SIGNATURE.length;
      }
    }
    return images;
  }
}
