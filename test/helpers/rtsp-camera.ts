import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnFfmpeg, type Ffmpeg } from './ffmpeg-process.js';

export interface RtspCameraOptions {
  /** WIDTHxHEIGHT, default '320x240'. */
  size?: string;
  /** Default 10. */
  fps?: number;
  /** Frames between keyframes, default fps (one a second). */
  gop?: number;
  /**
   * Require auth on DESCRIBE, as cameras do: Basic by default, or Digest (RFC 2069, as most cameras
   * do it), checked strictly: the digest's uri must be the request's.
   */
  credentials?: { username: string; password: string; scheme?: 'basic' | 'digest' };
  /** 'silent': accept connections, never answer. 'no-media': answer everything, never send RTP. */
  fault?: 'silent' | 'no-media';
}

export interface RtspCamera {
  /** rtsp://127.0.0.1:PORT/stream */
  url: string;
  /** PLAY sessions started so far. */
  sessions(): number;
  close(): Promise<void>;
}

interface RtspRequest {
  method: string;
  uri: string;
  headers: Map<string, string>;
}

const READY_TIMEOUT_MS = 20_000;
const PATH = '/stream';
/** A client this far behind loses packets rather than growing our memory without bound. */
const MAX_BUFFERED = 4 * 1024 * 1024;
const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  454: 'Session Not Found',
  461: 'Unsupported Transport',
  501: 'Not Implemented',
};

/**
 * An RTSP camera on 127.0.0.1 serving H.264 over RTP interleaved in the TCP connection.
 * ffmpeg cannot serve RTSP to readers, so it only sends RTP to a local UDP socket and this
 * minimal server relays each packet to every playing client. SPS/PPS reach late joiners
 * twice over: in the SDP (sprop-parameter-sets, needs -flags +global_header) and in-band
 * before every keyframe (-bsf:v dump_extra).
 */
export async function startRtspCamera(options: RtspCameraOptions = {}): Promise<RtspCamera> {
  const fps = options.fps ?? 10;
  const gop = options.gop ?? fps;
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-rtsp-'));
  const clients = new Set<Socket>();
  const playing = new Set<Socket>();
  let sessions = 0;
  let packets = 0;
  let sdp = '';
  let ffmpeg: Ffmpeg | undefined;

  const udp = createSocket('udp4');
  udp.on('message', (packet) => {
    packets += 1;
    if (options.fault === 'no-media') return;
    const header = Buffer.from([0x24, 0, packet.length >> 8, packet.length & 0xff]);
    for (const client of playing) {
      if (client.writableLength < MAX_BUFFERED) client.write(Buffer.concat([header, packet]));
    }
  });

  const server = createServer((socket) => {
    clients.add(socket);
    socket.once('close', () => {
      clients.delete(socket);
      playing.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    if (options.fault === 'silent') return void socket.resume();
    let session: string | undefined;
    const respond = (request: RtspRequest, status: number, headers: Record<string, string> = {}, body = '') => {
      const lines = [`RTSP/1.0 ${status} ${REASONS[status] ?? 'Error'}`, `CSeq: ${request.headers.get('cseq') ?? '0'}`];
      if (session) lines.push(`Session: ${session};timeout=60`);
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    };
    const handle = (request: RtspRequest) => {
      switch (request.method) {
        case 'OPTIONS':
          return respond(request, 200, { Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER, SET_PARAMETER' });
        case 'DESCRIBE': {
          if (!authorized(request, options.credentials)) return respond(request, 401, { 'WWW-Authenticate': options.credentials?.scheme === 'digest' ? `Digest realm="camera", nonce="${NONCE}"` : 'Basic realm="camera"' });
          if (!pathOf(request.uri).startsWith(PATH)) return respond(request, 404);
          const base = `rtsp://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}/`;
          return respond(request, 200, { 'Content-Base': base, 'Content-Type': 'application/sdp' }, sdp);
        }
        case 'SETUP': {
          // Only interleaved TCP: relaying UDP would mean tracking client ports for nothing.
          if (!/RTP\/AVP\/TCP/i.test(request.headers.get('transport') ?? '')) return respond(request, 461);
          session ??= randomBytes(8).toString('hex');
          return respond(request, 200, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
        }
        case 'PLAY':
          if (!session || sessionOf(request) !== session) return respond(request, 454);
          respond(request, 200, { Range: 'npt=0.000-' });
          if (!playing.has(socket)) sessions += 1;
          return void playing.add(socket);
        case 'GET_PARAMETER':
        case 'SET_PARAMETER':
          return respond(request, 200);
        case 'TEARDOWN':
          playing.delete(socket);
          respond(request, 200);
          session = undefined;
          return;
        default:
          return respond(request, 501);
      }
    };
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (pending.length > 0 && pending[0] === 0x24) {
          // The client's own interleaved frames (RTCP receiver reports): skip them.
          if (pending.length < 4 || pending.length < 4 + pending.readUInt16BE(2)) return;
          pending = pending.subarray(4 + pending.readUInt16BE(2));
          continue;
        }
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) {
          if (pending.length > 64 * 1024) socket.destroy();
          return;
        }
        const [requestLine = '', ...headerLines] = pending.subarray(0, end).toString('latin1').split('\r\n');
        const headers = new Map<string, string>();
        for (const line of headerLines) {
          const colon = line.indexOf(':');
          if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        const length = Number(headers.get('content-length') ?? 0) || 0;
        if (pending.length < end + 4 + length) return;
        pending = pending.subarray(end + 4 + length);
        const [method = '', uri = ''] = requestLine.split(' ');
        handle({ method: method.toUpperCase(), uri, headers });
      }
    });
  });

  const close = async () => {
    await ffmpeg?.stop();
    for (const socket of clients) socket.destroy();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
    await new Promise<void>((resolve) => {
      try {
        udp.close(() => resolve());
      } catch {
        resolve(); // never bound
      }
    });
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve());
    });
    if (options.fault !== 'silent') {
      const sdpFile = join(dir, 'stream.sdp');
      ffmpeg = spawnFfmpeg([
        '-re', '-f', 'lavfi', '-i', `testsrc2=s=${options.size ?? '320x240'}:r=${fps}`,
        '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
        '-g', String(gop), '-sc_threshold', '0',
        // global_header puts SPS/PPS in extradata (hence the SDP); dump_extra repeats them before keyframes.
        '-flags', '+global_header', '-bsf:v', 'dump_extra',
        // No RTCP: it would go to udpPort+1, which may belong to someone else.
        '-f', 'rtp', '-rtpflags', 'skip_rtcp', '-sdp_file', sdpFile,
        `rtp://127.0.0.1:${udp.address().port}`,
      ]);
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        const text = await readFile(sdpFile, 'utf8').catch(() => '');
        if (text.includes('m=video') && packets > 0) {
          sdp = describeSdp(text);
          break;
        }
        if (ffmpeg.exitCode() !== null) throw new Error(`ffmpeg exited before the RTP stream started: ${ffmpeg.stderrTail()}`);
        if (Date.now() > deadline) throw new Error(`RTP stream did not start within ${READY_TIMEOUT_MS / 1000} s; ffmpeg said: ${ffmpeg.stderrTail()}`);
        await sleep(100);
      }
    }
    server.listen(0, '127.0.0.1');
    await new Promise((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `rtsp://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`, sessions: () => sessions, close };
}

/** ffmpeg's SDP describes its UDP destination; a DESCRIBE answer needs no address but control URLs. */
function describeSdp(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('a=control:')) continue;
    if (line.startsWith('c=')) out.push('c=IN IP4 0.0.0.0');
    else if (line.startsWith('m=')) out.push('a=control:*', line.replace(/^m=(\w+) \d+/, 'm=$1 0'));
    else out.push(line);
  }
  out.push('a=control:trackID=0');
  return `${out.join('\r\n')}\r\n`;
}

const NONCE = 'b1f2e3d4c5';

function authorized(request: RtspRequest, credentials: RtspCameraOptions['credentials']): boolean {
  if (!credentials) return true;
  if (credentials.scheme === 'digest') {
    const header = request.headers.get('authorization') ?? '';
    const field = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(header)?.[1];
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const uri = field('uri');
    if (!header.startsWith('Digest ') || uri !== request.uri || field('username') !== credentials.username || field('nonce') !== NONCE) return false;
    return field('response') === md5(`${md5(`${credentials.username}:camera:${credentials.password}`)}:${NONCE}:${md5(`${request.method}:${uri}`)}`);
  }
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  return request.headers.get('authorization') === expected;
}

function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return '';
  }
}

function sessionOf(request: RtspRequest): string {
  return (request.headers.get('session') ?? '').split(';')[0]!.trim();
}
