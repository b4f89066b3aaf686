import { BitReader, MalformedMedia } from './bit-reader.js';

/** What a VP9 key frame's uncompressed header says (VP9 bitstream spec §6.2): profile, bit depth, size. */
export interface Vp9KeyFrame {
  profile: number;
  bitDepth: number;
  width: number;
  height: number;
}

const SYNC_CODE = 0x498342;

/** The first frame of a sample (a superframe starts with its first frame); it must be a key frame. */
export function parseVp9KeyFrame(bytes: Uint8Array): Vp9KeyFrame {
  const r = new BitReader(bytes);
  if (r.u(2) !== 2) throw new MalformedMedia('no VP9 frame marker');
  const low = r.u(1);
  const profile = (r.u(1) << 1) | low;
  if (profile === 3) r.skip(1); // reserved_zero
  if (r.flag()) throw new MalformedMedia('VP9 show_existing_frame');
  if (r.u(1) !== 0) throw new MalformedMedia('first VP9 frame is not a key frame');
  r.skip(2); // show_frame, error_resilient_mode
  if (r.u(24) !== SYNC_CODE) throw new MalformedMedia('no VP9 sync code');
  const bitDepth = profile >= 2 ? (r.flag() ? 12 : 10) : 8;
  const rgb = r.u(3) === 7; // color_space CS_RGB
  if (!rgb) r.skip(1); // color_range
  if (profile === 1 || profile === 3) r.skip(rgb ? 1 : 3); // subsampling_x/y, reserved_zero
  const width = r.u(16) + 1;
  const height = r.u(16) + 1;
  return { profile, bitDepth, width, height };
}
