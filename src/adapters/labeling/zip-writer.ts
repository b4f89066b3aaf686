import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { deflateInBlocks } from './block-deflate.js';

/**
 * A streaming ZIP writer (PKWARE APPNOTE 6.3): files go out one after the other as they are
 * produced, and the writer keeps only the central directory, as its encoded bytes (some 80 bytes per
 * file), until the end. ZIP64 records are written where a size, an offset or the number of files
 * needs them.
 *
 * Written here rather than taken from a library because label exports hold one file per video frame:
 * archiver keeps about 1.2 KiB of objects per file until the end and queues its directory as some
 * twenty small buffers per file; yazl rescans every earlier file as each one ends (minutes for
 * 100,000 files); fflate cannot write more than 65,535 files.
 */
export class ZipWriter {
  private offset = 0;
  private files = 0;
  private readonly directory = new ByteBlocks();
  private readonly pending = new ByteBlocks();
  private readonly outputDone: Promise<void>;
  /** Rejects once the output has finished or failed: while the zip is still being written, that is early. */
  private readonly closedEarly: Promise<never>;

  constructor(private readonly out: Writable) {
    this.outputDone = finished(out);
    this.outputDone.catch(() => undefined);
    this.closedEarly = this.outputDone.then(() => {
      throw new Error('the zip output closed before the zip was complete');
    });
    this.closedEarly.catch(() => undefined);
  }

  /** Adds a file whose bytes are all at hand, stored as they are; its sizes and checksum go in its header. */
  async addStored(name: string, data: Buffer): Promise<void> {
    const entry: EntryFacts = { name: Buffer.from(name, 'utf8'), method: 'store', crc: crc32(data), size: data.length, compressedSize: data.length, offset: this.offset, streamed: false };
    this.push(localHeader(entry));
    this.push(data);
    this.recordInDirectory(entry);
    await this.flushIfFull();
  }

  /** Adds a file read from `content` as it streams; its sizes and checksum follow its data. */
  async addStream(name: string, content: AsyncIterable<Buffer>, method: ZipMethod): Promise<void> {
    const entry: EntryFacts = { name: Buffer.from(name, 'utf8'), method, crc: 0, size: 0, compressedSize: 0, offset: this.offset, streamed: true };
    this.push(localHeader(entry));
    const measured = async function* (): AsyncGenerator<Buffer> {
      for await (const chunk of content) {
        entry.crc = crc32(chunk, entry.crc);
        entry.size += chunk.length;
        yield chunk;
      }
    };
    const write = async (source: AsyncIterable<Buffer>): Promise<void> => {
      for await (const chunk of source) {
        entry.compressedSize += chunk.length;
        this.push(chunk);
        await this.flushIfFull();
      }
    };
    await write(method === 'deflate' ? deflateInBlocks(measured(), DEFLATE_LEVEL) : measured());
    this.push(dataDescriptor(entry));
    this.recordInDirectory(entry);
    await this.flushIfFull();
  }

  /** Writes the central directory and its end records, ends the output, and waits until it has finished. */
  async end(): Promise<void> {
    const directoryOffset = this.offset;
    const directorySize = this.directory.bytes;
    for (const block of this.directory.take()) this.push(block);
    const needsZip64 = this.files >= 0xffff || directoryOffset >= MAX_32 || directorySize >= MAX_32;
    if (needsZip64) {
      const zip64EndOffset = this.offset;
      this.push(zip64EndRecord(this.files, directorySize, directoryOffset));
      this.push(zip64EndLocator(zip64EndOffset));
    }
    this.push(endRecord(this.files, directorySize, directoryOffset));
    await this.flush();
    this.out.end();
    await this.outputDone;
  }

  /** Stops: the output is destroyed with `error`. */
  async abort(error: Error): Promise<void> {
    this.out.destroy(error);
    await this.outputDone.catch(() => undefined);
  }

  private push(bytes: Buffer): void {
    this.pending.add(bytes);
    this.offset += bytes.length;
  }

  private recordInDirectory(entry: EntryFacts): void {
    this.directory.add(directoryRecord(entry));
    this.files += 1;
  }

  private async flushIfFull(): Promise<void> {
    if (this.pending.bytes >= CHUNK_BYTES) await this.flush();
  }

  /** Hands what is pending to the output, then waits while the output is full. */
  private async flush(): Promise<void> {
    if (this.out.destroyed || this.out.writableEnded) throw new Error('the zip output closed before the zip was complete');
    for (const block of this.pending.take()) this.out.write(block);
    if (this.out.writableNeedDrain) await Promise.race([once(this.out, 'drain'), this.closedEarly]);
  }
}

export type ZipMethod = 'store' | 'deflate';

/** Exports are text that still shrinks several times; deflating at 6 took as long as writing it. */
const DEFLATE_LEVEL = 1;
/** Bytes handed to the output at once. */
const CHUNK_BYTES = 64 * 1024;
const MAX_32 = 0xffffffff;
/** Made by / needed to extract: 2.0 for plain files, 4.5 for ZIP64; "made by" Unix, so modes apply. */
const VERSION_PLAIN = 20;
const VERSION_ZIP64 = 45;
const MADE_BY_UNIX = 3 << 8;
/** General purpose flags: sizes follow the data (bit 3); names are UTF-8 (bit 11). */
const FLAG_DATA_DESCRIPTOR = 1 << 3;
const FLAG_UTF8 = 1 << 11;
/** Regular file, rw-r--r--, in the high half of the external attributes. */
const UNIX_FILE_MODE = 0o100644 * 0x10000;
/** Every file is dated 2000-01-01 00:00 (MS-DOS format), so the same export gives the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = ((2000 - 1980) << 9) | (1 << 5) | 1;

interface EntryFacts {
  name: Buffer;
  method: ZipMethod;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
  streamed: boolean;
}

const methodCode = (method: ZipMethod): number => (method === 'deflate' ? 8 : 0);
const isZip64 = (entry: EntryFacts): boolean => entry.size >= MAX_32 || entry.compressedSize >= MAX_32 || entry.offset >= MAX_32;
const flagsOf = (entry: EntryFacts): number => FLAG_UTF8 | (entry.streamed ? FLAG_DATA_DESCRIPTOR : 0);

function localHeader(entry: EntryFacts): Buffer {
  const header = Buffer.alloc(30 + entry.name.length);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(VERSION_PLAIN, 4);
  header.writeUInt16LE(flagsOf(entry), 6);
  header.writeUInt16LE(methodCode(entry.method), 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  // A streamed file's checksum and sizes are not known yet: zero here, in its data descriptor after.
  header.writeUInt32LE(entry.streamed ? 0 : entry.crc, 14);
  header.writeUInt32LE(entry.streamed ? 0 : entry.compressedSize, 18);
  header.writeUInt32LE(entry.streamed ? 0 : entry.size, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(0, 28);
  entry.name.copy(header, 30);
  return header;
}

/** After a streamed file's data: its checksum and sizes, 8-byte sizes once they need them. */
function dataDescriptor(entry: EntryFacts): Buffer {
  const wide = entry.size >= MAX_32 || entry.compressedSize >= MAX_32;
  const record = Buffer.alloc(wide ? 24 : 16);
  record.writeUInt32LE(0x08074b50, 0);
  record.writeUInt32LE(entry.crc, 4);
  if (wide) {
    record.writeBigUInt64LE(BigInt(entry.compressedSize), 8);
    record.writeBigUInt64LE(BigInt(entry.size), 16);
  } else {
    record.writeUInt32LE(entry.compressedSize, 8);
    record.writeUInt32LE(entry.size, 12);
  }
  return record;
}

function directoryRecord(entry: EntryFacts): Buffer {
  const zip64 = isZip64(entry);
  // ZIP64 extended information: the three values the record marks 0xFFFFFFFF, in this order.
  const extraLength = zip64 ? 4 + 24 : 0;
  const record = Buffer.alloc(46 + entry.name.length + extraLength);
  record.writeUInt32LE(0x02014b50, 0);
  record.writeUInt16LE(MADE_BY_UNIX | (zip64 ? VERSION_ZIP64 : VERSION_PLAIN), 4);
  record.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_PLAIN, 6);
  record.writeUInt16LE(flagsOf(entry), 8);
  record.writeUInt16LE(methodCode(entry.method), 10);
  record.writeUInt16LE(DOS_TIME, 12);
  record.writeUInt16LE(DOS_DATE, 14);
  record.writeUInt32LE(entry.crc, 16);
  record.writeUInt32LE(zip64 ? MAX_32 : entry.compressedSize, 20);
  record.writeUInt32LE(zip64 ? MAX_32 : entry.size, 24);
  record.writeUInt16LE(entry.name.length, 28);
  record.writeUInt16LE(extraLength, 30);
  // Comment length, disk number start, internal attributes: all zero.
  record.writeUInt32LE(UNIX_FILE_MODE, 38);
  record.writeUInt32LE(zip64 ? MAX_32 : entry.offset, 42);
  entry.name.copy(record, 46);
  if (zip64) {
    const at = 46 + entry.name.length;
    record.writeUInt16LE(0x0001, at);
    record.writeUInt16LE(24, at + 2);
    record.writeBigUInt64LE(BigInt(entry.size), at + 4);
    record.writeBigUInt64LE(BigInt(entry.compressedSize), at + 12);
    record.writeBigUInt64LE(BigInt(entry.offset), at + 20);
  }
  return record;
}

function zip64EndRecord(files: number, directorySize: number, directoryOffset: number): Buffer {
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  // The size of the rest of this record.
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
  record.writeUInt16LE(VERSION_ZIP64, 14);
  // This disk and the directory's disk: 0 (bytes 16–23).
  record.writeBigUInt64LE(BigInt(files), 24);
  record.writeBigUInt64LE(BigInt(files), 32);
  record.writeBigUInt64LE(BigInt(directorySize), 40);
  record.writeBigUInt64LE(BigInt(directoryOffset), 48);
  return record;
}

function zip64EndLocator(zip64EndOffset: number): Buffer {
  const record = Buffer.alloc(20);
  record.writeUInt32LE(0x07064b50, 0);
  record.writeUInt32LE(0, 4);
  record.writeBigUInt64LE(BigInt(zip64EndOffset), 8);
  record.writeUInt32LE(1, 16);
  return record;
}

function endRecord(files: number, directorySize: number, directoryOffset: number): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  // Disk numbers (bytes 4–7): 0. Values that do not fit say so with all ones; the ZIP64 record holds them.
  record.writeUInt16LE(Math.min(files, 0xffff), 8);
  record.writeUInt16LE(Math.min(files, 0xffff), 10);
  record.writeUInt32LE(Math.min(directorySize, MAX_32), 12);
  record.writeUInt32LE(Math.min(directoryOffset, MAX_32), 16);
  return record;
}

/** Bytes kept in blocks of at least 64 KiB, so 100,000 small records are some 120 buffers, not 100,000. */
class ByteBlocks {
  bytes = 0;
  private blocks: Buffer[] = [];
  private recent: Buffer[] = [];
  private recentBytes = 0;

  add(bytes: Buffer): void {
    this.recent.push(bytes);
    this.recentBytes += bytes.length;
    this.bytes += bytes.length;
    if (this.recentBytes >= CHUNK_BYTES) this.seal();
  }

  /** Every block, in order; the list is empty after. */
  take(): Buffer[] {
    this.seal();
    const blocks = this.blocks;
    this.blocks = [];
    this.bytes = 0;
    return blocks;
  }

  private seal(): void {
    if (this.recentBytes === 0) return;
    this.blocks.push(this.recent.length === 1 ? this.recent[0]! : Buffer.concat(this.recent, this.recentBytes));
    this.recent = [];
    this.recentBytes = 0;
  }
}
