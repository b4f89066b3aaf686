import { open, type FileHandle } from 'node:fs/promises';
import { probeAvi } from '../../domain/media/avi-probe.js';
import { probeIsoBmff, type ByteReader } from '../../domain/media/iso-bmff-probe.js';
import { probeMatroska } from '../../domain/media/matroska-probe.js';
import type { VideoInfo } from '../../domain/video-info.js';

// Each positioned read is a round trip through libuv's thread pool, which costs more than the bytes:
// read ahead in blocks so that box headers, a small moov and the first sample need one or two reads.
const READ_AHEAD = 64 * 1024;
const KEPT_BLOCKS = 4;

/**
 * VideoInfo for an MP4/MOV-family, Matroska/WebM or AVI file without spawning ffprobe, or null when the in-process
 * probe cannot vouch for the answer (another container, or something it does not model): then ask
 * ffprobe. Filesystem errors (ENOENT, EACCES...) are thrown as usual.
 */
export async function quickProbe(path: string | Buffer): Promise<VideoInfo | null> {
  const handle = await open(path, 'r');
  try {
    // The size and the head of the file at once: for a faststart file that is every byte needed.
    const head = Buffer.allocUnsafe(READ_AHEAD);
    const [{ size }, { bytesRead }] = await Promise.all([handle.stat(), handle.read(head, 0, READ_AHEAD, 0)]);
    return await probeContainer(readAhead(handle, size, head.subarray(0, Math.min(bytesRead, size))), size);
  } finally {
    await handle.close();
  }
}

/** The same, for a file already read into memory (an import reads small files whole). */
export function quickProbeBytes(bytes: Buffer): Promise<VideoInfo | null> {
  return probeContainer({ read: (offset, length) => Promise.resolve(bytes.subarray(offset, Math.min(offset + length, bytes.length))) }, bytes.length);
}

const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

/** The container's own reader, chosen by the file's first bytes; ISO-BMFF (which may start with any box) otherwise. */
async function probeContainer(reader: ByteReader, size: number): Promise<VideoInfo | null> {
  const magic = await reader.read(0, 4);
  if (magic.equals(EBML_MAGIC)) return probeMatroska(reader, size);
  return magic.toString('latin1') === 'RIFF' ? probeAvi(reader, size) : probeIsoBmff(reader, size);
}

function readAhead(handle: FileHandle, size: number, head: Buffer): ByteReader {
  const blocks: { offset: number; bytes: Buffer }[] = [{ offset: 0, bytes: head }];
  return {
    async read(offset, length) {
      const end = Math.min(offset + length, size);
      const cached = blocks.find((block) => offset >= block.offset && end <= block.offset + block.bytes.length);
      if (cached) return cached.bytes.subarray(offset - cached.offset, end - cached.offset);
      const wanted = Math.max(0, Math.min(Math.max(length, READ_AHEAD), size - offset));
      const bytes = Buffer.allocUnsafe(wanted);
      const { bytesRead } = wanted > 0 ? await handle.read(bytes, 0, wanted, offset) : { bytesRead: 0 };
      const block = { offset, bytes: bytes.subarray(0, bytesRead) };
      blocks.unshift(block);
      if (blocks.length > KEPT_BLOCKS) blocks.pop();
      return block.bytes.subarray(0, Math.min(length, bytesRead));
    },
  };
}
