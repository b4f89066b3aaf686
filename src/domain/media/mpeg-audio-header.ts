import { MalformedMedia } from './bit-reader.js';

/** An MPEG-1/2/2.5 audio frame header (ISO/IEC 11172-3 §2.4.1.3): what a decoder reports for the stream. */
export interface MpegAudioHeader {
  layer: 1 | 2 | 3;
  sampleRate: number;
  channels: number;
}

const MPEG1_RATES = [44100, 48000, 32000];

export function parseMpegAudioHeader(bytes: Uint8Array): MpegAudioHeader {
  if (bytes.length < 4 || bytes[0] !== 0xff || (bytes[1]! & 0xe0) !== 0xe0) throw new MalformedMedia('no MPEG audio sync');
  const version = (bytes[1]! >> 3) & 3; // 0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1
  const layerBits = (bytes[1]! >> 1) & 3;
  const bitrateIndex = bytes[2]! >> 4;
  const rate = MPEG1_RATES[(bytes[2]! >> 2) & 3];
  // Free-format (bitrate 0) streams are left to a real decoder.
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rate === undefined) {
    throw new MalformedMedia('invalid MPEG audio header');
  }
  const divisor = version === 3 ? 1 : version === 2 ? 2 : 4;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  return { layer, sampleRate: rate / divisor, channels: bytes[3]! >> 6 === 3 ? 1 : 2 };
}
