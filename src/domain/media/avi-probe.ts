// VideoInfo of an AVI file from its RIFF headers, the way ffprobe reports it, without spawning
// ffprobe: camera traps and older recorders write AVI (MJPEG or MPEG-4 video, PCM audio), and an
// import of thousands of them would otherwise start ffprobe for each. Pure: bytes come from a reader.
import type { StreamInfo, VideoInfo } from '../video-info.js';
import { MalformedMedia } from './bit-reader.js';
import type { ByteReader } from './iso-bmff-probe.js';
import { parseJpegFrame } from './jpeg-frame.js';

/** Video codecs by the BITMAPINFOHEADER's compression code, as ffmpeg names them (a subset it is sure of). */
const VIDEO_CODECS: Readonly<Record<string, string>> = {
  MJPG: 'mjpeg',
  FMP4: 'mpeg4',
  XVID: 'mpeg4',
  DIVX: 'mpeg4',
  DX50: 'mpeg4',
  H264: 'h264',
  X264: 'h264',
  AVC1: 'h264',
};

/** The hdrl list, and the chunks around it, are small: more is not an AVI this reader models. */
const MAX_HEADER_BYTES = 1024 * 1024;
const MAX_TOP_LEVEL_CHUNKS = 64;
/** Enough of the first video chunk for a JPEG header with Exif. */
const FIRST_FRAME_BYTES = 64 * 1024;

interface Stream {
  kind: 'video' | 'audio';
  codec: string;
  scale: number;
  rate: number;
  start: number;
  length: number;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
}

/**
 * VideoInfo for an AVI file, or null when this reader cannot vouch for ffprobe's answer: not AVI,
 * OpenDML (files over 1 GiB, several RIFF chunks), no index, a truncated file, a creation date
 * (IDIT), codecs or stream layouts it does not model. Null is always safe: the caller asks ffprobe.
 */
export async function probeAvi(reader: ByteReader, size: number): Promise<VideoInfo | null> {
  if (!Number.isSafeInteger(size) || size < 12) return null;
  const head = await reader.read(0, 12);
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'AVI ') return null;
  // One RIFF chunk covering the file exactly: a longer file holds OpenDML extensions, a shorter one was cut.
  if (head.readUInt32LE(4) + 8 !== size) return null;
  try {
    return await readAvi(reader, size);
  } catch (error) {
    if (error instanceof MalformedMedia) return null;
    throw error;
  }
}

async function readAvi(reader: ByteReader, size: number): Promise<VideoInfo | null> {
  let streams: Stream[] | null = null;
  let firstVideoChunk: { offset: number; length: number } | null = null;
  let indexed = false;
  let pos = 12;
  for (let index = 0; pos < size; index++) {
    if (index >= MAX_TOP_LEVEL_CHUNKS || size - pos < 8) return null;
    const header = await reader.read(pos, 12);
    if (header.length < 8) return null;
    const id = header.toString('latin1', 0, 4);
    const length = header.readUInt32LE(4);
    const end = pos + 8 + length + (length % 2);
    if (end > size + (length % 2)) return null;
    if (id === 'LIST') {
      const type = header.toString('latin1', 8, 12);
      if (type === 'hdrl') {
        if (streams || length > MAX_HEADER_BYTES) return null;
        streams = readHeaderList(await reader.read(pos + 12, length - 4));
        if (!streams) return null;
      } else if (type === 'movi') {
        firstVideoChunk = await findFirstVideoChunk(reader, pos + 12, pos + 8 + length);
      } else if (type !== 'INFO') {
        return null;
      }
    } else if (id === 'idx1') {
      indexed = true;
    } else if (id !== 'JUNK') {
      // IDIT (a creation date, which ffmpeg reads) and anything else: left to ffprobe.
      return null;
    }
    pos = end;
  }
  if (!streams || !indexed) return null;
  return toVideoInfo(streams, size, firstVideoChunk && (await reader.read(firstVideoChunk.offset, Math.min(firstVideoChunk.length, FIRST_FRAME_BYTES))));
}

/** The streams of `hdrl` (after its list type): an `avih`, then a `strl` list per stream. */
function readHeaderList(bytes: Buffer): Stream[] | null {
  const streams: Stream[] = [];
  for (const chunk of chunks(bytes)) {
    if (chunk.id === 'avih' || chunk.id === 'JUNK') continue;
    if (chunk.id !== 'LIST' || chunk.data.toString('latin1', 0, 4) !== 'strl') return null;
    const stream = readStream(chunks(chunk.data.subarray(4)));
    if (!stream) return null;
    streams.push(stream);
  }
  return streams.length > 0 ? streams : null;
}

function readStream(parts: { id: string; data: Buffer }[]): Stream | null {
  const strh = parts.find((p) => p.id === 'strh')?.data;
  const strf = parts.find((p) => p.id === 'strf')?.data;
  // An OpenDML super index (indx), or parts this reader does not know: left to ffprobe.
  if (!strh || !strf || strh.length < 48 || parts.some((p) => !['strh', 'strf', 'strn', 'vprp', 'JUNK'].includes(p.id))) return null;
  const type = strh.toString('latin1', 0, 4);
  const timing = { scale: strh.readUInt32LE(20), rate: strh.readUInt32LE(24), start: strh.readUInt32LE(28), length: strh.readUInt32LE(32) };
  if (timing.scale === 0 || timing.rate === 0 || timing.start !== 0) return null;
  if (type === 'vids') {
    if (strf.length < 40) return null;
    const codec = VIDEO_CODECS[strf.toString('latin1', 16, 20).toUpperCase()];
    const width = strf.readInt32LE(4);
    const height = Math.abs(strf.readInt32LE(8));
    if (!codec || width <= 0 || height <= 0 || timing.length === 0) return null;
    return { kind: 'video', codec, ...timing, width, height };
  }
  if (type === 'auds') {
    if (strf.length < 16) return null;
    const codec = audioCodec(strf.readUInt16LE(0), strf.readUInt16LE(14));
    const channels = strf.readUInt16LE(2);
    const sampleRate = strf.readUInt32LE(4);
    if (!codec || channels === 0 || sampleRate === 0) return null;
    return { kind: 'audio', codec, ...timing, sampleRate, channels };
  }
  return null;
}

/** Uncompressed and companded audio only: their stream layout in AVI is plain. */
function audioCodec(tag: number, bits: number): string | null {
  if (tag === 1) return ({ 8: 'pcm_u8', 16: 'pcm_s16le', 24: 'pcm_s24le', 32: 'pcm_s32le' } as Record<number, string>)[bits] ?? null;
  if (tag === 6 && bits === 8) return 'pcm_alaw';
  if (tag === 7 && bits === 8) return 'pcm_mulaw';
  return null;
}

/** The chunks of a RIFF list body. */
function chunks(bytes: Buffer): { id: string; data: Buffer }[] {
  const found: { id: string; data: Buffer }[] = [];
  let pos = 0;
  while (pos + 8 <= bytes.length) {
    const length = bytes.readUInt32LE(pos + 4);
    if (pos + 8 + length > bytes.length) throw new MalformedMedia('RIFF chunk past its list');
    found.push({ id: bytes.toString('latin1', pos, pos + 4), data: bytes.subarray(pos + 8, pos + 8 + length) });
    pos += 8 + length + (length % 2);
  }
  if (pos < bytes.length && bytes.length - pos !== 1) throw new MalformedMedia('bytes left in a RIFF list');
  return found;
}

/** The first chunk of stream 0 in `movi` (`00dc` or `00db`), skipping its `rec ` lists only by giving up. */
async function findFirstVideoChunk(reader: ByteReader, from: number, to: number): Promise<{ offset: number; length: number } | null> {
  let pos = from;
  for (let index = 0; pos + 8 <= to && index < 16; index++) {
    const header = await reader.read(pos, 8);
    if (header.length < 8) return null;
    const id = header.toString('latin1', 0, 4);
    const length = header.readUInt32LE(4);
    if (id === '00dc' || id === '00db') return { offset: pos + 8, length };
    if (id === 'LIST') return null;
    pos += 8 + length + (length % 2);
  }
  return null;
}

function toVideoInfo(streams: Stream[], size: number, firstFrame: Buffer | null): VideoInfo | null {
  const videos = streams.filter((s) => s.kind === 'video');
  const audios = streams.filter((s) => s.kind === 'audio');
  // One video stream first, at most one audio stream: the layout recorders write.
  if (videos.length !== 1 || streams[0] !== videos[0] || audios.length > 1) return null;
  const video = videos[0]!;
  // A JPEG whose frame header says another size (interlaced fields, say) is left to ffprobe.
  if (video.codec === 'mjpeg') {
    if (!firstFrame) return null;
    const frame = parseJpegFrame(firstFrame);
    if (frame.width !== video.width || frame.height !== video.height) return null;
  }
  // ffmpeg's stream duration in its time base (scale/rate), as microseconds rounded to nearest.
  const micros = Math.round((video.length * video.scale * 1_000_000) / video.rate);
  if (!Number.isSafeInteger(micros) || micros <= 0) return null;
  const duration = Number((micros / 1_000_000).toFixed(6));
  const bitRate = Math.trunc((size * 8 * 1_000_000) / micros);
  const fps = Math.round((video.rate / video.scale) * 1000) / 1000;
  const audio = audios[0] ?? null;
  const info: StreamInfo[] = streams.map((s, index) => ({ index, type: s.kind, codec: s.codec }));
  return {
    format: 'avi',
    duration,
    size,
    bitRate: bitRate > 0 ? bitRate : null,
    creationTime: null,
    video: { codec: video.codec, width: video.width!, height: video.height!, displayWidth: video.width!, displayHeight: video.height!, fps, frames: video.length, rotation: 0, pixelFormat: null },
    audio: audio ? { codec: audio.codec, sampleRate: audio.sampleRate!, channels: audio.channels! } : null,
    streams: info,
  };
}
