/** Thrown when a bitstream ends early or holds a value a parser cannot accept; probes turn it into "unknown". */
export class MalformedMedia extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMedia';
  }
}

/** Most-significant-bit-first reader with the Exp-Golomb codes of H.264/H.265 (ITU-T H.264 §9.1). */
export class BitReader {
  private position: number;

  constructor(private readonly bytes: Uint8Array, startByte = 0) {
    this.position = startByte * 8;
  }

  get bitsLeft(): number {
    return this.bytes.length * 8 - this.position;
  }

  /** An unsigned value of up to 32 bits. */
  u(bits: number): number {
    if (bits > 32 || bits > this.bitsLeft) throw new MalformedMedia('bitstream ended early');
    let value = 0;
    for (let i = 0; i < bits; i++) {
      const byte = this.bytes[this.position >> 3]!;
      // Multiplying, not shifting: JavaScript shifts are signed 32-bit.
      value = value * 2 + ((byte >> (7 - (this.position & 7))) & 1);
      this.position += 1;
    }
    return value;
  }

  /** The next bits without consuming them. */
  peek(bits: number): number {
    const saved = this.position;
    const value = this.u(bits);
    this.position = saved;
    return value;
  }

  flag(): boolean {
    return this.u(1) === 1;
  }

  skip(bits: number): void {
    if (bits > this.bitsLeft) throw new MalformedMedia('bitstream ended early');
    this.position += bits;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      zeros += 1;
      if (zeros > 31) throw new MalformedMedia('Exp-Golomb code too long');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  /** se(v): signed Exp-Golomb. */
  se(): number {
    const code = this.ue();
    return code % 2 === 1 ? (code + 1) / 2 : -(code / 2);
  }
}

/** A NAL unit's payload without its emulation-prevention bytes (00 00 03 → 00 00). */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let length = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[length++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, length);
}
