// VideoInfo of a Matroska or WebM file from its EBML headers, the way ffprobe (checked against 5.1)
// reports it, without spawning ffprobe. Pure: bytes come from a reader.
import type { StreamInfo, VideoInfo } from '../video-info.js';
import { parseAacConfig } from './aac-config.js';
import { MalformedMedia } from './bit-reader.js';
import { childElements, dataOf, MAX_HEADER_BYTES, readElementHeader, readFloat, readInt, readString, readUint, type EbmlElement } from './ebml.js';
import { checkAvcFirstSample } from './h264-access-unit.js';
import { parseAvcConfig, type AvcConfig } from './h264-sps.js';
import { parseHevcConfig } from './hevc-sps.js';
import type { ByteReader } from './iso-bmff-probe.js';
import { parseJpegFrame } from './jpeg-frame.js';
import { boundedRational } from './rational.js';
import { parseVp9KeyFrame } from './vp9-frame.js';

/** What ffprobe calls its Matroska demuxer, for WebM files too. */
const FORMAT_NAME = 'matroska,webm';

const ID = {
  ebml: 0x1a45dfa3,
  ebmlVersion: 0x4286,
  ebmlReadVersion: 0x42f7,
  ebmlMaxIdLength: 0x42f2,
  ebmlMaxSizeLength: 0x42f3,
  docType: 0x4282,
  docTypeVersion: 0x4287,
  docTypeReadVersion: 0x4285,
  segment: 0x18538067,
  seekHead: 0x114d9b74,
  seek: 0x4dbb,
  seekId: 0x53ab,
  seekPosition: 0x53ac,
  info: 0x1549a966,
  timecodeScale: 0x2ad7b1,
  duration: 0x4489,
  dateUtc: 0x4461,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  trackType: 0x83,
  codecId: 0x86,
  codecPrivate: 0x63a2,
  defaultDuration: 0x23e383,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  colour: 0x55b0,
  range: 0x55b9,
  audio: 0xe1,
  samplingFrequency: 0xb5,
  outputSamplingFrequency: 0x78b5,
  channels: 0x9f,
  bitDepth: 0x6264,
  tags: 0x1254c367,
  tagName: 0x45a3,
  cluster: 0x1f43b675,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
  cues: 0x1c53bb6b,
  void: 0xec,
  crc32: 0xbf,
} as const;

const MASTERING_METADATA = 0x55d0;
const HEADER_IDS = new Set<number>([ID.ebmlVersion, ID.ebmlReadVersion, ID.ebmlMaxIdLength, ID.ebmlMaxSizeLength, ID.docType, ID.docTypeVersion, ID.docTypeReadVersion]);
// Track children that change what ffmpeg makes of a track (compression, combined planes, an
// attachment link, a track timescale) or masters not read here: left to ffprobe.
const REFUSED_TRACK_CHILDREN = new Set([0x6d80, 0xe2, 0x7446, 0x23314f, 0x41e4, 0x6624]);
const REFUSED_VIDEO_CHILDREN = new Set([0x7670, 0x54aa, 0x54bb, 0x54cc, 0x54dd]);
// Tags ffmpeg would turn into creation_time or a rotation: left to ffprobe.
const RISKY_TAGS = new Set(['creation_time', 'rotate']);
/** Headers are small; more is not a file this reader models. */
const MAX_LEVEL1_BYTES = 4 * 1024 * 1024;
const MAX_LEVEL1_ELEMENTS = 64;
// Clusters may open with a second or two of audio blocks before the first video frame.
const MAX_CLUSTER_CHILDREN = 1024;
/** What a Cluster holds besides blocks (Timestamp, Position, PrevSize, Void, CRC-32), and Cues between Clusters. */
const CLUSTER_FIELDS = new Set([0xe7, 0xa7, 0xab, 0xec, 0xbf, 0x1c53bb6b]);
/** Enough of a first frame for a JPEG header with Exif or an H.264 first slice. */
const FIRST_FRAME_BYTES = 128 * 1024;
const NANOSECONDS_2001 = 978307200000000n; // 2001-01-01 (Matroska's epoch) in Unix microseconds
const LATEST_UNIX_MICROS = 253402300799999999n; // 9999-12-31T23:59:59.999999Z
const INT_MAX = 2 ** 31 - 1;

interface Track {
  number: number;
  kind: 'video' | 'audio';
  codec: string;
  /** ffmpeg's avg_frame_rate from DefaultDuration, reduced as it does; null when absent. */
  frameRate: [bigint, bigint] | null;
  width: number;
  height: number;
  pixelFormat: string | null;
  /** What the first frame must show (and may tell) for ffprobe's decoder to agree. */
  firstFrame: { kind: 'avc'; config: AvcConfig } | { kind: 'vp8' | 'vp9' | 'jpeg' } | null;
  sampleRate: number;
  channels: number;
}

interface Header {
  timecodeScale: number;
  /** Segment duration in timecode ticks; null when the file does not say (a live recording). */
  duration: number | null;
  creationTime: string | null;
}

/**
 * VideoInfo for a Matroska/WebM file, or null when this reader cannot vouch for ffprobe's answer:
 * not Matroska, damaged or cut before what it needs, codecs or track features it does not model
 * (AV1, MP3, Vorbis, subtitles, compressed tracks...), attachments or chapters, tags that ffmpeg turns into
 * creation_time or a rotation, video without DefaultDuration (ffprobe would estimate the rate from
 * packets). pixelFormat is null where the bitstream does not settle it (HEVC, MJPEG). Null is always
 * safe: the caller asks ffprobe. Read errors from `reader` propagate.
 */
export async function probeMatroska(reader: ByteReader, size: number): Promise<VideoInfo | null> {
  if (!Number.isSafeInteger(size) || size < 16) return null;
  try {
    return await readMatroska(reader, size);
  } catch (error) {
    if (error instanceof MalformedMedia || error instanceof RangeError) return null;
    throw error;
  }
}

async function readMatroska(reader: ByteReader, size: number): Promise<VideoInfo | null> {
  const ebml = await readElement(reader, 0, size);
  if (!ebml || ebml.header.id !== ID.ebml || !acceptEbmlHeader(ebml.bytes)) return null;
  const segment = await readHeaderAt(reader, ebml.header.dataStart + ebml.header.size!);
  if (!segment || segment.id !== ID.segment) return null;
  const segmentStart = segment.dataStart;
  const segmentEnd = segment.size === null ? size : Math.min(size, segmentStart + segment.size);

  let header: Header | null = null;
  let tracks: Track[] | null = null;
  const seeks: { id: number; position: number }[] = [];
  const tagsAt = new Set<number>();
  let cluster: EbmlElement | null = null;
  // The Segment's children up to the first Cluster, as ffmpeg reads them before any packet.
  for (let pos = segmentStart, index = 0; pos < segmentEnd; index++) {
    if (index >= MAX_LEVEL1_ELEMENTS) return null;
    const element = await readHeaderAt(reader, pos);
    if (!element) return null;
    if (element.id === ID.cluster) {
      cluster = element;
      break;
    }
    if (element.size === null) return null;
    const end = element.dataStart + element.size;
    if (end > segmentEnd) return null;
    switch (element.id) {
      case ID.seekHead:
        seeks.push(...readSeekHead(await readData(reader, element)));
        break;
      case ID.info:
        if (header) return null;
        header = readInfo(await readData(reader, element));
        break;
      case ID.tracks:
        if (tracks) return null;
        tracks = readTracks(await readData(reader, element));
        break;
      case ID.tags:
        if (hasRiskyTag(await readData(reader, element))) return null;
        tagsAt.add(element.start);
        break;
      case ID.cues:
      case ID.void:
      case ID.crc32:
        break;
      default:
        // Chapters, Attachments (which become streams) and anything unknown.
        return null;
    }
    pos = end;
  }
  if (!cluster) return null;

  // ffmpeg follows the SeekHead to elements written after the clusters (Tags, usually; Info and
  // Tracks for some writers) before reading packets.
  for (const seek of seeks) {
    if (seek.id === ID.cluster || seek.id === ID.cues) continue;
    const at = segmentStart + seek.position;
    if (seek.id === ID.info && header) continue;
    if (seek.id === ID.tracks && tracks) continue;
    if (seek.id === ID.tags && tagsAt.has(at)) continue;
    if (seek.id !== ID.info && seek.id !== ID.tracks && seek.id !== ID.tags) return null;
    const element = await readElement(reader, at, segmentEnd);
    if (!element || element.header.id !== seek.id) return null;
    if (seek.id === ID.info) header = readInfo(element.bytes);
    else if (seek.id === ID.tracks) tracks = readTracks(element.bytes);
    else if (hasRiskyTag(element.bytes)) return null;
    else tagsAt.add(at);
  }
  if (!header || !tracks) return null;

  const video = tracks.find((track) => track.kind === 'video') ?? null;
  if (video?.firstFrame) {
    const frame = await firstFrame(reader, cluster, segmentEnd, video.number, new Set(tracks.map((track) => track.number)));
    if (!frame) return null;
    video.pixelFormat = completeFromFirstFrame(video, frame.bytes, frame.size);
  }
  return toVideoInfo(header, tracks, size);
}

/** An element read whole (header and data), or null if the file ends first or it is too big. */
async function readElement(reader: ByteReader, pos: number, limit: number): Promise<{ header: EbmlElement; bytes: Buffer } | null> {
  const header = await readHeaderAt(reader, pos);
  if (!header || header.size === null || header.size > MAX_LEVEL1_BYTES || header.dataStart + header.size > limit) return null;
  const bytes = await readData(reader, header);
  return { header, bytes };
}

async function readHeaderAt(reader: ByteReader, pos: number): Promise<EbmlElement | null> {
  const bytes = await reader.read(pos, MAX_HEADER_BYTES);
  const element = readElementHeader(bytes, 0);
  return element && { ...element, start: pos, dataStart: pos + element.dataStart };
}

/** The data of an element of known size, as a buffer whose offset 0 is the start of the data. */
async function readData(reader: ByteReader, element: EbmlElement): Promise<Buffer> {
  if (element.size! > MAX_LEVEL1_BYTES) throw new MalformedMedia('element too big for a header');
  const bytes = await reader.read(element.dataStart, element.size!);
  if (bytes.length !== element.size) throw new MalformedMedia('file ends inside an element');
  return bytes;
}

/** The values ffmpeg accepts without complaint (RFC 8794 §11.2; DocType matroska or webm, read version up to 2). */
function acceptEbmlHeader(bytes: Buffer): boolean {
  const values = only(bytes, childElements(bytes, 0, bytes.length));
  const uint = (id: number, fallback: number) => (values.has(id) ? readUint(values.get(id)!) : fallback);
  const docType = values.get(ID.docType);
  return (
    uint(ID.ebmlVersion, 1) === 1 &&
    uint(ID.ebmlReadVersion, 1) === 1 &&
    uint(ID.ebmlMaxIdLength, 4) === 4 &&
    uint(ID.ebmlMaxSizeLength, 8) === 8 &&
    uint(ID.docTypeReadVersion, 1) <= 2 &&
    uint(ID.docTypeVersion, 1) <= 4 &&
    docType !== undefined &&
    ['matroska', 'webm'].includes(readString(docType)) &&
    [...values.keys()].every((id) => HEADER_IDS.has(id))
  );
}

function readSeekHead(bytes: Buffer): { id: number; position: number }[] {
  const seeks: { id: number; position: number }[] = [];
  for (const seek of childElements(bytes, 0, bytes.length)) {
    if (seek.id === ID.void || seek.id === ID.crc32) continue;
    if (seek.id !== ID.seek) throw new MalformedMedia('unexpected SeekHead child');
    const fields = only(bytes, childElements(bytes, seek.dataStart, seek.dataStart + seek.size!));
    const id = fields.get(ID.seekId);
    const position = fields.get(ID.seekPosition);
    if (!id || !position) throw new MalformedMedia('Seek without ID or position');
    seeks.push({ id: readUint(id), position: readUint(position) });
  }
  return seeks;
}

function readInfo(bytes: Buffer): Header {
  const fields = only(bytes, childElements(bytes, 0, bytes.length));
  const scale = fields.get(ID.timecodeScale);
  const timecodeScale = scale ? readUint(scale) : 1000000;
  if (timecodeScale === 0) throw new MalformedMedia('TimecodeScale 0');
  const rawDuration = fields.get(ID.duration);
  const duration = rawDuration ? readFloat(rawDuration) : null;
  // ffmpeg takes 0 as "no duration"; other values it would turn into nonsense are not modelled.
  if (duration !== null && !(Number.isFinite(duration) && duration > 0)) throw new MalformedMedia('odd Duration');
  const date = fields.get(ID.dateUtc);
  return { timecodeScale, duration, creationTime: date ? creationTime(date) : null };
}

/**
 * DateUTC as ffmpeg's creation_time (it keeps microseconds, parseProbeOutput milliseconds). Only the
 * 8-byte form (ffmpeg ignores others) and dates from 1970 to 9999 (earlier ones it prints oddly).
 */
function creationTime(data: Uint8Array): string {
  if (data.length !== 8) throw new MalformedMedia('DateUTC not 8 bytes');
  const nanoseconds = readInt(data);
  const micros = nanoseconds / 1000n + NANOSECONDS_2001; // C division: toward zero, as bigint's
  if (micros < 0n || micros > LATEST_UNIX_MICROS) throw new MalformedMedia('DateUTC out of range');
  return new Date(Number(micros / 1000n)).toISOString();
}

function readTracks(bytes: Buffer): Track[] {
  const tracks: Track[] = [];
  for (const entry of childElements(bytes, 0, bytes.length)) {
    if (entry.id === ID.void || entry.id === ID.crc32) continue;
    if (entry.id !== ID.trackEntry) throw new MalformedMedia('unexpected Tracks child');
    tracks.push(readTrack(bytes, entry));
  }
  if (tracks.length === 0 || new Set(tracks.map((t) => t.number)).size !== tracks.length) throw new MalformedMedia('no tracks, or duplicate track numbers');
  return tracks;
}

function readTrack(bytes: Buffer, entry: EbmlElement): Track {
  const children = childElements(bytes, entry.dataStart, entry.dataStart + entry.size!);
  if (children.some((child) => REFUSED_TRACK_CHILDREN.has(child.id))) throw new MalformedMedia('track feature not modelled');
  const fields = only(bytes, children);
  const uint = (id: number) => {
    const data = fields.get(id);
    return data ? readUint(data) : null;
  };
  const number = uint(ID.trackNumber);
  const type = uint(ID.trackType);
  const codecId = fields.get(ID.codecId);
  if (!number || !codecId) throw new MalformedMedia('track without number or codec');
  const codec = readString(codecId);
  const codecPrivate = fields.get(ID.codecPrivate) ?? null;
  const base = { number, frameRate: null, width: 0, height: 0, pixelFormat: null, firstFrame: null, sampleRate: 0, channels: 0 };
  if (type === 1) {
    const video = fields.get(ID.video);
    if (!video) throw new MalformedMedia('video track without Video');
    const defaultDuration = uint(ID.defaultDuration);
    return { ...base, ...readVideo(video, codec, codecPrivate), frameRate: defaultDuration ? frameRate(defaultDuration) : null };
  }
  if (type === 2) {
    const audio = fields.get(ID.audio);
    if (!audio) throw new MalformedMedia('audio track without Audio');
    return { ...base, ...readAudio(audio, codec, codecPrivate) };
  }
  throw new MalformedMedia(`track type ${type}`);
}

/** avg_frame_rate = 10⁹ / DefaultDuration, reduced with terms up to 30000 as ffmpeg's demuxer does. */
function frameRate(defaultDuration: number): [bigint, bigint] {
  const [num, den] = boundedRational(1000000000n, BigInt(defaultDuration), 30000n);
  if (num === 0n) throw new MalformedMedia('DefaultDuration too long');
  return [num, den];
}

function readVideo(bytes: Buffer, codec: string, codecPrivate: Uint8Array | null): Pick<Track, 'kind' | 'codec' | 'width' | 'height' | 'pixelFormat' | 'firstFrame'> {
  const children = childElements(bytes, 0, bytes.length);
  if (children.some((child) => REFUSED_VIDEO_CHILDREN.has(child.id))) throw new MalformedMedia('video feature not modelled');
  const fields = only(bytes, children);
  // A Colour that does not parse sends ffmpeg resynchronising through the file, whatever the codec.
  const colour = fields.has(ID.colour) ? readColour(fields.get(ID.colour)!) : null;
  const width = readUint(fields.get(ID.pixelWidth) ?? new Uint8Array());
  const height = readUint(fields.get(ID.pixelHeight) ?? new Uint8Array());
  if (width === 0 || height === 0 || width > 0xffff || height > 0xffff) throw new MalformedMedia('no picture size');
  const video = { kind: 'video' as const, width, height };
  const sameSize = (config: { width: number; height: number }) => {
    if (config.width !== width || config.height !== height) throw new MalformedMedia('codec and container disagree on the picture size');
  };
  switch (codec) {
    case 'V_MPEG4/ISO/AVC': {
      if (!codecPrivate) throw new MalformedMedia('H.264 without avcC');
      const config = parseAvcConfig(codecPrivate);
      const { sps } = config;
      if (sps.cropsLeftOrTop) throw new MalformedMedia('left/top cropping');
      sameSize(sps);
      const fullRange = sps.fullRange ?? containerFullRange(colour);
      const is420p8 = sps.chromaFormatIdc === 1 && sps.bitDepthLuma === 8 && sps.bitDepthChroma === 8;
      return { ...video, codec: 'h264', pixelFormat: is420p8 ? (fullRange ? 'yuvj420p' : 'yuv420p') : null, firstFrame: { kind: 'avc', config } };
    }
    case 'V_MPEGH/ISO/HEVC': {
      if (!codecPrivate) throw new MalformedMedia('HEVC without hvcC');
      const sps = parseHevcConfig(codecPrivate);
      if (sps.cropsLeftOrTop) throw new MalformedMedia('left/top conformance window');
      sameSize(sps);
      return { ...video, codec: 'hevc', pixelFormat: null, firstFrame: null };
    }
    case 'V_VP8':
      return { ...video, codec: 'vp8', pixelFormat: null, firstFrame: { kind: 'vp8' } };
    case 'V_VP9':
      return { ...video, codec: 'vp9', pixelFormat: null, firstFrame: { kind: 'vp9' } };
    case 'V_MJPEG':
      return { ...video, codec: 'mjpeg', pixelFormat: null, firstFrame: { kind: 'jpeg' } };
    default:
      throw new MalformedMedia(`video codec ${codec}`);
  }
}

/** The Colour element's children (and its MasteringMetadata's), checked whole. */
function readColour(colour: Buffer): Map<number, Buffer> {
  const fields = only(colour, childElements(colour, 0, colour.length));
  const mastering = fields.get(MASTERING_METADATA);
  if (mastering) childElements(mastering, 0, mastering.length);
  return fields;
}

/** The Colour element's Range: 1 limited, 2 full; null when it does not say. */
function containerFullRange(colour: Map<number, Buffer> | null): boolean | null {
  const range = colour?.get(ID.range);
  const value = range ? readUint(range) : 0;
  return value === 1 ? false : value === 2 ? true : null;
}

function readAudio(bytes: Buffer, codec: string, codecPrivate: Uint8Array | null): Pick<Track, 'kind' | 'codec' | 'sampleRate' | 'channels'> {
  const fields = only(bytes, childElements(bytes, 0, bytes.length));
  if (fields.has(ID.outputSamplingFrequency)) throw new MalformedMedia('OutputSamplingFrequency');
  // ffmpeg keeps the float rate's integer part.
  const rate = Math.trunc(fields.has(ID.samplingFrequency) ? readFloat(fields.get(ID.samplingFrequency)!) : 8000);
  const channels = fields.has(ID.channels) ? readUint(fields.get(ID.channels)!) : 1;
  const bitDepth = fields.has(ID.bitDepth) ? readUint(fields.get(ID.bitDepth)!) : 0;
  // The decoder's rate and channels win when it opens; requiring the container's to agree keeps the
  // answer the same when it does not (damaged codec headers).
  const audioOf = (name: string, sampleRate: number, count: number) => {
    if (sampleRate !== rate || count !== channels) throw new MalformedMedia('codec and container disagree on the audio layout');
    return { kind: 'audio' as const, codec: name, sampleRate, channels: count };
  };
  // Vorbis is left to ffprobe: its decoder reports no channels unless the whole setup header parses.
  switch (codec) {
    case 'A_AAC': {
      if (!codecPrivate) throw new MalformedMedia('AAC without AudioSpecificConfig');
      const config = parseAacConfig(codecPrivate);
      return audioOf('aac', config.sampleRate, config.channels);
    }
    case 'A_OPUS': {
      // OpusHead (RFC 7845 §5.1), channel mapping family 0 only: others carry a mapping table.
      const head = codecPrivate;
      if (!head || head.length !== 19 || Buffer.from(head.subarray(0, 8)).toString('latin1') !== 'OpusHead' || head[8] !== 1 || head[18] !== 0 || head[9]! < 1 || head[9]! > 2) {
        throw new MalformedMedia('unsupported OpusHead');
      }
      return audioOf('opus', 48000, head[9]!);
    }
    case 'A_PCM/INT/LIT':
    case 'A_PCM/INT/BIG': {
      // The PCM decoder takes rate and channels from the container, the rate truncated to an integer.
      const endian = codec === 'A_PCM/INT/LIT' ? 'le' : 'be';
      const name = [16, 24, 32].includes(bitDepth) ? `pcm_s${bitDepth}${endian}` : null;
      if (!name || rate <= 0 || rate > INT_MAX || channels === 0 || channels > 8) throw new MalformedMedia('PCM layout not modelled');
      return audioOf(name, rate, channels);
    }
    default:
      throw new MalformedMedia(`audio codec ${codec}`);
  }
}

/** Any SimpleTag, at any depth, whose name ffmpeg would read as creation_time or rotate. */
function hasRiskyTag(bytes: Buffer): boolean {
  const visit = (start: number, end: number): boolean =>
    childElements(bytes, start, end).some((element) => {
      if (element.id === ID.tagName) return RISKY_TAGS.has(readString(dataOf(bytes, element)).toLowerCase());
      // Tag, Targets and SimpleTag are masters; the rest are values.
      return [0x7373, 0x63c0, 0x67c8].includes(element.id) && visit(element.dataStart, element.dataStart + element.size!);
    });
  return visit(0, bytes.length);
}

/**
 * The first frame of track `number`: a SimpleBlock, or a Block in a BlockGroup, without lacing, in the
 * first Cluster or the next ones (a start offset can leave the first to audio); every block before it
 * must be an unlaced one of the `known` tracks.
 */
async function firstFrame(reader: ByteReader, cluster: EbmlElement, segmentEnd: number, number: number, known: Set<number>): Promise<{ bytes: Buffer; size: number } | null> {
  let pos = cluster.start;
  for (let index = 0; pos < segmentEnd && index < MAX_CLUSTER_CHILDREN; index++) {
    const element = await readHeaderAt(reader, pos);
    if (!element) return null;
    if (element.id === ID.cluster) {
      pos = element.dataStart; // its blocks, and after them the next Cluster
      continue;
    }
    if (element.size === null || element.dataStart + element.size > segmentEnd) return null;
    let block: { dataStart: number; size: number } | null = null;
    if (element.id === ID.simpleBlock) {
      block = { dataStart: element.dataStart, size: element.size };
    } else if (element.id === ID.blockGroup) {
      const group = await readData(reader, element);
      const inner = childElements(group, 0, group.length).find((child) => child.id === ID.block);
      if (!inner) return null;
      block = { dataStart: element.dataStart + inner.dataStart, size: inner.size! };
    } else if (!CLUSTER_FIELDS.has(element.id)) {
      return null;
    }
    if (block) {
      const head = await reader.read(block.dataStart, Math.min(block.size, FIRST_FRAME_BYTES));
      // The track number is an EBML size-style number; then a 16-bit timecode and the flags.
      const track = readElementHeader(Buffer.concat([Buffer.from([0x80]), head.subarray(0, 8)]), 0);
      // ffmpeg abandons the rest of a Cluster at a block it cannot split (an unknown track, lace sizes
      // that do not add up), perhaps with the frame it needs: blocks before it must be plain ones.
      if (!track || track.size === null || !known.has(track.size)) return null;
      const headerLength = track.dataStart - 1 + 3;
      if (head.length < headerLength || (head[headerLength - 1]! & 0x06) !== 0) return null; // laced
      if (track.size === number) return { bytes: head.subarray(headerLength), size: block.size - headerLength };
    }
    pos = element.dataStart + element.size;
  }
  return null;
}

/** Checks the first frame against the codec's parameters; returns the pixel format it settles. */
function completeFromFirstFrame(track: Track, frame: Buffer, frameSize: number): string | null {
  const check = track.firstFrame!;
  switch (check.kind) {
    case 'avc':
      checkAvcFirstSample(frame, frameSize, check.config);
      return track.pixelFormat;
    case 'vp9': {
      const key = parseVp9KeyFrame(frame);
      if (key.width !== track.width || key.height !== track.height) throw new MalformedMedia('VP9 and container sizes differ');
      return key.profile === 0 ? 'yuv420p' : null;
    }
    case 'vp8': {
      // A key frame (RFC 6386 §9.1): 3-byte tag, start code, 14-bit sizes with 2-bit scaling.
      if (frame.length < 10 || (frame[0]! & 1) !== 0 || frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) throw new MalformedMedia('first VP8 frame is not a key frame');
      const width = frame.readUInt16LE(6);
      const height = frame.readUInt16LE(8);
      if (width >> 14 || height >> 14 || width !== track.width || height !== track.height) throw new MalformedMedia('VP8 and container sizes differ');
      // ffmpeg's VP8 decoder has one output format.
      return 'yuv420p';
    }
    case 'jpeg': {
      const jpeg = parseJpegFrame(frame);
      if (jpeg.width !== track.width || jpeg.height !== track.height) throw new MalformedMedia('JPEG and container sizes differ');
      return null;
    }
  }
}

/** Children by ID, Void and CRC-32 aside; a repeated one is ambiguous and throws. */
function only(bytes: Buffer, children: EbmlElement[]): Map<number, Buffer> {
  const fields = new Map<number, Buffer>();
  for (const child of children) {
    if (child.id === ID.void || child.id === ID.crc32) continue;
    if (fields.has(child.id)) throw new MalformedMedia(`repeated element 0x${child.id.toString(16)}`);
    fields.set(child.id, dataOf(bytes, child));
  }
  return fields;
}

function toVideoInfo(header: Header, tracks: Track[], size: number): VideoInfo | null {
  let duration: number | null = null;
  let bitRate: number | null = null;
  if (header.duration !== null) {
    // ffmpeg: duration × TimecodeScale × 1000 / AV_TIME_BASE in doubles, truncated to microseconds.
    const micros = Math.trunc((header.duration * header.timecodeScale * 1000) / 1000000);
    if (!Number.isSafeInteger(micros) || micros <= 0) return null;
    // ffprobe prints seconds with %f; parseProbeOutput reads that text back.
    duration = Number((micros * (1 / 1000000)).toFixed(6));
    const rawBitRate = Math.trunc((size * 8 * 1000000) / micros);
    bitRate = rawBitRate > 0 ? rawBitRate : null;
  } else if (tracks.some((track) => track.codec.startsWith('pcm_'))) {
    // Without a duration ffmpeg estimates one from stream bit rates, which PCM streams have.
    return null;
  }
  const videoTrack = tracks.find((track) => track.kind === 'video') ?? null;
  const audioTrack = tracks.find((track) => track.kind === 'audio') ?? null;
  let video: VideoInfo['video'] = null;
  if (videoTrack) {
    // Without DefaultDuration ffprobe estimates the rate from packet timestamps.
    if (!videoTrack.frameRate) return null;
    const [num, den] = videoTrack.frameRate;
    const { codec, width, height, pixelFormat } = videoTrack;
    video = { codec, width, height, displayWidth: width, displayHeight: height, fps: Math.round((Number(num) / Number(den)) * 1000) / 1000, frames: null, rotation: 0, pixelFormat };
  }
  const streams: StreamInfo[] = tracks.map((track, index) => ({ index, type: track.kind, codec: track.codec }));
  return {
    format: FORMAT_NAME,
    duration,
    size,
    bitRate,
    creationTime: header.creationTime,
    video,
    audio: audioTrack && { codec: audioTrack.codec, sampleRate: audioTrack.sampleRate, channels: audioTrack.channels },
    streams,
  };
}
