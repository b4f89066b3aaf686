/**
 * A baseline JPEG's luma at 1/8 scale, from the DC coefficients alone: each 8×8 block of the Y
 * component becomes one pixel, the block's mean, which is exactly what libjpeg(-turbo) gives for
 * a 1/8-scale greyscale decode. There is no inverse DCT, no colour conversion and no chroma
 * output: the entropy-coded data is read once and the AC coefficients are skipped, which costs a
 * fraction of any full or scaled decode (~0.3 ms for a 20 KB 640×480 frame).
 *
 * Baseline and extended-sequential 8-bit Huffman JPEGs only, which is what cameras send. Anything
 * else (progressive, arithmetic-coded, lossless, 12-bit, CMYK, RGB-coded) returns null, so that a
 * full decoder can take it. Data that is corrupt or cut short throws.
 */
export interface JpegLuma {
  /** The frame's own size, from its header. */
  sourceWidth: number;
  sourceHeight: number;
  /** ceil(sourceWidth / 8) × ceil(sourceHeight / 8) (with the usual Y sampling). */
  width: number;
  height: number;
  /** One byte a pixel, row by row. */
  pixels: Uint8Array;
}

/** What sharp refuses by default (0x3FFF × 0x3FFF pixels): a header claiming more is not a camera frame. */
const MAX_PIXELS = 268_402_689;

const LOOKAHEAD = 10;
const LOOKAHEAD_MASK = (1 << LOOKAHEAD) - 1;

interface HuffmanTable {
  /**
   * By the next LOOKAHEAD bits, 0 when the code is longer; else for a DC table
   * (symbol << 8) | code length, and for an AC table (coefficients advanced << 8) | (code length +
   * value bits), since an AC value is skipped, never read (64 advanced: end of block).
   */
  fast: Int32Array;
  /** Largest code of each length 1..16 (−1: none), for codes longer than the lookahead. */
  maxCode: Int32Array;
  /** Index in `symbols` of a code of each length, minus that code. */
  valOffset: Int32Array;
  symbols: Uint8Array;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
}

interface ScanComponent {
  /** Index in the frame's components; 0 is Y. */
  index: number;
  dc: HuffmanTable;
  ac: HuffmanTable;
}

/** A scan's entropy-coded bytes, unstuffed into `scratch`. */
interface EntropyData {
  length: number;
  /** Where each restart interval after the first starts. */
  intervals: number[];
  /** Position of the marker that ends the scan in the JPEG. */
  next: number;
}

/** Entropy-coded bytes without the zero stuffed after each 0xFF; grown as needed and reused. */
let scratch = new Uint8Array(1 << 16);

export function jpegLumaEighth(data: Uint8Array): JpegLuma | null {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw new Error('not a JPEG');
  const quantDc = new Int32Array(4);
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  let components: Component[] | null = null;
  let width = 0;
  let height = 0;
  let restartInterval = 0;
  let adobeTransform = -1;
  let pos = 2;
  for (;;) {
    if (pos + 4 > data.length) throw new Error('cut short before the image data');
    if (data[pos] !== 0xff) throw new Error('bad marker');
    const marker = data[pos + 1]!;
    if (marker === 0xff) { pos += 1; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { pos += 2; continue; } // markers without a length
    if (marker === 0xd9) throw new Error('no image data');
    const length = (data[pos + 2]! << 8) | data[pos + 3]!;
    const start = pos + 4;
    const end = pos + 2 + length;
    if (length < 2 || end > data.length) throw new Error('cut short in a header segment');
    if (marker === 0xdb) {
      // DQT: only each table's first entry, the DC step, matters here
      for (let p = start; p < end; p += data[p]! >> 4 ? 129 : 65) quantDc[data[p]! & 3] = data[p]! >> 4 ? (data[p + 1]! << 8) | data[p + 2]! : data[p + 1]!;
    } else if (marker === 0xc4) {
      for (let p = start; p < end; ) {
        const counts = data.subarray(p + 1, p + 17);
        const total = counts.reduce((sum, n) => sum + n, 0);
        if (p + 17 + total > end) throw new Error('bad Huffman table');
        const ac = data[p]! >> 4 !== 0;
        (ac ? acTables : dcTables)[data[p]! & 3] = buildHuffman(counts, data.subarray(p + 17, p + 17 + total), ac);
        p += 17 + total;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      if (data[start] !== 8) return null; // 12-bit samples
      height = (data[start + 1]! << 8) | data[start + 2]!;
      width = (data[start + 3]! << 8) | data[start + 4]!;
      const n = data[start + 5]!;
      if ((n !== 1 && n !== 3) || width === 0 || height === 0) return null; // CMYK; a height given after the data (DNL)
      if (width * height > MAX_PIXELS) throw new Error(`too large: ${width}x${height}`);
      components = [];
      for (let i = 0, p = start + 6; i < n; i += 1, p += 3) components.push({ id: data[p]!, h: data[p + 1]! >> 4, v: data[p + 1]! & 15, tq: data[p + 2]! & 3 });
      if (components.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4)) throw new Error('bad sampling factors');
      if (n === 3 && components[0]!.id === 0x52 && components[1]!.id === 0x47 && components[2]!.id === 0x42) return null; // RGB-coded
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return null; // progressive, lossless, arithmetic-coded
    } else if (marker === 0xdd) {
      restartInterval = (data[start]! << 8) | data[start + 1]!;
    } else if (marker === 0xee && length >= 14 && String.fromCharCode(...data.subarray(start, start + 5)) === 'Adobe') {
      adobeTransform = data[start + 11]!;
    } else if (marker === 0xda) {
      if (!components) throw new Error('image data before the frame header');
      if (components.length === 3 && adobeTransform === 0) return null; // RGB-coded
      const scan: ScanComponent[] = [];
      for (let i = 0, p = start + 1; i < data[start]!; i += 1, p += 2) {
        const index = components.findIndex((c) => c.id === data[p]);
        const dc = dcTables[data[p + 1]! >> 4];
        const ac = acTables[data[p + 1]! & 3];
        if (index < 0 || !dc || !ac) throw new Error('a scan names an unknown component or table');
        scan.push({ index, dc, ac });
      }
      const entropy = unstuff(data, end);
      if (scan.some((s) => s.index === 0)) return decodeScan(entropy, width, height, components, scan, quantDc[components[0]!.tq]!, restartInterval);
      pos = entropy.next; // a scan without Y: Y comes in a later one
      continue;
    }
    pos = end;
  }
}

function buildHuffman(counts: Uint8Array, symbols: Uint8Array, ac: boolean): HuffmanTable {
  const fast = new Int32Array(1 << LOOKAHEAD);
  const maxCode = new Int32Array(17).fill(-1);
  const valOffset = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length += 1) {
    const n = counts[length - 1]!;
    valOffset[length] = k - code;
    for (let i = 0; i < n; i += 1, k += 1, code += 1) {
      if (length > LOOKAHEAD) continue;
      const symbol = symbols[k]!;
      let entry: number;
      if (!ac) entry = (symbol << 8) | length;
      else if ((symbol & 15) !== 0) entry = (((symbol >> 4) + 1) << 8) | (length + (symbol & 15));
      else entry = ((symbol === 0xf0 ? 16 : 64) << 8) | length;
      fast.fill(entry, code << (LOOKAHEAD - length), (code + 1) << (LOOKAHEAD - length));
    }
    if (n > 0) maxCode[length] = code - 1;
    if (code > 1 << length) throw new Error('bad Huffman table');
    code <<= 1;
  }
  return { fast, maxCode, valOffset, symbols };
}

/** A code longer than the lookahead, the slow way: (symbol << 8) | code length. */
function slowDecode(table: HuffmanTable, acc: number, bits: number): number {
  for (let length = LOOKAHEAD + 1; length <= 16; length += 1) {
    const code = (acc >>> (bits - length)) & ((1 << length) - 1);
    if (code <= table.maxCode[length]!) return (table.symbols[table.valOffset[length]! + code]! << 8) | length;
  }
  throw new Error('bad Huffman code');
}

/** Copies a scan's entropy-coded bytes into `scratch` without stuffing, noting restart points; 8 zero bytes follow. */
function unstuff(data: Uint8Array, start: number): EntropyData {
  if (scratch.length < data.length - start + 8) scratch = new Uint8Array(data.length - start + 8 + 4096);
  const intervals: number[] = [];
  let n = 0;
  for (let p = start; ; ) {
    const ff = data.indexOf(0xff, p);
    if (ff < 0 || ff + 1 >= data.length) throw new Error('image data cut short');
    scratch.set(data.subarray(p, ff), n);
    n += ff - p;
    const next = data[ff + 1]!;
    if (next === 0x00) {
      scratch[n] = 0xff;
      n += 1;
      p = ff + 2;
    } else if (next === 0xff) {
      p = ff + 1; // fill byte
    } else if (next >= 0xd0 && next <= 0xd7) {
      intervals.push(n);
      p = ff + 2;
    } else {
      scratch.fill(0, n, n + 8);
      return { length: n, intervals, next: ff };
    }
  }
}

function decodeScan(entropy: EntropyData, width: number, height: number, components: Component[], scan: ScanComponent[], quant: number, restartInterval: number): JpegLuma {
  const hMax = Math.max(...components.map((c) => c.h));
  const vMax = Math.max(...components.map((c) => c.v));
  const y = components[0]!;
  const outW = Math.ceil(Math.ceil((width * y.h) / hMax) / 8);
  const outH = Math.ceil(Math.ceil((height * y.v) / vMax) / 8);
  const out = new Uint8Array(outW * outH);

  // The blocks of one unit (an MCU) in coding order: their tables, their DC predictor, and where a Y block lands.
  const dcFast: Int32Array[] = [];
  const acFast: Int32Array[] = [];
  const dcTable: HuffmanTable[] = [];
  const acTable: HuffmanTable[] = [];
  const predictor: number[] = [];
  const blockX: number[] = []; // −1: not a Y block
  const blockY: number[] = [];
  const addBlock = (s: ScanComponent, si: number, bx: number, by: number): void => {
    dcFast.push(s.dc.fast); acFast.push(s.ac.fast); dcTable.push(s.dc); acTable.push(s.ac);
    predictor.push(si); blockX.push(s.index === 0 ? bx : -1); blockY.push(by);
  };
  let unitsX: number;
  let unitsY: number;
  let yH = 1;
  let yV = 1;
  if (scan.length > 1) {
    unitsX = Math.ceil(width / (8 * hMax));
    unitsY = Math.ceil(height / (8 * vMax));
    yH = y.h;
    yV = y.v;
    scan.forEach((s, si) => {
      const c = components[s.index]!;
      for (let by = 0; by < c.v; by += 1) for (let bx = 0; bx < c.h; bx += 1) addBlock(s, si, bx, by);
    });
  } else {
    // a scan of Y alone: its blocks in raster order, without padding to whole MCUs
    unitsX = outW;
    unitsY = outH;
    addBlock(scan[0]!, 0, 0, 0);
  }
  const blocks = dcFast.length;
  const pred = new Int32Array(scan.length);
  const units = unitsX * unitsY;
  const intervals = entropy.intervals;
  const src = scratch;

  let pos = 0; // next byte of `src` to load
  let acc = 0; // bit buffer: the next `bits` bits are its low bits
  let bits = 0;
  let interval = 0;
  let limit = restartInterval > 0 && intervals.length > 0 ? intervals[0]! : entropy.length; // end of the current interval
  for (let unit = 0, unitX = 0, unitY = 0; unit < units; unit += 1) {
    if (restartInterval > 0 && unit > 0 && unit % restartInterval === 0) {
      if (interval >= intervals.length) throw new Error('a restart marker is missing');
      pos = intervals[interval]!;
      interval += 1;
      limit = interval < intervals.length ? intervals[interval]! : entropy.length;
      acc = 0;
      bits = 0;
      pred.fill(0);
    }
    for (let b = 0; b < blocks; b += 1) {
      // DC: a size category, then that many bits of difference from the last DC of this component
      if (bits <= 24) { do { acc = (acc << 8) | src[pos++]!; bits += 8; } while (bits <= 24); }
      let entry = dcFast[b]![(acc >>> (bits - LOOKAHEAD)) & LOOKAHEAD_MASK]!;
      if (entry === 0) entry = slowDecode(dcTable[b]!, acc, bits);
      bits -= entry & 0xff;
      const size = entry >> 8;
      let diff = 0;
      if (size !== 0) {
        if (size > 11) throw new Error('bad DC coefficient');
        if (bits < size) { do { acc = (acc << 8) | src[pos++]!; bits += 8; } while (bits <= 24); }
        diff = (acc >>> (bits - size)) & ((1 << size) - 1);
        bits -= size;
        if (diff < 1 << (size - 1)) diff -= (1 << size) - 1;
      }
      const dc = pred[predictor[b]!]! + diff;
      pred[predictor[b]!] = dc;
      if (blockX[b]! >= 0) {
        const ox = unitX * yH + blockX[b]!;
        const oy = unitY * yV + blockY[b]!;
        if (ox < outW && oy < outH) {
          const v = ((dc * quant + 4) >> 3) + 128; // the 1×1 inverse DCT
          out[oy * outW + ox] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
      // AC: (run, size) codes up to the end of the block; their value bits are skipped unread
      const fast = acFast[b]!;
      for (let k = 1; k < 64; ) {
        if (bits <= 24) { do { acc = (acc << 8) | src[pos++]!; bits += 8; } while (bits <= 24); }
        entry = fast[(acc >>> (bits - LOOKAHEAD)) & LOOKAHEAD_MASK]!;
        if (entry !== 0) {
          bits -= entry & 0xff;
          k += entry >> 8;
          continue;
        }
        entry = slowDecode(acTable[b]!, acc, bits);
        bits -= entry & 0xff;
        const symbol = entry >> 8;
        if ((symbol & 15) === 0) {
          if (symbol !== 0xf0) break; // end of block
          k += 16;
        } else {
          if (bits < (symbol & 15)) { do { acc = (acc << 8) | src[pos++]!; bits += 8; } while (bits <= 24); }
          bits -= symbol & 15;
          k += (symbol >> 4) + 1;
        }
      }
    }
    if (pos * 8 - bits > limit * 8) throw new Error('image data cut short');
    unitX += 1;
    if (unitX === unitsX) { unitX = 0; unitY += 1; }
  }
  return { sourceWidth: width, sourceHeight: height, width: outW, height: outH, pixels: out };
}
