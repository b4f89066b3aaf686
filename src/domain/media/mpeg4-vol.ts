import { BitReader, MalformedMedia } from './bit-reader.js';

/** The picture size in an MPEG-4 Part 2 VideoObjectLayer header (ISO/IEC 14496-2 §6.2.3). */
export interface Mpeg4Vol {
  width: number;
  height: number;
}

const VISUAL_OBJECT_SEQUENCE = 0xb0;

/**
 * The VOL in an `esds` DecoderSpecificInfo. Studio profiles (4:2:2, >8 bit, their own VOL syntax) and
 * non-rectangular shapes are refused.
 */
export function parseMpeg4Config(dsi: Uint8Array): Mpeg4Vol {
  for (let i = 0; i + 4 < dsi.length; i++) {
    if (dsi[i] !== 0 || dsi[i + 1] !== 0 || dsi[i + 2] !== 1) continue;
    const code = dsi[i + 3]!;
    if (code === VISUAL_OBJECT_SEQUENCE && i + 4 < dsi.length && dsi[i + 4]! >> 4 === 0xe) {
      throw new MalformedMedia('MPEG-4 studio profile');
    }
    if (code >= 0x20 && code <= 0x2f) return parseVol(new BitReader(dsi, i + 4));
  }
  throw new MalformedMedia('no VideoObjectLayer header');
}

function parseVol(r: BitReader): Mpeg4Vol {
  r.skip(1); // random_accessible_vol
  r.skip(8); // video_object_type_indication
  if (r.flag()) r.skip(7); // video_object_layer_verid, video_object_layer_priority
  if (r.u(4) === 15) r.skip(16); // extended pixel aspect ratio
  if (r.flag()) {
    // vol_control_parameters: chroma_format, low_delay, then the optional VBV parameters (79 bits)
    r.skip(3);
    if (r.flag()) r.skip(79);
  }
  if (r.u(2) !== 0) throw new MalformedMedia('non-rectangular MPEG-4 video object');
  r.skip(1); // marker
  const timeIncrementResolution = r.u(16);
  if (timeIncrementResolution === 0) throw new MalformedMedia('zero vop_time_increment_resolution');
  r.skip(1); // marker
  // fixed_vop_time_increment takes as many bits as resolution - 1 needs, at least one.
  if (r.flag()) r.skip(Math.max(1, (timeIncrementResolution - 1).toString(2).length));
  r.skip(1); // marker
  const width = r.u(13);
  r.skip(1); // marker
  const height = r.u(13);
  if (width === 0 || height === 0) throw new MalformedMedia('MPEG-4 VOL without a size');
  return { width, height };
}
