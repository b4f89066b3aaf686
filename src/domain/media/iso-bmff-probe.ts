import type { StreamInfo, VideoInfo } from '../video-info.js';
import { boundedRational } from './rational.js';
import { BoxFields, childBoxes, onlyChild, requiredChild, type Box } from './iso-box.js';
import { MalformedMedia } from './bit-reader.js';
import { completeFromFirstSample, describeSampleEntry, firstSampleBytes, type SampleDescription } from './sample-description.js';

/** Positioned reads of the file being probed; a read may return fewer bytes at the end of the file. */
export interface ByteReader {
  read(offset: number, length: number): Promise<Buffer>;
}

/** What ffprobe calls its QuickTime/MP4 demuxer, for every file it opens. */
const FORMAT_NAME = 'mov,mp4,m4a,3gp,3g2,mj2';
const MAX_MOOV_BYTES = 64 * 1024 * 1024;
const MAX_FTYP_BYTES = 4096;
// Each box costs a read; a file of thousands of top-level boxes is not a camera clip.
const MAX_TOP_LEVEL_BOXES = 1024;
// Padding some writers put before `ftyp` (or, in old QuickTime files, before `moov` or `mdat`).
const LEADING_FILLER = new Set(['free', 'skip', 'wide']);
/** A file without `ftyp`: ffmpeg reads it as QuickTime, like major brand `qt  `. */
const NO_FTYP: Brands = { major: 'qt  ', compatible: [] };
const MAC_TO_UNIX_SECONDS = 2082844800; // 1904-01-01 → 1970-01-01
const LATEST_UNIX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z: later dates do not print as ISO 8601
const IDENTITY_MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
const INT_MAX = 2n ** 31n - 1n;
// Metadata that makes ffmpeg add streams (cover art) or overwrite creation_time: left to ffprobe.
const RISKY_METADATA = ['covr', 'com.apple.quicktime.artwork', 'creation_time'];

/**
 * VideoInfo for an ISO-BMFF file (MP4, MOV, 3GP, M4V) with the values ffprobe (checked against 5.1)
 * reports and `parseProbeOutput` makes of them, read from the top-level box headers, the `moov` box
 * and the start of each video track's first sample (and an MP3 track's). Null when the file is not
 * ISO-BMFF or uses anything not modelled here — fragments, several sample descriptions, unusual edit
 * lists, unknown codecs or handlers, cover art, tables ffmpeg would reject or repair, damage: null is
 * always safe, the caller asks ffprobe. pixelFormat is null where it is not certain (see
 * sample-description.ts). Read errors from `reader` propagate.
 */
export async function probeIsoBmff(reader: ByteReader, size: number): Promise<VideoInfo | null> {
  if (!Number.isSafeInteger(size) || size < 16) return null;
  const layout = await readTopLevel(reader, size);
  if (!layout) return null;
  const moov = await reader.read(layout.moov.offset, layout.moov.length);
  if (moov.length !== layout.moov.length) return null;
  let movie: Movie;
  try {
    movie = parseMovie(moov, layout.brands, size);
  } catch {
    // Any surprise in the box tree means "not understood", never a crash of the caller.
    return null;
  }
  for (const track of movie.tracks) {
    if (!track.description.firstSample) continue;
    const sample = await reader.read(track.firstSample.offset, Math.min(track.firstSample.size, firstSampleBytes(track.description)));
    try {
      track.description = completeFromFirstSample(track.description, sample, track.firstSample.size);
    } catch {
      return null;
    }
  }
  return toVideoInfo(movie, size);
}

interface Brands {
  major: string;
  compatible: string[];
}

interface Layout {
  brands: Brands;
  moov: { offset: number; length: number };
}

/**
 * Walks top-level box headers only, so a multi-gigabyte `mdat` costs one read. Bytes after the
 * boxes that cannot start a box (a recorder stopped abruptly, or a tool appended a few bytes) end
 * the walk once the movie and its media are found, as they end ffmpeg's: they hold nothing it reads.
 */
async function readTopLevel(reader: ByteReader, size: number): Promise<Layout | null> {
  let brands: Brands | null = null;
  let moov: Layout['moov'] | null = null;
  let sawMdat = false;
  let pos = 0;
  // Bytes that are not a box end the walk once the file is complete without them.
  const complete = () => brands !== null && moov !== null && sawMdat;
  for (let index = 0; pos < size; index++) {
    if (index >= MAX_TOP_LEVEL_BOXES) return null;
    if (size - pos < 8) {
      if (complete()) break;
      return null;
    }
    const head = await reader.read(pos, Math.min(16, size - pos));
    if (head.length < 8) return null;
    const type = head.toString('latin1', 4, 8);
    if (!/^[\x20-\x7e]{4}$/.test(type)) {
      if (complete()) break;
      return null;
    }
    let boxSize = head.readUInt32BE(0);
    let header = 8;
    if (boxSize === 1) {
      if (head.length < 16) return null;
      const large = head.readBigUInt64BE(8);
      if (large > BigInt(size - pos)) return null;
      boxSize = Number(large);
      header = 16;
    } else if (boxSize === 0) {
      boxSize = size - pos; // the last box, running to the end of the file
    }
    if (boxSize < header || boxSize > size - pos) return null;
    if (type === 'mdat') sawMdat = true;
    // Old QuickTime files start with the movie or its media; ffmpeg reads them as brand `qt  `.
    if (!brands && (type === 'moov' || type === 'mdat')) brands = NO_FTYP;

    if (!brands) {
      if (type === 'ftyp') {
        if (boxSize - header < 8 || boxSize - header > MAX_FTYP_BYTES) return null;
        const ftyp = await reader.read(pos + header, boxSize - header);
        if (ftyp.length !== boxSize - header) return null;
        brands = readBrands(ftyp);
      } else if (!LEADING_FILLER.has(type)) {
        return null; // not ISO-BMFF
      }
    } else if (type === 'ftyp') {
      return null;
    } else if (type === 'moov') {
      if (moov || boxSize - header > MAX_MOOV_BYTES) return null;
      moov = { offset: pos + header, length: boxSize - header };
    } else if (type === 'moof' || type === 'mfra' || type === 'meta' || type === 'udta') {
      // Fragments, or top-level metadata that ffmpeg would read too.
      return null;
    }
    pos += boxSize;
  }
  return brands && moov ? { brands, moov } : null;
}

function readBrands(ftyp: Buffer): Brands {
  const compatible: string[] = [];
  for (let at = 8; at + 4 <= ftyp.length; at += 4) compatible.push(ftyp.toString('latin1', at, at + 4));
  return { major: ftyp.toString('latin1', 0, 4), compatible };
}

interface Movie {
  timescale: number;
  duration: bigint;
  creationTime: bigint;
  tracks: Track[];
}

interface Track {
  description: SampleDescription;
  /** Clockwise display rotation, for video tracks. */
  rotation: number;
  creationTime: bigint;
  frames: number;
  /** ffmpeg's avg_frame_rate as num/den, null when there is none. */
  frameRate: [bigint, bigint] | null;
  firstSample: { offset: number; size: number };
}

function parseMovie(moov: Buffer, brands: Brands, fileSize: number): Movie {
  const boxes = childBoxes(moov, 0, moov.length);
  // Movie extends (fragments follow) and compressed movie headers are not read here.
  if (boxes.some((box) => box.type === 'mvex' || box.type === 'cmov')) throw new MalformedMedia('fragmented or compressed movie');
  const mvhd = BoxFields.of(moov, requiredChild(boxes, 'mvhd'));
  const version = mvhd.u8(0);
  if (version > 1) throw new MalformedMedia(`mvhd version ${version}`);
  const wide = version === 1;
  const creationTime = wide ? mvhd.u64(4) : BigInt(mvhd.u32(4));
  const timescale = mvhd.u32(wide ? 20 : 12);
  const duration = wide ? mvhd.u64(24) : BigInt(mvhd.u32(16));
  // ffmpeg multiplies each track matrix by the movie's; only the identity keeps that trivial.
  const matrixAt = wide ? 48 : 36;
  if (IDENTITY_MATRIX.some((value, i) => mvhd.i32(matrixAt + 4 * i) !== value)) throw new MalformedMedia('movie matrix');
  // Zero, or all ones (v0 "unknown"), make ffmpeg fall back to other estimates; it reads the timescale
  // as a signed 32-bit value.
  if (timescale === 0 || timescale > Number(INT_MAX) || duration === 0n || (!wide && duration === 0xffffffffn)) throw new MalformedMedia('no movie duration');
  if (duration > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedMedia('movie duration out of range');

  for (const box of boxes) if (box.type === 'udta' || box.type === 'meta') refuseRiskyMetadata(moov, box);
  // QuickTime files, by major or compatible brand, use QuickTime sound description layouts.
  const context = { quickTimeCompatible: brands.major === 'qt  ' || brands.compatible.includes('qt  ') };
  const tracks = boxes.filter((box) => box.type === 'trak').map((trak) => parseTrack(moov, trak, context, fileSize));
  if (tracks.length === 0) throw new MalformedMedia('no tracks');
  return { timescale, duration, creationTime, tracks };
}

function parseTrack(buf: Buffer, trak: Box, context: { quickTimeCompatible: boolean }, fileSize: number): Track {
  const children = childBoxes(buf, trak.payloadStart, trak.end);
  for (const box of children) if (box.type === 'udta' || box.type === 'meta') refuseRiskyMetadata(buf, box);
  const tref = onlyChild(children, 'tref');
  // A chapter track of images becomes cover art in ffmpeg.
  if (tref && childBoxes(buf, tref.payloadStart, tref.end).some((box) => box.type === 'chap')) throw new MalformedMedia('chapter reference');

  const mdiaBoxes = childBoxes(buf, ...span(requiredChild(children, 'mdia')));
  const mdhd = readMdhd(BoxFields.of(buf, requiredChild(mdiaBoxes, 'mdhd')));
  const handler = BoxFields.of(buf, requiredChild(mdiaBoxes, 'hdlr')).fourcc(8);
  const minfBoxes = childBoxes(buf, ...span(requiredChild(mdiaBoxes, 'minf')));
  refuseExternalData(buf, minfBoxes);
  const stbl = childBoxes(buf, ...span(requiredChild(minfBoxes, 'stbl')));

  const stsd = BoxFields.of(buf, requiredChild(stbl, 'stsd'));
  if (stsd.u32(4) !== 1) throw new MalformedMedia('not exactly one sample description');
  const entries = childBoxes(buf, stsd.start + 8, stsd.end);
  // ffmpeg reads sample entries with plain 32-bit sizes: no size-0 or largesize forms.
  if (entries.length !== 1 || buf.readUInt32BE(entries[0]!.start) < 16) throw new MalformedMedia('sample description not understood');
  const description = describeSampleEntry(buf, entries[0]!, handler, {
    quickTimeSoundFields: context.quickTimeCompatible || stsd.u8(0) === 0,
  });

  checkOtherTables(buf, stbl);
  const timing = readTimeToSample(BoxFields.of(buf, requiredChild(stbl, 'stts')));
  const sizes = readSampleSizes(buf, stbl);
  if (sizes.count !== timing.samples) throw new MalformedMedia('stts and stsz disagree');
  const firstSample = { offset: firstChunkOffset(buf, stbl), size: sizes.first };
  // ffmpeg must be able to read the first sample to settle the codec parameters.
  if (firstSample.offset + firstSample.size > fileSize) throw new MalformedMedia('first sample beyond the end of the file');

  const edts = onlyChild(children, 'edts');
  if (edts) checkEditList(buf, edts, timing.duration);

  const tkhd = BoxFields.of(buf, requiredChild(children, 'tkhd'));
  const rotation = description.kind === 'video' ? readRotation(tkhd) : 0;
  // avg_frame_rate = timescale × frames / duration, reduced into 32-bit terms.
  const frameRate = description.kind === 'video' && timing.duration > 0n ? boundedRational(BigInt(mdhd.timescale) * BigInt(timing.samples), timing.duration, INT_MAX) : null;
  return { description, rotation, creationTime: mdhd.creationTime, frames: timing.samples, frameRate, firstSample };
}

function span(box: Box): [number, number] {
  return [box.payloadStart, box.end];
}

function readMdhd(mdhd: BoxFields): { creationTime: bigint; timescale: number } {
  const version = mdhd.u8(0);
  if (version > 1) throw new MalformedMedia(`mdhd version ${version}`);
  const timescale = mdhd.u32(version === 1 ? 20 : 12);
  if (timescale === 0 || timescale > Number(INT_MAX)) throw new MalformedMedia('bad media timescale');
  return { creationTime: version === 1 ? mdhd.u64(4) : BigInt(mdhd.u32(4)), timescale };
}

/**
 * Sample count and total duration, which give ffprobe's nb_frames and avg_frame_rate. Some ffmpeg
 * versions (not 5.1) count a lone last sample over ten times the average as an average one, so that
 * case is refused rather than matched to one version.
 */
function readTimeToSample(stts: BoxFields): { samples: number; duration: bigint } {
  const entries = stts.u32(4);
  if (8 + entries * 8 > stts.length) throw new MalformedMedia('stts truncated');
  let samples = 0;
  let duration = 0n;
  for (let i = 0; i < entries; i++) {
    const count = stts.u32(8 + i * 8);
    const delta = stts.u32(12 + i * 8);
    // ffmpeg reads both as signed 32-bit; beyond that its sums are not worth reproducing.
    if (count > 0x7fffffff || delta > 0x7fffffff) throw new MalformedMedia('stts entry out of range');
    if (i === entries - 1 && i > 0 && count === 1 && samples > 100 && BigInt(Math.trunc(delta / 10)) > duration / BigInt(samples)) {
      throw new MalformedMedia('over-long last sample');
    }
    duration += BigInt(count) * BigInt(delta);
    samples += count;
  }
  if (samples === 0 || samples > 0x7fffffff) throw new MalformedMedia('no samples');
  return { samples, duration };
}

function readSampleSizes(buf: Buffer, stbl: Box[]): { count: number; first: number } {
  const box = onlyChild(stbl, 'stsz');
  if (!box) throw new MalformedMedia('no stsz'); // stz2 (compact sizes) is not read
  const stsz = BoxFields.of(buf, box);
  const uniform = stsz.u32(4);
  const count = stsz.u32(8);
  if (uniform !== 0) return { count, first: uniform };
  if (12 + count * 4 > stsz.length) throw new MalformedMedia('stsz truncated');
  // ffmpeg refuses the whole file when a size does not fit a signed 32-bit integer.
  for (let i = 0; i < count; i++) if (stsz.u32(12 + i * 4) > 0x7fffffff) throw new MalformedMedia('sample size out of range');
  return { count, first: count > 0 ? stsz.u32(12) : 0 };
}

/**
 * Tables VideoInfo does not need but ffmpeg reads: one whose entry count overruns its box makes ffmpeg
 * read into the next boxes or fail, so the answer is left to it.
 */
function checkOtherTables(buf: Buffer, stbl: Box[]): void {
  const entrySizes: Record<string, number> = { stss: 4, stps: 4, ctts: 8 };
  for (const box of stbl) {
    const entrySize = entrySizes[box.type];
    if (entrySize === undefined) continue;
    const table = BoxFields.of(buf, box);
    if (8 + table.u32(4) * entrySize > table.length) throw new MalformedMedia(`${box.type} truncated`);
  }
}

/**
 * The first sample starts chunk 1. The sample-to-chunk runs must be what ffmpeg accepts unrepaired:
 * first chunks rising from 1, at least one sample per chunk, the one sample description.
 */
function firstChunkOffset(buf: Buffer, stbl: Box[]): number {
  const stsc = BoxFields.of(buf, requiredChild(stbl, 'stsc'));
  const runs = stsc.u32(4);
  if (runs === 0 || 8 + runs * 12 > stsc.length) throw new MalformedMedia('bad stsc');
  for (let i = 0, previous = 0; i < runs; i++) {
    const first = stsc.u32(8 + i * 12);
    const valid = (i === 0 ? first === 1 : first > previous) && first <= 0x7fffffff && stsc.u32(12 + i * 12) >= 1 && stsc.u32(16 + i * 12) === 1;
    if (!valid) throw new MalformedMedia('stsc entry not understood');
    previous = first;
  }
  const stco = onlyChild(stbl, 'stco');
  const co64 = onlyChild(stbl, 'co64');
  if (!stco === !co64) throw new MalformedMedia('need exactly one of stco and co64');
  const offsets = BoxFields.of(buf, (stco ?? co64)!);
  const chunks = offsets.u32(4);
  // ffmpeg drops an stsc whose runs start past the last chunk.
  if (chunks === 0 || stsc.u32(8 + (runs - 1) * 12) > chunks) throw new MalformedMedia('stsc and chunk offsets disagree');
  if (stco) {
    if (8 + chunks * 4 > offsets.length) throw new MalformedMedia('stco truncated');
    return offsets.u32(8);
  }
  if (8 + chunks * 8 > offsets.length) throw new MalformedMedia('co64 truncated');
  const first = offsets.u64(8);
  if (first > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedMedia('chunk offset out of range');
  return Number(first);
}

/**
 * Edit lists move presentation times, which VideoInfo does not report: ffprobe's duration is the movie
 * header's and its frame count and rate come from stts. Accepted are the shapes writers produce — one
 * edit at normal rate (a start offset for B-frames or AAC priming), optionally after one empty edit (a
 * delayed start); anything else is left to ffprobe.
 */
function checkEditList(buf: Buffer, edts: Box, mediaDuration: bigint): void {
  const elstBox = onlyChild(childBoxes(buf, edts.payloadStart, edts.end), 'elst');
  if (!elstBox) return;
  const elst = BoxFields.of(buf, elstBox);
  const version = elst.u8(0);
  if (version > 1) throw new MalformedMedia(`elst version ${version}`);
  const count = elst.u32(4);
  const entrySize = version === 1 ? 20 : 12;
  if (count > 2 || 8 + count * entrySize > elst.length) throw new MalformedMedia('edit list not understood');
  for (let i = 0; i < count; i++) {
    const at = 8 + i * entrySize;
    const mediaTime = version === 1 ? elst.i64(at + 8) : BigInt(elst.i32(at + 4));
    const rate = elst.u32(at + (version === 1 ? 16 : 8));
    const last = i === count - 1;
    if (!last && mediaTime === -1n) continue; // a leading empty edit
    if (!last || rate !== 0x10000 || mediaTime < 0n || mediaTime >= mediaDuration) throw new MalformedMedia('edit list not understood');
  }
}

/**
 * The rotation ffprobe derives from the track matrix (its display-matrix side data), normalised the way
 * parseProbeOutput does: clockwise, in quarter turns. Only pure quarter-turn rotations are accepted —
 * scaling, mirroring or shearing is left to ffprobe. Matrix rows are {a b u}{c d v}{x y w}.
 */
function readRotation(tkhd: BoxFields): number {
  const version = tkhd.u8(0);
  if (version > 1) throw new MalformedMedia(`tkhd version ${version}`);
  const at = version === 1 ? 52 : 40;
  const [a, b, u, c, d, v, , , w] = Array.from({ length: 9 }, (_, i) => tkhd.i32(at + 4 * i));
  const unit = 0x10000;
  const pure = u === 0 && v === 0 && w === 0x40000000 && c === -b! && d === a! && ((Math.abs(a!) === unit && b === 0) || (a === 0 && Math.abs(b!) === unit));
  if (!pure) throw new MalformedMedia('track matrix is not a quarter-turn rotation');
  // ffprobe reports -atan2(b, a); parseProbeOutput negates it again and wraps it to 0–270.
  const degrees = Math.round((Math.atan2(b!, a!) * 180) / Math.PI);
  return ((degrees % 360) + 360) % 360;
}

/**
 * Data references: only self-contained ones (flag 1) are accepted, and no QuickTime alias records, from
 * which ffmpeg may open another file. An entry count that disagrees with the entries fails ffmpeg.
 */
function refuseExternalData(buf: Buffer, minf: Box[]): void {
  const dinf = onlyChild(minf, 'dinf');
  const drefBox = dinf ? onlyChild(childBoxes(buf, dinf.payloadStart, dinf.end), 'dref') : null;
  if (!drefBox) return;
  const dref = BoxFields.of(buf, drefBox);
  const entries = childBoxes(buf, dref.start + 8, dref.end);
  if (entries.length === 0 || dref.u32(4) !== entries.length) throw new MalformedMedia('dref count mismatch');
  for (const entry of entries) {
    const selfContained = (BoxFields.of(buf, entry).u32(0) & 1) === 1;
    // ffmpeg takes no size-0 or largesize shortcuts here: an entry is at least header, version and flags.
    if (!selfContained || entry.type === 'alis' || buf.readUInt32BE(entry.start) < 12) throw new MalformedMedia('data reference not understood');
  }
}

function refuseRiskyMetadata(buf: Buffer, box: Box): void {
  const bytes = buf.subarray(box.payloadStart, box.end);
  if (RISKY_METADATA.some((needle) => bytes.includes(needle, 0, 'latin1'))) throw new MalformedMedia('metadata ffmpeg turns into streams or creation_time');
}

function toVideoInfo(movie: Movie, size: number): VideoInfo | null {
  // ffmpeg sets the format duration from the movie header, in microseconds rounded half up.
  const ts = BigInt(movie.timescale);
  const micros = Number((movie.duration * 1000000n + ts / 2n) / ts);
  if (!Number.isSafeInteger(micros) || micros <= 0) return null;
  // ffprobe prints seconds with %f; parseProbeOutput reads that text back.
  const duration = Number((micros * (1 / 1000000)).toFixed(6));
  const rawBitRate = Math.trunc((size * 8 * 1000000) / micros);

  const videoTrack = movie.tracks.find((track) => track.description.kind === 'video') ?? null;
  const audioTrack = movie.tracks.find((track) => track.description.kind === 'audio') ?? null;
  const movieTime = creationTime(movie.creationTime);
  const trackTime = videoTrack ? creationTime(videoTrack.creationTime) : null;
  if (movieTime === undefined || trackTime === undefined) return null;

  const streams: StreamInfo[] = movie.tracks.map((track, index) => ({ index, type: track.description.kind, codec: track.description.codec }));
  let video: VideoInfo['video'] = null;
  if (videoTrack && videoTrack.description.kind === 'video') {
    const { codec, width, height, pixelFormat } = videoTrack.description;
    const quarterTurn = videoTrack.rotation === 90 || videoTrack.rotation === 270;
    video = {
      codec,
      width,
      height,
      displayWidth: quarterTurn ? height : width,
      displayHeight: quarterTurn ? width : height,
      fps: rateValue(videoTrack.frameRate),
      frames: videoTrack.frames,
      rotation: videoTrack.rotation,
      pixelFormat,
    };
    // Without an average rate ffprobe would report an estimated one instead.
    if (video.fps === null) return null;
  }
  const audio: VideoInfo['audio'] =
    audioTrack && audioTrack.description.kind === 'audio'
      ? { codec: audioTrack.description.codec, sampleRate: audioTrack.description.sampleRate, channels: audioTrack.description.channels }
      : null;
  return {
    format: FORMAT_NAME,
    duration,
    size,
    bitRate: rawBitRate > 0 ? rawBitRate : null,
    creationTime: movieTime ?? trackTime,
    video,
    audio,
    streams,
  };
}

/**
 * A header creation time as ISO 8601, the way ffmpeg turns it into a tag: 0 means none; values below
 * the 1904→1970 offset are taken as Unix seconds already. undefined: not representable, give up.
 */
function creationTime(seconds: bigint): string | null | undefined {
  if (seconds === 0n) return null;
  const unix = seconds >= BigInt(MAC_TO_UNIX_SECONDS) ? seconds - BigInt(MAC_TO_UNIX_SECONDS) : seconds;
  if (unix > BigInt(LATEST_UNIX_SECONDS)) return undefined;
  return new Date(Number(unix) * 1000).toISOString();
}

/** parseRate's value of "num/den": rounded to 3 decimals, null for 0 or nothing. */
function rateValue(rate: [bigint, bigint] | null): number | null {
  if (!rate) return null;
  const value = Number(rate[0]) / Number(rate[1]);
  return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) / 1000 : null;
}
