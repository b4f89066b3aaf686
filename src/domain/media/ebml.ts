import { MalformedMedia } from './bit-reader.js';

/**
 * EBML (RFC 8794), the element syntax of Matroska and WebM: variable-length IDs and sizes, and the
 * integer, float and string values ffmpeg's Matroska demuxer reads. Pure: parses bytes in memory.
 */

/** One element: its ID with the length marker kept (as Matroska specifications write IDs), and where its data lies. */
export interface EbmlElement {
  id: number;
  start: number;
  dataStart: number;
  /** Bytes of data, or null for the "unknown size" of a live stream's Segment or Cluster. */
  size: number | null;
}

/** Longest element header: a 4-byte ID and an 8-byte size. */
export const MAX_HEADER_BYTES = 12;

/**
 * The element header at `pos` of `bytes`; null when `bytes` ends before the header does (read more).
 * Throws on IDs over 4 bytes, sizes over 8 or beyond 2^53, which ffmpeg refuses or no file has.
 */
export function readElementHeader(bytes: Uint8Array, pos: number): EbmlElement | null {
  const id = readVint(bytes, pos, 4);
  if (!id) return null;
  const size = readVint(bytes, pos + id.length, 8);
  if (!size) return null;
  const unknown = size.value === 2 ** (7 * size.length) - 1;
  if (!unknown && !Number.isSafeInteger(size.value)) throw new MalformedMedia('EBML size out of range');
  return { id: id.raw, start: pos, dataStart: pos + id.length + size.length, size: unknown ? null : size.value };
}

function readVint(bytes: Uint8Array, pos: number, maxLength: number): { value: number; raw: number; length: number } | null {
  if (pos >= bytes.length) return null;
  const first = bytes[pos]!;
  const length = Math.clz32(first) - 23;
  if (first === 0 || length > maxLength) throw new MalformedMedia('invalid EBML number');
  if (pos + length > bytes.length) return null;
  let value = first & (0xff >> length);
  let raw = first;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[pos + i]!;
    raw = raw * 256 + bytes[pos + i]!;
  }
  return { value, raw, length };
}

/** The children of a master element held whole in `bytes` between `start` and `end`; damage throws. */
export function childElements(bytes: Uint8Array, start: number, end: number): EbmlElement[] {
  const found: EbmlElement[] = [];
  for (let pos = start; pos < end; ) {
    const element = readElementHeader(bytes.subarray(0, end), pos);
    if (!element || element.size === null || element.dataStart + element.size > end) throw new MalformedMedia('EBML element overruns its parent');
    found.push(element);
    pos = element.dataStart + element.size;
  }
  return found;
}

export function dataOf(bytes: Buffer, element: EbmlElement): Buffer {
  return bytes.subarray(element.dataStart, element.dataStart + element.size!);
}

/** An unsigned integer element (0 to 8 bytes; an empty one is 0). */
export function readUint(data: Uint8Array): number {
  if (data.length > 8) throw new MalformedMedia('EBML integer longer than 8 bytes');
  let value = 0;
  for (const byte of data) value = value * 256 + byte;
  if (!Number.isSafeInteger(value)) throw new MalformedMedia('EBML integer out of range');
  return value;
}

/** A signed integer element, as a bigint (DateUTC needs all 64 bits). */
export function readInt(data: Uint8Array): bigint {
  if (data.length > 8) throw new MalformedMedia('EBML integer longer than 8 bytes');
  let value = 0n;
  for (const byte of data) value = value * 256n + BigInt(byte);
  const bits = BigInt(data.length * 8);
  return data.length > 0 && data[0]! & 0x80 ? value - (1n << bits) : value;
}

/** A float element: empty, 4 or 8 bytes, big-endian IEEE 754. */
export function readFloat(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  if (data.length === 0) return 0;
  if (data.length === 4) return view.getFloat32(0);
  if (data.length === 8) return view.getFloat64(0);
  throw new MalformedMedia('EBML float of another size');
}

/** A string element, ended by its size or by the first NUL. */
export function readString(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return Buffer.from(data.buffer, data.byteOffset, nul < 0 ? data.length : nul).toString('latin1');
}
