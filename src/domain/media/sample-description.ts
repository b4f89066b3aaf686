import { parseAacConfig } from './aac-config.js';
import { MalformedMedia } from './bit-reader.js';
import { checkAvcFirstSample } from './h264-access-unit.js';
import { parseAvcConfig, type AvcConfig } from './h264-sps.js';
import { parseHevcConfig } from './hevc-sps.js';
import { BoxFields, childBoxes, onlyChild, requiredChild, type Box } from './iso-box.js';
import { parseJpegFrame } from './jpeg-frame.js';
import { parseMpegAudioHeader } from './mpeg-audio-header.js';
import { parseMpeg4Config } from './mpeg4-vol.js';
import { parseVp9KeyFrame } from './vp9-frame.js';

/**
 * A track's codec as ffprobe names and measures it, read from its sample description (`stsd` entry,
 * ISO/IEC 14496-12 §8.5.2). ffprobe reports what its decoder finds in the bitstream, so sizes and
 * audio parameters come from the codec configuration (SPS, VOL, AudioSpecificConfig) and must agree
 * with the container's; anything unknown or disagreeing throws, and the caller falls back to ffprobe.
 */
export type SampleDescription = VideoDescription | AudioDescription | DataDescription;

export interface VideoDescription {
  kind: 'video';
  codec: string;
  width: number;
  height: number;
  /** Only where the bitstream settles it (see describeVideo); null otherwise. */
  pixelFormat: string | null;
  /**
   * What to read from the first sample (completeFromFirstSample): MJPEG and VP9 keep their parameters
   * there; H.264 and MPEG-4 Part 2 must visibly start a decodable picture, or ffmpeg's decoder never
   * gets to report the pixel format given here.
   */
  firstSample: FirstVideoSample | null;
}

export type FirstVideoSample = { kind: 'jpeg' } | { kind: 'vp9' } | { kind: 'mpeg4' } | { kind: 'avc'; config: AvcConfig };

export interface AudioDescription {
  kind: 'audio';
  codec: string;
  sampleRate: number;
  channels: number;
  firstSample: 'mpeg-audio' | null;
}

/** A timed-data track ffprobe lists as a "data" stream: timecode, Apple or GoPro metadata. */
export interface DataDescription {
  kind: 'data';
  /** null where ffmpeg has no codec for it and ffprobe prints no codec_name. */
  codec: string | null;
  firstSample: null;
}

/** What the enclosing file says about how to read QuickTime-style sound descriptions. */
export interface DescriptionContext {
  /** ffmpeg reads QuickTime version 1 sound fields when the file is QuickTime or the stsd is version 0. */
  quickTimeSoundFields: boolean;
}

const VIDEO_FIELDS = 78; // VisualSampleEntry fields after the box header, up to its child boxes
const AUDIO_FIELDS = 28; // SoundSampleEntry version 0
const AUDIO_V1_EXTRA = 16; // QuickTime version 1: samples per packet, bytes per packet/frame/sample

const MPEG4_VISUAL = 0x20;
const JPEG = 0x6c; // ISO/IEC 10918-1
const AAC_OBJECT_TYPES = new Set([0x40, 0x66, 0x67, 0x68]); // MPEG-4 AAC, MPEG-2 AAC Main/LC/SSR
const MP3_OBJECT_TYPES = new Set([0x69, 0x6b]); // MPEG-2 and MPEG-1 audio
// handler/sample entry → ffprobe's codec_name: timecode, Apple timed metadata (mebx), GoPro telemetry.
const DATA_TRACKS: Record<string, string | null> = { 'tmcd/tmcd': null, 'meta/mebx': null, 'meta/gpmd': 'bin_data' };

export function describeSampleEntry(buf: Buffer, entry: Box, handler: string, context: DescriptionContext): SampleDescription {
  if (handler === 'vide') return describeVideo(buf, entry);
  if (handler === 'soun') return describeAudio(buf, entry, context);
  // Only pairs checked against ffprobe: other handlers or formats may be read as audio, video or subtitles.
  const data = DATA_TRACKS[`${handler}/${entry.type}`];
  if (data !== undefined) return { kind: 'data', codec: data, firstSample: null };
  throw new MalformedMedia(`unsupported handler ${handler}`);
}

/**
 * Codecs: H.264, HEVC, MPEG-4 Part 2, MJPEG, VP9 (AV1 and the rest: unsupported, the caller falls back).
 * pixelFormat is given only where certain: H.264 4:2:0 8-bit from the SPS (full range → yuvj420p, as
 * ffmpeg's decoder names it, with the container's `colr` range when the SPS is silent), yuv420p for
 * MPEG-4 Part 2 (its decoder has no other non-studio format) and VP9 profile 0. HEVC and MJPEG would
 * need the VUI past the reference picture sets or the JPEG sampling and colour-space markers: null.
 * Nothing in camtrove reads pixelFormat yet.
 */
function describeVideo(buf: Buffer, entry: Box): VideoDescription {
  const fields = BoxFields.of(buf, entry);
  const width = fields.u16(24);
  const height = fields.u16(26);
  const children = childBoxes(buf, entry.payloadStart + VIDEO_FIELDS, entry.end);
  const video = (codec: string, pixelFormat: string | null, firstSample: FirstVideoSample | null = null): VideoDescription => ({ kind: 'video', codec, width, height, pixelFormat, firstSample });
  const sameSize = (config: { width: number; height: number }) => {
    if (config.width !== width || config.height !== height) throw new MalformedMedia('codec and container disagree on the picture size');
  };
  switch (entry.type) {
    case 'avc1':
    case 'avc3': {
      const config = parseAvcConfig(payload(buf, requiredChild(children, 'avcC')));
      const { sps } = config;
      if (sps.cropsLeftOrTop) throw new MalformedMedia('left/top cropping');
      sameSize(sps);
      const fullRange = sps.fullRange ?? containerFullRange(buf, children);
      const is420p8 = sps.chromaFormatIdc === 1 && sps.bitDepthLuma === 8 && sps.bitDepthChroma === 8;
      return video('h264', is420p8 ? (fullRange ? 'yuvj420p' : 'yuv420p') : null, { kind: 'avc', config });
    }
    case 'hvc1':
    case 'hev1': {
      const sps = parseHevcConfig(payload(buf, requiredChild(children, 'hvcC')));
      if (sps.cropsLeftOrTop) throw new MalformedMedia('left/top conformance window');
      sameSize(sps);
      return video('hevc', null);
    }
    case 'mp4v': {
      const esds = readEsds(BoxFields.of(buf, requiredChild(children, 'esds')));
      // The object type, not the sample entry, names the codec: MP4 stores Motion JPEG this way too.
      if (esds.objectType === JPEG) return video('mjpeg', null, { kind: 'jpeg' });
      if (esds.objectType !== MPEG4_VISUAL || !esds.decoderSpecificInfo) throw new MalformedMedia('mp4v is not MPEG-4 Part 2 with a VOL');
      sameSize(parseMpeg4Config(esds.decoderSpecificInfo));
      return video('mpeg4', 'yuv420p', { kind: 'mpeg4' });
    }
    case 'jpeg':
    case 'mjpa':
      return video('mjpeg', null, { kind: 'jpeg' });
    case 'vp09':
      return video('vp9', null, { kind: 'vp9' });
    default:
      throw new MalformedMedia(`unsupported video sample entry ${entry.type}`);
  }
}

function describeAudio(buf: Buffer, entry: Box, context: DescriptionContext): AudioDescription {
  const fields = BoxFields.of(buf, entry);
  const version = fields.u16(8);
  const channelCount = fields.u16(16);
  const sampleSize = fields.u16(18);
  const sampleRate = fields.u32(24) >>> 16; // 16.16 fixed point; the fraction is dropped as ffmpeg does
  let childrenStart = entry.payloadStart + AUDIO_FIELDS;
  if (version === 1 && context.quickTimeSoundFields) childrenStart += AUDIO_V1_EXTRA;
  else if (version !== 0) throw new MalformedMedia(`sound description version ${version}`);
  // Decoders start from the entry's channel count even where the bitstream later overrides it.
  if (channelCount === 0 || channelCount > 8) throw new MalformedMedia(`${channelCount} channels in the sample entry`);
  const children = childBoxes(buf, childrenStart, entry.end);
  const audio = (codec: string, rate: number, channels: number, firstSample: AudioDescription['firstSample'] = null): AudioDescription => ({ kind: 'audio', codec, sampleRate: rate, channels, firstSample });
  const pcm = (codec: string): AudioDescription => {
    // The PCM decoder takes rate and channels from the container; a `wave` extension could change the
    // sample format, and a channel layout that disagrees on the count could change the channels.
    if (onlyChild(children, 'wave')) throw new MalformedMedia('PCM with a wave extension');
    const chan = onlyChild(children, 'chan');
    if (chan && layoutChannelCount(BoxFields.of(buf, chan)) !== channelCount) throw new MalformedMedia('PCM channel layout not understood');
    if (sampleRate === 0) throw new MalformedMedia('PCM without a sample rate');
    return audio(codec, sampleRate, channelCount);
  };
  switch (entry.type) {
    case 'mp4a': {
      // QuickTime nests the esds in a `wave` box.
      const wave = onlyChild(children, 'wave');
      const esdsBox = onlyChild(children, 'esds') ?? (wave ? onlyChild(childBoxes(buf, wave.payloadStart, wave.end), 'esds') : null);
      if (!esdsBox) throw new MalformedMedia('mp4a without esds');
      const esds = readEsds(BoxFields.of(buf, esdsBox));
      if (AAC_OBJECT_TYPES.has(esds.objectType)) {
        if (!esds.decoderSpecificInfo) throw new MalformedMedia('AAC without AudioSpecificConfig');
        const config = parseAacConfig(esds.decoderSpecificInfo);
        return audio('aac', config.sampleRate, config.channels);
      }
      if (MP3_OBJECT_TYPES.has(esds.objectType)) return audio('mp3', 0, 0, 'mpeg-audio');
      throw new MalformedMedia(`mp4a object type ${esds.objectType}`);
    }
    case '.mp3':
      return audio('mp3', 0, 0, 'mpeg-audio');
    case 'Opus': {
      // Opus always decodes at 48 kHz; the channel count is the OpusHead's (dOps, Opus-in-ISOBMFF §4.3.2).
      // Mapping family 0 only (mono/stereo, 11 bytes): others carry a channel mapping table.
      const dOps = BoxFields.of(buf, requiredChild(children, 'dOps'));
      const channels = dOps.u8(1);
      if (dOps.length !== 11 || dOps.u8(0) !== 0 || dOps.u8(10) !== 0 || channels === 0 || channels > 2) throw new MalformedMedia('unsupported dOps');
      return audio('opus', 48000, channels);
    }
    case 'sowt':
    case 'twos':
      if (sampleSize !== 16) throw new MalformedMedia(`${sampleSize}-bit ${entry.type}`);
      return pcm(entry.type === 'sowt' ? 'pcm_s16le' : 'pcm_s16be');
    case 'ulaw':
      return pcm('pcm_mulaw');
    case 'alaw':
      return pcm('pcm_alaw');
    default:
      throw new MalformedMedia(`unsupported audio sample entry ${entry.type}`);
  }
}

/**
 * Fills in what only the first sample tells: an MJPEG or VP9 frame's size (which must match the
 * container's), a VP9 profile-0 stream's pixel format, an MPEG audio frame's layer, rate and channels;
 * or checks that an H.264 / MPEG-4 Part 2 sample starts a picture. `sample` is the start of the sample
 * (firstSampleBytes long at most), `sampleSize` its full size.
 */
export function completeFromFirstSample(description: SampleDescription, sample: Uint8Array, sampleSize: number): SampleDescription {
  if (description.kind === 'audio') {
    const header = parseMpegAudioHeader(sample);
    if (header.layer !== 3) throw new MalformedMedia(`MPEG audio layer ${header.layer}`);
    return { ...description, sampleRate: header.sampleRate, channels: header.channels, firstSample: null };
  }
  if (description.kind === 'data') return description;
  const check = description.firstSample;
  const done: VideoDescription = { ...description, firstSample: null };
  switch (check?.kind) {
    case undefined:
      return description;
    case 'avc':
      checkAvcFirstSample(sample, sampleSize, check.config);
      return done;
    case 'mpeg4':
      // A start code: visual object sequence, VOL, group of VOPs or VOP (ISO/IEC 14496-2 §6.2).
      if (sample[0] !== 0 || sample[1] !== 0 || sample[2] !== 1 || !isMpeg4StartCode(sample[3])) throw new MalformedMedia('first sample is not MPEG-4 video');
      return done;
    case 'vp9': {
      const frame = parseVp9KeyFrame(sample);
      if (frame.width !== description.width || frame.height !== description.height) throw new MalformedMedia('VP9 and container sizes differ');
      // Profile 0 is 8-bit 4:2:0 by definition; other profiles' formats are not derived here.
      return { ...done, pixelFormat: frame.profile === 0 ? 'yuv420p' : null };
    }
    case 'jpeg': {
      const frame = parseJpegFrame(sample);
      // Interlaced MJPEG stores fields of half the height, which the decoder doubles. Not guessed here.
      if (frame.width !== description.width || frame.height !== description.height) throw new MalformedMedia('JPEG and container sizes differ');
      return done;
    }
  }
}

function isMpeg4StartCode(code: number | undefined): boolean {
  return code !== undefined && (code <= 0x2f || code === 0xb0 || code === 0xb3 || code === 0xb5 || code === 0xb6);
}

/** Bytes of the first sample worth reading: enough for a JPEG header with Exif, or an H.264 first slice. */
export function firstSampleBytes(description: SampleDescription): number {
  if (description.kind === 'audio') return 4;
  return description.firstSample?.kind === 'jpeg' ? 128 * 1024 : 16 * 1024;
}

interface Esds {
  objectType: number;
  decoderSpecificInfo: Buffer | null;
}

const ES_DESCRIPTOR = 0x03;
const DECODER_CONFIG_DESCRIPTOR = 0x04;
const DECODER_SPECIFIC_INFO = 0x05;

/** ES_Descriptor → DecoderConfigDescriptor → DecoderSpecificInfo (ISO/IEC 14496-1 §7.2.6). */
function readEsds(f: BoxFields): Esds {
  let pos = 4; // version and flags
  const es = readDescriptorHeader(f, pos);
  if (es.tag !== ES_DESCRIPTOR) throw new MalformedMedia('esds without ES_Descriptor');
  pos = es.bodyStart + 2; // ES_ID
  const flags = f.u8(pos);
  pos += 1;
  if (flags & 0x80) pos += 2; // dependsOn_ES_ID
  if (flags & 0x40) pos += 1 + f.u8(pos); // URL
  if (flags & 0x20) pos += 2; // OCR_ES_Id
  const config = readDescriptorHeader(f, pos);
  if (config.tag !== DECODER_CONFIG_DESCRIPTOR) throw new MalformedMedia('esds without DecoderConfigDescriptor');
  const objectType = f.u8(config.bodyStart);
  const configEnd = config.bodyStart + config.length;
  // objectTypeIndication, streamType, bufferSizeDB, maxBitrate, avgBitrate: 13 bytes
  const infoStart = config.bodyStart + 13;
  if (infoStart + 2 > configEnd) return { objectType, decoderSpecificInfo: null };
  const info = readDescriptorHeader(f, infoStart);
  if (info.tag !== DECODER_SPECIFIC_INFO) return { objectType, decoderSpecificInfo: null };
  if (info.bodyStart + info.length > configEnd) throw new MalformedMedia('DecoderSpecificInfo overruns its descriptor');
  return { objectType, decoderSpecificInfo: f.bytes(info.bodyStart, info.length) };
}

function readDescriptorHeader(f: BoxFields, at: number): { tag: number; length: number; bodyStart: number } {
  const tag = f.u8(at);
  let length = 0;
  let pos = at + 1;
  // sizeOfInstance: up to four bytes of 7 bits, high bit meaning "more follows".
  for (let i = 0; i < 4; i++) {
    const byte = f.u8(pos++);
    length = length * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) break;
    if (i === 3) throw new MalformedMedia('descriptor length too long');
  }
  if (pos + length > f.length) throw new MalformedMedia('descriptor overruns the box');
  return { tag, length, bodyStart: pos };
}

/**
 * Channels of a QuickTime `chan` box (AudioChannelLayout): a layout tag's low 16 bits, or the bits set
 * in a channel bitmap; null for per-channel descriptions, which are not read.
 */
function layoutChannelCount(chan: BoxFields): number | null {
  if (chan.u32(0) !== 0) return null; // version and flags
  const tag = chan.u32(4);
  const useDescriptions = 0;
  const useBitmap = 0x10000;
  if (tag === useDescriptions) return null;
  if (tag !== useBitmap) return tag & 0xffff;
  let bits = chan.u32(8);
  let count = 0;
  for (; bits > 0; bits >>>= 1) count += bits & 1;
  return count;
}

/** full_range_flag of an `nclx` colour box (§12.1.5); null when the container does not say. */
function containerFullRange(buf: Buffer, children: Box[]): boolean | null {
  let fullRange: boolean | null = null;
  // ffmpeg applies each colr box in turn; ICC profiles ('prof', 'rICC') and 'nclc' carry no range.
  for (const box of children) {
    if (box.type !== 'colr') continue;
    const colr = BoxFields.of(buf, box);
    if (colr.fourcc(0) === 'nclx') fullRange = (colr.u8(10) & 0x80) !== 0;
  }
  return fullRange;
}

function payload(buf: Buffer, box: Box): Buffer {
  return buf.subarray(box.payloadStart, box.end);
}
