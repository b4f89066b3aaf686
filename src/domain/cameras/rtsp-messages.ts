/**
 * RTSP on one TCP connection, as a relay sees it: text messages (a start line, headers, a body of
 * Content-Length bytes) and, once media flows, interleaved binary frames (`$`, a channel byte, a
 * 16-bit length, that many bytes of RTP or RTCP). Pure: bytes in, units out.
 */

export interface RtspMessage {
  kind: 'message';
  /** `DESCRIBE rtsp://cam/stream RTSP/1.0` (a request) or `RTSP/1.0 200 OK` (a response). */
  startLine: string;
  /** In order, names as sent. */
  headers: [string, string][];
  body: Buffer;
}

export interface RtspInterleaved {
  kind: 'interleaved';
  channel: number;
  /** The whole frame, its 4-byte header included, to be passed on as it came. */
  frame: Buffer;
}

export type RtspUnit = RtspMessage | RtspInterleaved;

const DOLLAR = 0x24;
const END_OF_HEAD = Buffer.from('\r\n\r\n');

/**
 * Splits a connection's bytes into messages and interleaved frames as they arrive. A head longer
 * than `maxHeadBytes` or a body longer than `maxBodyBytes` (an SDP is a few kilobytes) is refused:
 * `push` throws naming it, and the connection should end.
 */
export class RtspFramer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly limits: { maxHeadBytes: number; maxBodyBytes: number } = { maxHeadBytes: 64 * 1024, maxBodyBytes: 1024 * 1024 }) {}

  push(chunk: Buffer): RtspUnit[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const units: RtspUnit[] = [];
    for (;;) {
      if (this.pending.length === 0) return units;
      if (this.pending[0] === DOLLAR) {
        if (this.pending.length < 4) return units;
        const length = 4 + this.pending.readUInt16BE(2);
        if (this.pending.length < length) return units;
        units.push({ kind: 'interleaved', channel: this.pending[1]!, frame: this.pending.subarray(0, length) });
        this.pending = this.pending.subarray(length);
        continue;
      }
      const end = this.pending.indexOf(END_OF_HEAD);
      if (end < 0) {
        if (this.pending.length > this.limits.maxHeadBytes) throw new Error(`an RTSP message head longer than ${this.limits.maxHeadBytes} bytes`);
        return units;
      }
      if (end > this.limits.maxHeadBytes) throw new Error(`an RTSP message head longer than ${this.limits.maxHeadBytes} bytes`);
      const [startLine = '', ...lines] = this.pending.subarray(0, end).toString('latin1').split('\r\n');
      if (!/^(RTSP\/\d\.\d \d{3}\b|[A-Z_]+ \S+ RTSP\/\d\.\d$)/.test(startLine)) throw new Error(`not an RTSP message: ${JSON.stringify(startLine.slice(0, 60))}`);
      const headers: [string, string][] = [];
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new Error(`a malformed RTSP header line: ${JSON.stringify(line.slice(0, 60))}`);
        headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
      }
      const declared = headerOf({ headers }, 'content-length');
      const bodyLength = declared === undefined ? 0 : /^\d+$/.test(declared) ? Number(declared) : NaN;
      if (!Number.isSafeInteger(bodyLength) || bodyLength > this.limits.maxBodyBytes) throw new Error(`an RTSP body of ${declared} bytes (at most ${this.limits.maxBodyBytes})`);
      const total = end + END_OF_HEAD.length + bodyLength;
      if (this.pending.length < total) return units;
      units.push({ kind: 'message', startLine, headers, body: Buffer.from(this.pending.subarray(end + END_OF_HEAD.length, total)) });
      this.pending = this.pending.subarray(total);
    }
  }
}

/** A header's value (the first of that name, case-insensitive), or undefined. */
export function headerOf(message: Pick<RtspMessage, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return message.headers.find(([n]) => n.toLowerCase() === wanted)?.[1];
}

/** Every value of a header (WWW-Authenticate comes once per scheme). */
export function headersOf(message: Pick<RtspMessage, 'headers'>, name: string): string[] {
  const wanted = name.toLowerCase();
  return message.headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v);
}

/** The message with `name` set to `value` (replacing every one of that name), or removed when null. */
export function withHeader(message: RtspMessage, name: string, value: string | null): RtspMessage {
  const wanted = name.toLowerCase();
  const kept = message.headers.filter(([n]) => n.toLowerCase() !== wanted);
  return { ...message, headers: value === null ? kept : [...kept, [name, value]] };
}

/** A request's method and URI, or null for a response. */
export function requestOf(message: RtspMessage): { method: string; uri: string } | null {
  const match = /^([A-Z_]+) (\S+) RTSP\/\d\.\d$/.exec(message.startLine);
  return match ? { method: match[1]!, uri: match[2]! } : null;
}

/** A response's status code, or null for a request. */
export function statusOf(message: RtspMessage): number | null {
  const match = /^RTSP\/\d\.\d (\d{3})\b/.exec(message.startLine);
  return match ? Number(match[1]) : null;
}

/** The request with another URI. */
export function withUri(message: RtspMessage, uri: string): RtspMessage {
  return { ...message, startLine: message.startLine.replace(/^([A-Z_]+) \S+ /, `$1 ${uri} `) };
}

/** The message as bytes on the wire (Content-Length as its body says). */
export function serializeMessage(message: RtspMessage): Buffer {
  const headers = message.body.length > 0 || headerOf(message, 'content-length') !== undefined ? withHeader(message, 'Content-Length', String(message.body.length)).headers : message.headers;
  const head = [message.startLine, ...headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), message.body]);
}
