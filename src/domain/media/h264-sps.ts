import { BitReader, MalformedMedia, unescapeRbsp } from './bit-reader.js';

/** What a decoder learns from an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1) that probing needs. */
export interface H264Sps {
  /** seq_parameter_set_id */
  id: number;
  profileIdc: number;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** Picture size after the SPS frame cropping. */
  width: number;
  height: number;
  /** Cropping at the left or top edge: decoders have handled it differently, so callers should not rely on the size. */
  cropsLeftOrTop: boolean;
  /** video_full_range_flag when the VUI signals the video type; null when it does not. */
  fullRange: boolean | null;
}

// Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices.
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** An `avcC` box payload (AVCDecoderConfigurationRecord, ISO/IEC 14496-15 §5.3.3.1), as far as probing needs it. */
export interface AvcConfig {
  sps: H264Sps;
  /** The SPS NAL unit as stored. */
  spsNal: Uint8Array;
  /** pic_parameter_set_id of each PPS; all of them refer to the SPS. */
  ppsIds: Set<number>;
  /** Bytes of the length prefix before each NAL unit in the samples. */
  nalLengthSize: number;
}

/**
 * A configuration with exactly one SPS (several would need the slice headers to pick one) and PPSs that
 * refer to it: a decoder that cannot use them never reaches the pixel format.
 */
export function parseAvcConfig(avcC: Uint8Array): AvcConfig {
  if (avcC.length < 8 || avcC[0] !== 1) throw new MalformedMedia('unsupported avcC version');
  if ((avcC[5]! & 0x1f) !== 1) throw new MalformedMedia('avcC without exactly one SPS');
  const spsLength = (avcC[6]! << 8) | avcC[7]!;
  let pos = 8 + spsLength;
  if (pos + 1 > avcC.length) throw new MalformedMedia('avcC SPS overruns the box');
  const spsNal = avcC.subarray(8, pos);
  const sps = parseH264Sps(spsNal);
  const ppsCount = avcC[pos++]!;
  if (ppsCount === 0) throw new MalformedMedia('avcC without a PPS');
  const ppsIds = new Set<number>();
  for (let i = 0; i < ppsCount; i++) {
    if (pos + 2 > avcC.length) throw new MalformedMedia('avcC truncated');
    const length = (avcC[pos]! << 8) | avcC[pos + 1]!;
    pos += 2;
    if (pos + length > avcC.length) throw new MalformedMedia('avcC PPS overruns the box');
    ppsIds.add(parseH264PpsId(avcC.subarray(pos, pos + length), sps.id));
    pos += length;
  }
  return { sps, spsNal, ppsIds, nalLengthSize: (avcC[4]! & 3) + 1 };
}

/** A PPS NAL unit's pic_parameter_set_id; it must refer to SPS `spsId`. */
export function parseH264PpsId(nal: Uint8Array, spsId: number): number {
  if (nal.length < 2 || (nal[0]! & 0x1f) !== 8) throw new MalformedMedia('not an H.264 PPS');
  const r = new BitReader(unescapeRbsp(nal.subarray(0, 16)), 1);
  const id = r.ue();
  if (id > 255 || r.ue() !== spsId) throw new MalformedMedia('PPS for another SPS');
  return id;
}

/** An SPS NAL unit, header byte included. */
export function parseH264Sps(nal: Uint8Array): H264Sps {
  if (nal.length < 4 || (nal[0]! & 0x1f) !== 7) throw new MalformedMedia('not an H.264 SPS');
  const r = new BitReader(unescapeRbsp(nal), 1);
  const profileIdc = r.u(8);
  r.skip(16); // constraint flags, level_idc
  const id = r.ue();
  if (id > 31) throw new MalformedMedia('bad seq_parameter_set_id');
  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw new MalformedMedia('bad chroma_format_idc');
    if (chromaFormatIdc === 3) separateColourPlane = r.flag();
    bitDepthLuma = r.ue() + 8;
    bitDepthChroma = r.ue() + 8;
    // ffmpeg's decoder refuses deeper or mixed depths: it would never report a pixel format.
    if (bitDepthLuma > 14 || bitDepthChroma !== bitDepthLuma) throw new MalformedMedia('bit depth a decoder refuses');
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.flag()) skipScalingLists(r, chromaFormatIdc === 3 ? 12 : 8);
  }
  if (r.ue() > 12) throw new MalformedMedia('bad log2_max_frame_num_minus4');
  const pocType = r.ue();
  if (pocType === 0) {
    if (r.ue() > 12) throw new MalformedMedia('bad log2_max_pic_order_cnt_lsb_minus4');
  } else if (pocType === 1) {
    r.skip(1); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = r.ue();
    if (cycle > 255) throw new MalformedMedia('bad num_ref_frames_in_pic_order_cnt_cycle');
    for (let i = 0; i < cycle; i++) r.se();
  } else if (pocType !== 2) {
    throw new MalformedMedia('bad pic_order_cnt_type');
  }
  if (r.ue() > 16) throw new MalformedMedia('bad max_num_ref_frames');
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.ue() + 1;
  const heightInMapUnits = r.ue() + 1;
  const frameMbsOnly = r.flag();
  if (!frameMbsOnly) r.skip(1); // mb_adaptive_frame_field_flag
  r.skip(1); // direct_8x8_inference_flag
  let crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.flag()) crop = { left: r.ue(), right: r.ue(), top: r.ue(), bottom: r.ue() };

  // Crop units (§7.4.2.1.1): chroma samples, and field pairs when coded as fields.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const cropUnitX = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const cropUnitY = (chromaArrayType === 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
  const width = widthInMbs * 16 - cropUnitX * (crop.left + crop.right);
  const height = heightInMapUnits * 16 * (frameMbsOnly ? 1 : 2) - cropUnitY * (crop.top + crop.bottom);
  if (width <= 0 || height <= 0) throw new MalformedMedia('cropping removes the whole picture');

  let fullRange: boolean | null = null;
  if (r.flag()) fullRange = readVuiFullRange(r);
  return { id, profileIdc, chromaFormatIdc, bitDepthLuma, bitDepthChroma, width, height, cropsLeftOrTop: crop.left > 0 || crop.top > 0, fullRange };
}

/**
 * video_full_range_flag, from the VUI (Annex E.1.1). The rest is read only to refuse what ffmpeg's
 * decoder refuses (HRD with over 32 CPBs, over 16 reorder frames), which would leave it without a
 * picture and ffprobe without a pixel format; like it, a VUI cut short ends quietly.
 */
function readVuiFullRange(r: BitReader): boolean | null {
  if (r.flag()) {
    const aspectRatioIdc = r.u(8);
    // Table E-1 defines 0–16 and 255 (explicit SAR); decoders reject the SPS otherwise.
    if (aspectRatioIdc > 16 && aspectRatioIdc !== 255) throw new MalformedMedia('reserved aspect_ratio_idc');
    if (aspectRatioIdc === 255) r.skip(32); // sar_width, sar_height
  }
  if (r.flag()) r.skip(1); // overscan_appropriate_flag
  let fullRange: boolean | null = null;
  if (r.flag()) {
    r.skip(3); // video_format
    fullRange = r.flag();
    if (r.flag()) r.skip(24); // colour primaries, transfer characteristics, matrix coefficients
  }
  if (r.flag()) {
    r.ue(); // chroma_sample_loc_type_top_field
    r.ue(); // chroma_sample_loc_type_bottom_field
  }
  if (r.bitsLeft < 10) return fullRange;
  if (r.flag()) r.skip(65); // num_units_in_tick, time_scale, fixed_frame_rate_flag
  const nalHrd = r.flag() && skipHrd(r);
  const vclHrd = r.flag() && skipHrd(r);
  if (nalHrd || vclHrd) r.skip(1); // low_delay_hrd_flag
  r.skip(1); // pic_struct_present_flag
  if (r.bitsLeft === 0 || !r.flag()) return fullRange;
  r.skip(1); // motion_vectors_over_pic_boundaries_flag
  for (let i = 0; i < 4; i++) r.ue(); // max bytes per picture and bits per MB, log2 max MV lengths
  if (r.ue() > 16) throw new MalformedMedia('bad max_num_reorder_frames');
  return fullRange;
}

function skipHrd(r: BitReader): true {
  const cpbCount = r.ue() + 1;
  if (cpbCount > 32) throw new MalformedMedia('bad cpb_cnt_minus1');
  r.skip(8); // bit_rate_scale, cpb_size_scale
  for (let i = 0; i < cpbCount; i++) {
    r.ue(); // bit_rate_value_minus1
    r.ue(); // cpb_size_value_minus1
    r.skip(1); // cbr_flag
  }
  r.skip(20); // delay and offset lengths
  return true;
}

function skipScalingLists(r: BitReader, count: number): void {
  for (let i = 0; i < count; i++) {
    if (!r.flag()) continue;
    const size = i < 6 ? 16 : 64;
    let last = 8;
    let next = 8;
    for (let j = 0; j < size && next !== 0; j++) {
      next = (last + r.se() + 256) % 256;
      if (next !== 0) last = next;
    }
  }
}
