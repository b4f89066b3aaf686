import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VideoInfo } from '../video-info.js';
import { probeIsoBmff, type ByteReader } from './iso-bmff-probe.js';
import { boundedRational } from './rational.js';

// ---- a tiny ISO-BMFF writer -------------------------------------------------------------------

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const u64 = (n: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
const zeros = (n: number) => Buffer.alloc(n);
const text = (s: string) => Buffer.from(s, 'latin1');

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(8 + body.length), text(type), body]);
}

function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
  return box(type, u8(version), Buffer.from([(flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff]), ...parts);
}

/** A box with a 64-bit largesize header. */
function largeBox(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(1), text(type), u64(16 + body.length), body]);
}

const IDENTITY = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
const ROTATE_90 = [0, 0x10000, 0, -0x10000, 0, 0, 240 * 0x10000, 0, 0x40000000];
const ROTATE_180 = [-0x10000, 0, 0, 0, -0x10000, 0, 320 * 0x10000, 240 * 0x10000, 0x40000000];
const ROTATE_270 = [0, -0x10000, 0, 0x10000, 0, 0, 0, 320 * 0x10000, 0x40000000];
const matrix = (m: number[]) => Buffer.concat(m.map(i32));

// x264's SPS for 320×240 Constrained Baseline, no cropping, limited range.
const SPS_320x240 = Buffer.from('6742c00bda0507ec0440000003004000000503c50aa8', 'hex');
const PPS = Buffer.from('68ce0fc8', 'hex');

function avcC(sps = SPS_320x240): Buffer {
  return box('avcC', Buffer.from([1, sps[1]!, sps[2]!, sps[3]!, 0xff, 0xe1]), u16(sps.length), sps, u8(1), u16(PPS.length), PPS);
}

function avc1(width = 320, height = 240, config = avcC(), type = 'avc1'): Buffer {
  return box(type, zeros(6), u16(1), zeros(16), u16(width), u16(height), u32(0x480000), u32(0x480000), zeros(4), u16(1), zeros(32), u16(24), u16(0xffff), config);
}

/** AudioSpecificConfig bits: object type, sampling index, channels, then optional raw bits. */
function asc(objectType: number, rateIndex: number, channels: number, syncExtension = false): Buffer {
  let bits = `${objectType.toString(2).padStart(5, '0')}${rateIndex.toString(2).padStart(4, '0')}${channels.toString(2).padStart(4, '0')}000`;
  if (syncExtension) bits += '01010110111' + '00101' + '0'; // 0x2b7, SBR, sbrPresentFlag = 0
  bits = bits.padEnd(Math.ceil(bits.length / 8) * 8, '0');
  return Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
}

function esds(objectType: number, dsi: Buffer): Buffer {
  const info = Buffer.concat([u8(0x05), u8(dsi.length), dsi]);
  const config = Buffer.concat([u8(objectType), u8(0x15), zeros(3), u32(128000), u32(128000), info]);
  const decoderConfig = Buffer.concat([u8(0x04), u8(config.length), config]);
  const es = Buffer.concat([u16(1), u8(0), decoderConfig, u8(0x06), u8(1), u8(2)]);
  return fullBox('esds', 0, 0, u8(0x03), u8(es.length), es);
}

function mp4a(config: Buffer, channels = 1, rate = 44100): Buffer {
  return box('mp4a', zeros(6), u16(1), zeros(8), u16(channels), u16(16), zeros(4), u32(rate * 0x10000), esds(0x40, config));
}

interface TrackSpec {
  handler: string;
  sampleEntry: Buffer;
  timescale: number;
  samples: number;
  delta: number;
  /** stts entries instead of samples × delta. */
  stts?: [number, number][];
  matrix?: number[];
  edits?: Buffer;
  creationTime?: number;
  stszCount?: number;
}

interface MovieSpec {
  tracks: TrackSpec[];
  timescale?: number;
  duration?: number;
  creationTime?: number;
  mvhdVersion?: 0 | 1;
  mvhdMatrix?: number[];
  moovFirst?: boolean;
  mdatHeader?: 'normal' | 'large';
  extraMoovBoxes?: Buffer[];
  /** Replaces the moov box as built (for size-0 and damage tests). */
  moovBox?: (moov: Buffer) => Buffer;
  /** The start of mdat, where every track's first sample is. */
  firstSample?: Buffer;
}

const SAMPLE_SIZE = 100;
// An IDR slice NAL unit filling a sample: first_mb_in_slice 0, slice_type 7 (I), pic_parameter_set_id 0.
const IDR_SAMPLE = Buffer.concat([u32(SAMPLE_SIZE - 4), Buffer.from([0x65, 0x88, 0x80]), Buffer.alloc(SAMPLE_SIZE - 7, 0x5a)]);

function trak(spec: TrackSpec, chunkOffset: number, index: number): Buffer {
  const stts = spec.stts ?? [[spec.samples, spec.delta]];
  const samples = stts.reduce((sum, [count]) => sum + count, 0);
  const mediaDuration = stts.reduce((sum, [count, delta]) => sum + count * delta, 0);
  const tkhd = fullBox('tkhd', 0, 3, u32(0), u32(0), u32(index + 1), u32(0), u32(mediaDuration), zeros(8), u16(0), u16(0), u16(0), u16(0), matrix(spec.matrix ?? IDENTITY), u32(320 * 0x10000), u32(240 * 0x10000));
  const mdhd = fullBox('mdhd', 0, 0, u32(spec.creationTime ?? 0), u32(0), u32(spec.timescale), u32(mediaDuration), u16(0x55c4), u16(0));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), text(spec.handler), zeros(12), text('Handler\0'));
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), spec.sampleEntry),
    fullBox('stts', 0, 0, u32(stts.length), ...stts.flatMap(([count, delta]) => [u32(count), u32(delta)])),
    fullBox('stsc', 0, 0, u32(1), u32(1), u32(samples), u32(1)),
    fullBox('stsz', 0, 0, u32(SAMPLE_SIZE), u32(spec.stszCount ?? samples)),
    fullBox('stco', 0, 0, u32(1), u32(chunkOffset)),
  );
  const minf = box('minf', spec.handler === 'vide' ? fullBox('vmhd', 0, 1, zeros(8)) : fullBox('smhd', 0, 0, zeros(4)), dinf, stbl);
  return box('trak', tkhd, ...(spec.edits ? [box('edts', spec.edits)] : []), box('mdia', mdhd, hdlr, minf));
}

function moov(spec: MovieSpec, chunkOffset: number): Buffer {
  const timescale = spec.timescale ?? 1000;
  const duration = spec.duration ?? 2000;
  const created = spec.creationTime ?? 0;
  const mvhd =
    spec.mvhdVersion === 1
      ? fullBox('mvhd', 1, 0, u64(created), u64(0), u32(timescale), u64(duration), u32(0x10000), u16(0x100), zeros(10), matrix(spec.mvhdMatrix ?? IDENTITY), zeros(24), u32(spec.tracks.length + 1))
      : fullBox('mvhd', 0, 0, u32(created), u32(0), u32(timescale), u32(duration), u32(0x10000), u16(0x100), zeros(10), matrix(spec.mvhdMatrix ?? IDENTITY), zeros(24), u32(spec.tracks.length + 1));
  return box('moov', mvhd, ...spec.tracks.map((track, i) => trak(track, chunkOffset, i)), ...(spec.extraMoovBoxes ?? []));
}

const FTYP = box('ftyp', text('isom'), u32(0x200), text('isomiso2avc1mp41'));

/** ftyp, then mdat and moov in either order; every track's only chunk is the whole mdat payload. */
function movie(spec: MovieSpec): Buffer {
  const payload = Buffer.alloc(SAMPLE_SIZE * 40, 0x5a);
  (spec.firstSample ?? IDR_SAMPLE).copy(payload);
  const mdat = (spec.mdatHeader ?? 'normal') === 'large' ? largeBox('mdat', payload) : box('mdat', payload);
  const mdatHeader = mdat.length - payload.length;
  const finish = spec.moovBox ?? ((m: Buffer) => m);
  if (spec.moovFirst) {
    const size = finish(moov(spec, 0)).length;
    return Buffer.concat([FTYP, finish(moov(spec, FTYP.length + size + mdatHeader)), mdat]);
  }
  return Buffer.concat([FTYP, mdat, finish(moov(spec, FTYP.length + mdatHeader))]);
}

const videoTrack = (extra: Partial<TrackSpec> = {}): TrackSpec => ({ handler: 'vide', sampleEntry: avc1(), timescale: 10240, samples: 20, delta: 1024, ...extra });
const audioTrack = (extra: Partial<TrackSpec> = {}): TrackSpec => ({ handler: 'soun', sampleEntry: mp4a(asc(2, 4, 1)), timescale: 44100, samples: 10, delta: 1024, ...extra });

function readerOf(file: Buffer): ByteReader {
  return { read: async (offset, length) => file.subarray(offset, offset + length) };
}

function probe(file: Buffer): Promise<VideoInfo | null> {
  return probeIsoBmff(readerOf(file), file.length);
}

function expected(file: Buffer, overrides: Partial<VideoInfo> = {}): VideoInfo {
  return {
    format: 'mov,mp4,m4a,3gp,3g2,mj2',
    duration: 2,
    size: file.length,
    bitRate: Math.trunc((file.length * 8 * 1e6) / 2e6),
    creationTime: null,
    video: { codec: 'h264', width: 320, height: 240, displayWidth: 320, displayHeight: 240, fps: 10, frames: 20, rotation: 0, pixelFormat: 'yuv420p' },
    audio: null,
    streams: [{ index: 0, type: 'video', codec: 'h264' }],
    ...overrides,
  };
}

// ---- tests -----------------------------------------------------------------------------------

describe('probeIsoBmff', () => {
  it('reads a minimal H.264 MP4 the way ffprobe reports it', async () => {
    const file = movie({ tracks: [videoTrack()] });
    assert.deepEqual(await probe(file), expected(file));
  });

  it('gives the same answer with moov before or after mdat', async () => {
    const after = movie({ tracks: [videoTrack(), audioTrack()] });
    const before = movie({ tracks: [videoTrack(), audioTrack()], moovFirst: true });
    assert.equal(after.length, before.length);
    const info = await probe(after);
    assert.ok(info);
    assert.deepEqual(await probe(before), info);
    assert.deepEqual(info.audio, { codec: 'aac', sampleRate: 44100, channels: 1 });
    assert.deepEqual(info.streams, [
      { index: 0, type: 'video', codec: 'h264' },
      { index: 1, type: 'audio', codec: 'aac' },
    ]);
  });

  it('skips a 64-bit largesize mdat', async () => {
    const file = movie({ tracks: [videoTrack()], mdatHeader: 'large' });
    assert.deepEqual(await probe(file), expected(file));
  });

  it('takes a size-0 last box as running to the end of the file', async () => {
    const file = movie({ tracks: [videoTrack()], moovBox: (m) => Buffer.concat([u32(0), m.subarray(4)]) });
    assert.deepEqual(await probe(file), expected(file));
  });

  it('returns null when a size-0 mdat hides what follows', async () => {
    const file = movie({ tracks: [videoTrack()] });
    const mdatAt = FTYP.length;
    const hidden = Buffer.from(file);
    hidden.writeUInt32BE(0, mdatAt);
    assert.equal(await probe(hidden), null);
  });

  it('returns null when a box claims more bytes than the file has', async () => {
    const file = movie({ tracks: [videoTrack()] });
    const lying = Buffer.from(file);
    lying.writeUInt32BE(file.length, FTYP.length); // mdat as long as the whole file
    assert.equal(await probe(lying), null);
    const lyingMoov = movie({ tracks: [videoTrack()], moovBox: (m) => Buffer.concat([u32(m.length + 1), m.subarray(4)]) });
    assert.equal(await probe(lyingMoov), null);
  });

  it('returns null, never throws, for every truncation of a valid file', async () => {
    for (const moovFirst of [false, true]) {
      const file = movie({ tracks: [videoTrack(), audioTrack()], moovFirst });
      for (let length = 0; length < file.length; length += 7) {
        assert.equal(await probe(file.subarray(0, length)), null, `${length} of ${file.length} bytes`);
      }
    }
  });

  it('returns null when the reader comes back short', async () => {
    const file = movie({ tracks: [videoTrack()] });
    const short: ByteReader = { read: async (offset, length) => file.subarray(offset, offset + Math.max(0, length - 1)) };
    assert.equal(await probeIsoBmff(short, file.length), null);
  });

  it('returns null for files that are not ISO-BMFF', async () => {
    assert.equal(await probe(Buffer.from('hello, this is not a video at all\n')), null);
    assert.equal(await probe(Buffer.alloc(0)), null);
    assert.equal(await probe(Buffer.concat([box('RIFF', zeros(100))])), null);
    // A box tree without ftyp (old QuickTime) is left to ffprobe.
    const file = movie({ tracks: [videoTrack()] });
    assert.equal(await probe(file.subarray(FTYP.length)), null);
  });

  it('never throws on corrupted moov bytes', async () => {
    const file = movie({ tracks: [videoTrack(), audioTrack()] });
    const moovStart = file.length - moov({ tracks: [videoTrack(), audioTrack()] }, 0).length;
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 400; round++) {
      const damaged = Buffer.from(file);
      for (let flips = 0; flips < 3; flips++) damaged[moovStart + Math.floor(random() * (file.length - moovStart))] = Math.floor(random() * 256);
      await probe(damaged); // null or a value, but no exception
    }
  });

  it('reports rotation from quarter-turn track matrices as parseProbeOutput does', async () => {
    for (const [m, rotation] of [
      [IDENTITY, 0],
      [ROTATE_90, 90],
      [ROTATE_180, 180],
      [ROTATE_270, 270],
    ] as const) {
      const file = movie({ tracks: [videoTrack({ matrix: [...m] })] });
      const info = await probe(file);
      const quarter = rotation === 90 || rotation === 270;
      assert.deepEqual(info?.video, { ...expected(file).video!, rotation, displayWidth: quarter ? 240 : 320, displayHeight: quarter ? 320 : 240 }, `matrix for ${rotation}`);
    }
  });

  it('returns null for matrices that mirror or scale, or a non-identity movie matrix', async () => {
    const mirror = [-0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
    const scaled = [0x20000, 0, 0, 0, 0x20000, 0, 0, 0, 0x40000000];
    assert.equal(await probe(movie({ tracks: [videoTrack({ matrix: mirror })] })), null);
    assert.equal(await probe(movie({ tracks: [videoTrack({ matrix: scaled })] })), null);
    assert.equal(await probe(movie({ tracks: [videoTrack()], mvhdMatrix: ROTATE_90 })), null);
  });

  it('reads creation time from mvhd (v0 and v1), else from the video mdhd', async () => {
    const macSeconds = 1714979289 + 2082844800; // 2024-05-06T07:08:09Z
    const v0 = await probe(movie({ tracks: [videoTrack()], creationTime: macSeconds }));
    assert.equal(v0?.creationTime, '2024-05-06T07:08:09.000Z');
    const v1 = await probe(movie({ tracks: [videoTrack()], creationTime: macSeconds, mvhdVersion: 1 }));
    assert.equal(v1?.creationTime, '2024-05-06T07:08:09.000Z');
    const fromTrack = await probe(movie({ tracks: [videoTrack({ creationTime: macSeconds })] }));
    assert.equal(fromTrack?.creationTime, '2024-05-06T07:08:09.000Z');
    // ffmpeg takes values below the 1904→1970 offset as Unix time already.
    const unix = await probe(movie({ tracks: [videoTrack()], creationTime: 1714979289 }));
    assert.equal(unix?.creationTime, '2024-05-06T07:08:09.000Z');
  });

  it('uses the movie header duration, with ffprobe rounding and bit rate', async () => {
    const file = movie({ tracks: [videoTrack()], timescale: 600, duration: 1234 });
    const info = await probe(file);
    assert.equal(info?.duration, 2.056667); // 2056666.67 µs rounds to 2056667
    assert.equal(info?.bitRate, Math.trunc((file.length * 8 * 1e6) / 2056667));
    assert.equal(await probe(movie({ tracks: [videoTrack()], duration: 0 })), null);
  });

  it('computes the average frame rate and frame count from stts', async () => {
    const ntsc = await probe(movie({ tracks: [videoTrack({ timescale: 30000, samples: 60, delta: 1001 })] }));
    assert.equal(ntsc?.video?.fps, 29.97);
    assert.equal(ntsc?.video?.frames, 60);
    const variable = await probe(movie({ tracks: [videoTrack({ timescale: 90000, stts: [[10, 3000], [5, 6000], [5, 3003]] })] }));
    assert.equal(variable?.video?.fps, Math.round((90000 * 20 * 1000) / (30000 + 30000 + 15015)) / 1000);
    assert.equal(variable?.video?.frames, 20);
  });

  it('returns null for stts/stsz disagreement and an over-long last sample', async () => {
    assert.equal(await probe(movie({ tracks: [videoTrack({ stszCount: 19 })] })), null);
    assert.equal(await probe(movie({ tracks: [videoTrack({ stts: [[150, 1024], [1, 900000]] })] })), null);
  });

  it('accepts a shifted single edit or a leading empty edit, refuses other edit lists', async () => {
    const elst = (...entries: [number, number][]) => fullBox('elst', 0, 0, u32(entries.length), ...entries.flatMap(([segment, time]) => [u32(segment), i32(time), u32(0x10000)]));
    const shifted = movie({ tracks: [videoTrack({ edits: elst([2000, 2048]) })] });
    assert.deepEqual(await probe(shifted), expected(shifted));
    const delayed = movie({ tracks: [videoTrack({ edits: elst([500, -1], [2000, 0]) })] });
    assert.deepEqual(await probe(delayed), expected(delayed));
    assert.equal(await probe(movie({ tracks: [videoTrack({ edits: elst([1000, 0], [1000, 10240]) })] })), null);
    assert.equal(await probe(movie({ tracks: [videoTrack({ edits: elst([1000, 999999]) })] })), null);
    const slow = fullBox('elst', 0, 0, u32(1), u32(2000), i32(0), u32(0x8000));
    assert.equal(await probe(movie({ tracks: [videoTrack({ edits: slow })] })), null);
  });

  it('returns null for fragmented files and unknown content', async () => {
    const mvex = box('mvex', fullBox('trex', 0, 0, u32(1), u32(1), u32(0), u32(0), u32(0)));
    assert.equal(await probe(movie({ tracks: [videoTrack()], extraMoovBoxes: [mvex] })), null);
    const withMoof = Buffer.concat([movie({ tracks: [videoTrack()] }), box('moof', fullBox('mfhd', 0, 0, u32(1)))]);
    assert.equal(await probe(withMoof), null);
    assert.equal(await probe(movie({ tracks: [videoTrack({ sampleEntry: avc1(320, 240, avcC(), 'xyz1') })] })), null);
    assert.equal(await probe(movie({ tracks: [videoTrack({ handler: 'tmcd' })] })), null);
    assert.equal(await probe(movie({ tracks: [] })), null);
  });

  it('returns null when the first H.264 sample does not start a picture with a known PPS', async () => {
    assert.equal(await probe(movie({ tracks: [videoTrack()], firstSample: Buffer.alloc(SAMPLE_SIZE, 0x5a) })), null);
    const otherPps = Buffer.concat([u32(SAMPLE_SIZE - 4), Buffer.from([0x65, 0x88, 0x40]), Buffer.alloc(SAMPLE_SIZE - 7)]); // pic_parameter_set_id 1
    assert.equal(await probe(movie({ tracks: [videoTrack()], firstSample: otherPps })), null);
    const overrun = Buffer.concat([u32(SAMPLE_SIZE), Buffer.from([0x65, 0x88, 0x80])]);
    assert.equal(await probe(movie({ tracks: [videoTrack()], firstSample: overrun })), null);
  });

  it('returns null when the SPS and the sample entry disagree on the size', async () => {
    assert.equal(await probe(movie({ tracks: [videoTrack({ sampleEntry: avc1(330, 240) })] })), null);
  });

  it('returns null for cover art, which ffprobe lists as a stream', async () => {
    const udta = box('udta', fullBox('meta', 0, 0, box('ilst', box('covr', box('data', u32(13), u32(0), zeros(16))))));
    assert.equal(await probe(movie({ tracks: [videoTrack()], extraMoovBoxes: [udta] })), null);
  });

  it('reads AAC-LC parameters and refuses possible SBR', async () => {
    const withSync = await probe(movie({ tracks: [videoTrack(), audioTrack({ sampleEntry: mp4a(asc(2, 11, 1, true)) })] }));
    assert.deepEqual(withSync?.audio, { codec: 'aac', sampleRate: 8000, channels: 1 });
    const stereo48 = await probe(movie({ tracks: [videoTrack(), audioTrack({ sampleEntry: mp4a(asc(2, 3, 2)) })] }));
    assert.deepEqual(stereo48?.audio, { codec: 'aac', sampleRate: 48000, channels: 2 });
    // 8 kHz without SBR signalled absent may be HE-AAC, whose decoder reports 16 kHz.
    assert.equal(await probe(movie({ tracks: [videoTrack(), audioTrack({ sampleEntry: mp4a(asc(2, 11, 1)) })] })), null);
    assert.equal(await probe(movie({ tracks: [videoTrack(), audioTrack({ sampleEntry: mp4a(asc(5, 6, 2)) })] })), null);
  });

  it('lists timecode tracks as data streams without a codec, as ffprobe does', async () => {
    const tmcd = box('tmcd', zeros(6), u16(1), zeros(4), u32(0), u32(10240), u32(1024), u8(10), zeros(3));
    const info = await probe(movie({ tracks: [videoTrack(), { handler: 'tmcd', sampleEntry: tmcd, timescale: 10240, samples: 1, delta: 20480 }] }));
    assert.deepEqual(info?.streams, [
      { index: 0, type: 'video', codec: 'h264' },
      { index: 1, type: 'data', codec: null },
    ]);
  });

  it('reports an audio-only file with no video', async () => {
    const file = movie({ tracks: [audioTrack()] });
    const info = await probe(file);
    assert.equal(info?.video, null);
    assert.deepEqual(info?.streams, [{ index: 0, type: 'audio', codec: 'aac' }]);
  });
});

describe('boundedRational', () => {
  it('reduces exactly when the terms fit', () => {
    assert.deepEqual(boundedRational(30000n * 60n, 60060n, 2n ** 31n - 1n), [30000n, 1001n]);
  });

  it('picks the closest fraction within the bound otherwise', () => {
    assert.deepEqual(boundedRational(314159265358979n, 100000000000000n, 1000n), [355n, 113n]);
    assert.deepEqual(boundedRational(5n, 1n, 3n), [3n, 1n]);
    assert.deepEqual(boundedRational(1n, 7n, 5n), [1n, 5n]);
  });
});
