import { BitReader, MalformedMedia, unescapeRbsp } from './bit-reader.js';

/** The start of an H.265 sequence parameter set (ITU-T H.265 §7.3.2.2): enough for the picture size and format. */
export interface HevcSps {
  chromaFormatIdc: number;
  bitDepthLuma: number;
  /** Picture size after the conformance window. */
  width: number;
  height: number;
  /** A conformance window at the left or top edge: decoders may shift it for alignment, so the size is not certain. */
  cropsLeftOrTop: boolean;
}

const SPS_NAL_TYPE = 33;

/** The base-layer SPS of an `hvcC` box payload (HEVCDecoderConfigurationRecord, ISO/IEC 14496-15 §8.3.3.1). */
export function parseHevcConfig(hvcC: Uint8Array): HevcSps {
  if (hvcC.length < 23 || hvcC[0] !== 1) throw new MalformedMedia('unsupported hvcC version');
  const arrays = hvcC[22]!;
  let pos = 23;
  const found: Uint8Array[] = [];
  for (let i = 0; i < arrays; i++) {
    if (pos + 3 > hvcC.length) throw new MalformedMedia('hvcC truncated');
    const nalType = hvcC[pos]! & 0x3f;
    const count = (hvcC[pos + 1]! << 8) | hvcC[pos + 2]!;
    pos += 3;
    for (let j = 0; j < count; j++) {
      if (pos + 2 > hvcC.length) throw new MalformedMedia('hvcC truncated');
      const length = (hvcC[pos]! << 8) | hvcC[pos + 1]!;
      pos += 2;
      if (pos + length > hvcC.length) throw new MalformedMedia('hvcC NAL overruns the box');
      const nal = hvcC.subarray(pos, pos + length);
      pos += length;
      // nuh_layer_id 0 only: extra layers (MV-HEVC) are not what a base decoder reports.
      const layerId = nal.length >= 2 ? ((nal[0]! & 1) << 5) | (nal[1]! >> 3) : -1;
      if (nalType === SPS_NAL_TYPE && layerId === 0) found.push(nal);
    }
  }
  if (found.length !== 1) throw new MalformedMedia('hvcC without exactly one SPS');
  return parseHevcSps(found[0]!);
}

/** An SPS NAL unit, two-byte header included. */
export function parseHevcSps(nal: Uint8Array): HevcSps {
  if (nal.length < 4 || ((nal[0]! >> 1) & 0x3f) !== SPS_NAL_TYPE) throw new MalformedMedia('not an H.265 SPS');
  const r = new BitReader(unescapeRbsp(nal), 2);
  r.skip(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.u(3);
  r.skip(1); // sps_temporal_id_nesting_flag
  skipProfileTierLevel(r, maxSubLayersMinus1);
  r.ue(); // sps_seq_parameter_set_id
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc > 3) throw new MalformedMedia('bad chroma_format_idc');
  if (chromaFormatIdc === 3) r.skip(1); // separate_colour_plane_flag
  const codedWidth = r.ue();
  const codedHeight = r.ue();
  let window = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.flag()) window = { left: r.ue(), right: r.ue(), top: r.ue(), bottom: r.ue() };
  const bitDepthLuma = r.ue() + 8;
  // Window offsets count chroma samples (Table 6-1: SubWidthC, SubHeightC).
  const subWidth = chromaFormatIdc === 1 || chromaFormatIdc === 2 ? 2 : 1;
  const subHeight = chromaFormatIdc === 1 ? 2 : 1;
  const width = codedWidth - subWidth * (window.left + window.right);
  const height = codedHeight - subHeight * (window.top + window.bottom);
  if (width <= 0 || height <= 0) throw new MalformedMedia('conformance window removes the whole picture');
  return { chromaFormatIdc, bitDepthLuma, width, height, cropsLeftOrTop: window.left > 0 || window.top > 0 };
}

/** profile_tier_level(1, maxSubLayersMinus1), §7.3.3: fixed-size fields whose presence depends on flags. */
function skipProfileTierLevel(r: BitReader, maxSubLayersMinus1: number): void {
  r.skip(88); // general profile space, tier, idc, compatibility and constraint flags
  r.skip(8); // general_level_idc
  const profilePresent: boolean[] = [];
  const levelPresent: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    profilePresent.push(r.flag());
    levelPresent.push(r.flag());
  }
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (profilePresent[i]) r.skip(88);
    if (levelPresent[i]) r.skip(8);
  }
}
