import { MalformedMedia } from './bit-reader.js';

/** One ISO-BMFF box inside a buffer (ISO/IEC 14496-12 §4.2): its type and where its payload lies. */
export interface Box {
  type: string;
  /** Offset of the box header in the buffer. */
  start: number;
  /** Payload (after the header) as [payloadStart, end). */
  payloadStart: number;
  end: number;
}

/**
 * The child boxes between `start` and `end`. Size 0 runs to the end of the parent, size 1 takes a
 * 64-bit largesize; a child that overruns its parent is damage and throws. Fewer than 8 trailing
 * bytes are ignored: QuickTime ends `udta` lists with a 32-bit zero.
 */
export function childBoxes(buf: Buffer, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let pos = start;
  while (end - pos >= 8) {
    let size = buf.readUInt32BE(pos);
    let header = 8;
    if (size === 1) {
      if (end - pos < 16) throw new MalformedMedia('truncated largesize');
      const large = buf.readBigUInt64BE(pos + 8);
      if (large > BigInt(end - pos)) throw new MalformedMedia('box overruns its parent');
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = end - pos;
    }
    if (size < header || size > end - pos) throw new MalformedMedia('box overruns its parent');
    boxes.push({ type: buf.toString('latin1', pos + 4, pos + 8), start: pos, payloadStart: pos + header, end: pos + size });
    pos += size;
  }
  return boxes;
}

/** The only child of that type, null when absent; two of them are ambiguous and throw. */
export function onlyChild(boxes: Box[], type: string): Box | null {
  let found: Box | null = null;
  for (const box of boxes) {
    if (box.type !== type) continue;
    if (found) throw new MalformedMedia(`duplicate ${type} box`);
    found = box;
  }
  return found;
}

export function requiredChild(boxes: Box[], type: string): Box {
  const box = onlyChild(boxes, type);
  if (!box) throw new MalformedMedia(`missing ${type} box`);
  return box;
}

/** Readers for big-endian fields of a box payload that throw, rather than read past the box, when it is short. */
export class BoxFields {
  constructor(
    readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  static of(buf: Buffer, box: Box): BoxFields {
    return new BoxFields(buf, box.payloadStart, box.end);
  }

  get length(): number {
    return this.end - this.start;
  }

  private at(offset: number, bytes: number): number {
    if (offset < 0 || offset + bytes > this.length) throw new MalformedMedia('box too short');
    return this.start + offset;
  }

  u8(offset: number): number {
    return this.buf.readUInt8(this.at(offset, 1));
  }

  u16(offset: number): number {
    return this.buf.readUInt16BE(this.at(offset, 2));
  }

  i16(offset: number): number {
    return this.buf.readInt16BE(this.at(offset, 2));
  }

  u32(offset: number): number {
    return this.buf.readUInt32BE(this.at(offset, 4));
  }

  i32(offset: number): number {
    return this.buf.readInt32BE(this.at(offset, 4));
  }

  u64(offset: number): bigint {
    return this.buf.readBigUInt64BE(this.at(offset, 8));
  }

  i64(offset: number): bigint {
    return this.buf.readBigInt64BE(this.at(offset, 8));
  }

  fourcc(offset: number): string {
    const at = this.at(offset, 4);
    return this.buf.toString('latin1', at, at + 4);
  }

  bytes(offset: number, length: number): Buffer {
    const at = this.at(offset, length);
    return this.buf.subarray(at, at + length);
  }
}
