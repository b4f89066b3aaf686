import { BitReader, MalformedMedia, unescapeRbsp } from './bit-reader.js';
import { parseH264PpsId, type AvcConfig } from './h264-sps.js';

const NAL_SLICE = 1;
const NAL_IDR_SLICE = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;

/**
 * Checks that the first sample of an H.264 track is something a decoder gets a picture from with the
 * `avcC` parameters: a chain of length-prefixed NAL units that fits the sample (exactly, when all of it
 * was read), whose first slice names a known PPS, and no in-band SPS different from the configuration's.
 * `sample` is the start of the sample (the first slice must lie within it), `sampleSize` its full size.
 */
export function checkAvcFirstSample(sample: Uint8Array, sampleSize: number, config: AvcConfig): void {
  const { nalLengthSize } = config;
  const ppsIds = new Set(config.ppsIds);
  let sawSlice = false;
  let pos = 0;
  while (pos + nalLengthSize < sample.length) {
    let length = 0;
    for (let i = 0; i < nalLengthSize; i++) length = length * 256 + sample[pos + i]!;
    const start = pos + nalLengthSize;
    if (length === 0 || start + length > sampleSize) throw new MalformedMedia('NAL unit overruns the sample');
    const header = sample[start]!;
    const type = header & 0x1f;
    if (header & 0x80 || type === 0 || type > 23) throw new MalformedMedia('invalid NAL unit header');
    const nal = sample.subarray(start, Math.min(start + length, sample.length));
    if (type === NAL_SPS) {
      // A decoder switches to an in-band SPS; only a copy of the configured one is safe.
      if (length !== config.spsNal.length || nal.length !== length || !config.spsNal.every((byte, i) => nal[i] === byte)) {
        throw new MalformedMedia('in-band SPS differs from avcC');
      }
    } else if (type === NAL_PPS && !sawSlice) {
      ppsIds.add(parseH264PpsId(nal, config.sps.id));
    } else if ((type === NAL_SLICE || type === NAL_IDR_SLICE) && !sawSlice) {
      // slice_header(): first_mb_in_slice, slice_type, pic_parameter_set_id (§7.3.3)
      const r = new BitReader(unescapeRbsp(nal.subarray(0, 32)), 1);
      r.ue();
      r.ue();
      if (!ppsIds.has(r.ue())) throw new MalformedMedia('first slice refers to an unknown PPS');
      sawSlice = true;
    }
    pos = start + length;
  }
  if (!sawSlice) throw new MalformedMedia('no slice at the start of the first sample');
  if (sample.length === sampleSize && pos !== sampleSize) throw new MalformedMedia('NAL units do not fill the sample');
}
