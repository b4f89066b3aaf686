import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import { MjpegParser } from '../../src/domain/cameras/mjpeg-parser.js';

const run = promisify(execFile);

/** Real JPEG frames (a moving test pattern) and one PNG, made by ffmpeg. */
export async function makeFrames(count: number, size = '640x480'): Promise<SimulatedFrames> {
  const jpegs = await makeJpegs(count, size);
  const [width, height] = size.split('x').map(Number) as [number, number];
  const small = (await makeJpegs(1, `${Math.round(width / 2)}x${Math.round(height / 2)}`))[0]!;
  const png = (await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${size}`, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })).stdout;
  return { jpegs, png, small };
}

/** What the simulated cameras serve: JPEGs of a moving picture, one PNG, and one JPEG at half the size. */
export interface SimulatedFrames {
  jpegs: Buffer[];
  png: Buffer;
  small: Buffer;
}

async function makeJpegs(count: number, size: string): Promise<Buffer[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${size}:r=5`, '-frames:v', String(count), '-q:v', '5', '-f', 'image2pipe', '-c:v', 'mjpeg', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  // ffmpeg's JPEGs one after another: the MJPEG parser reads them by their start and end markers.
  return new MjpegParser({ boundary: null, maxPartBytes: stdout.length }).push(stdout);
}

export interface CameraSimulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Requests served per path. */
  hits: Map<string, number>;
  /** MJPEG frames sent per request URL (path and query). */
  streamed: Map<string, number>;
  close(): Promise<void>;
}

export const SIMULATED_USER = 'viewer';
export const SIMULATED_PASSWORD = 'pa ss:wörd';

/**
 * Cameras served on 127.0.0.1, healthy and broken, for tests and benchmarks:
 * /still.jpg, /changing.jpg (the next frame each request), /still.png, /redirect (to /still.jpg);
 * faults /html (a login page with status 200), /empty, /error (500), /huge (50 MB, no length),
 * /huge-declared (50 MB Content-Length), /hang (never answers), /trickle (a byte every 100 ms),
 * /truncated (Content-Length, then the socket closes half way), /cut (half a JPEG, ended cleanly),
 * /loop (a redirect to itself), /chain/N (N redirects, then /still.jpg); /basic and /digest want SIMULATED_USER and SIMULATED_PASSWORD;
 * /unique.jpg (as /changing.jpg, every answer's bytes unique); /slow.jpg?ms=N (/still.jpg after N ms); /resizing.jpg (full size and half size in turn); /redirect-metadata (to a cloud metadata address).
 * MJPEG streams at ?fps=N (default 5): /mjpeg (parts with Content-Length), /mjpeg-nolength, /mjpeg-garbage (every
 * third part is not a JPEG), /mjpeg-ends (three frames, then the response ends), /mjpeg-basic (wants the credentials).
 */
export async function startCameraSimulator(frames: SimulatedFrames): Promise<CameraSimulator> {
  const hits = new Map<string, number>();
  const streamed = new Map<string, number>();
  const sockets = new Set<Socket>();
  const nonce = randomBytes(8).toString('hex');
  let next = 0;
  const image = (res: ServerResponse, bytes: Buffer, type = 'image/jpeg') => {
    res.writeHead(200, { 'content-type': type, 'content-length': bytes.length });
    res.end(bytes);
  };
  const mjpeg = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const fps = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('fps') ?? 5);
    res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=camtrovesim', 'cache-control': 'no-cache' });
    let sent = 0;
    const send = () => {
      if (res.destroyed) return clearInterval(timer);
      const garbage = path === '/mjpeg-garbage' && sent % 3 === 2;
      const body = garbage ? Buffer.from('<html>this part is not a JPEG</html>'.repeat(20)) : frames.jpegs[sent % frames.jpegs.length]!;
      const length = path === '/mjpeg-nolength' ? '' : `Content-Length: ${body.length}\r\n`;
      res.write(Buffer.concat([Buffer.from(`--camtrovesim\r\nContent-Type: image/jpeg\r\n${length}\r\n`), body, Buffer.from('\r\n')]));
      sent += 1;
      if (!garbage) streamed.set(req.url ?? path, (streamed.get(req.url ?? path) ?? 0) + 1);
      if (path === '/mjpeg-ends' && sent === 3) {
        clearInterval(timer);
        res.end();
      }
    };
    const timer = setInterval(send, 1000 / fps);
    send();
    res.once('close', () => clearInterval(timer));
  };
  let resized = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const still = frames.jpegs[0]!;
    switch (path) {
      case '/mjpeg':
      case '/mjpeg-nolength':
      case '/mjpeg-garbage':
      case '/mjpeg-ends':
        return mjpeg(req, res, path);
      case '/mjpeg-basic':
        if (req.headers.authorization === `Basic ${Buffer.from(`${SIMULATED_USER}:${SIMULATED_PASSWORD}`).toString('base64')}`) return mjpeg(req, res, path);
        res.writeHead(401, { 'www-authenticate': 'Basic realm="camera"' });
        return res.end();
      case '/unique.jpg': {
        // The moving picture with a JPEG comment that makes every answer's bytes unique, as a real camera's are.
        const label = Buffer.from(`frame ${next}`, 'latin1');
        const frame = frames.jpegs[next++ % frames.jpegs.length]!;
        return image(res, Buffer.concat([frame.subarray(0, 2), Buffer.from([0xff, 0xfe, 0, label.length + 2]), label, frame.subarray(2)]));
      }
      case '/resizing.jpg':
        return image(res, resized++ % 2 === 0 ? still : frames.small);
      case '/still.jpg':
        return image(res, still);
      case '/slow.jpg': {
        const timer = setTimeout(() => image(res, still), Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 100));
        return void res.once('close', () => clearTimeout(timer));
      }
      case '/changing.jpg':
        return image(res, frames.jpegs[next++ % frames.jpegs.length]!);
      case '/still.png':
        return image(res, frames.png, 'image/png');
      case '/redirect':
        res.writeHead(302, { location: '/still.jpg' });
        return res.end();
      case '/redirect-metadata':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        return res.end();
      case '/html':
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        return res.end('<!DOCTYPE html><html><head><title>Login</title></head><body><form>user</form></body></html>');
      case '/empty':
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 0 });
        return res.end();
      case '/error':
        res.writeHead(500, { 'content-type': 'text/plain' });
        return res.end('internal error');
      case '/huge':
      case '/huge-declared': {
        res.writeHead(200, { 'content-type': 'image/jpeg', ...(path === '/huge-declared' ? { 'content-length': 50 * 1024 * 1024 } : {}) });
        const chunk = Buffer.alloc(1024 * 1024, 0xaa);
        chunk[0] = 0xff;
        let sent = 0;
        const pump = () => {
          while (sent < 50 && !res.destroyed) {
            sent += 1;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case '/hang':
        return; // never answers
      case '/trickle': {
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': still.length });
        let at = 0;
        const timer = setInterval(() => {
          if (res.destroyed || at >= still.length) return clearInterval(timer);
          res.write(still.subarray(at, at + 1));
          at += 1;
        }, 100);
        return;
      }
      case '/truncated':
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': still.length });
        res.write(still.subarray(0, still.length >> 1));
        return setTimeout(() => res.socket?.destroy(), 20);
      case '/cut':
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        return res.end(still.subarray(0, still.length >> 1));
      case '/basic': {
        const expected = `Basic ${Buffer.from(`${SIMULATED_USER}:${SIMULATED_PASSWORD}`).toString('base64')}`;
        if (req.headers.authorization === expected) return image(res, still);
        res.writeHead(401, { 'www-authenticate': 'Basic realm="camera"' });
        return res.end();
      }
      case '/digest': {
        if (digestValid(req.headers.authorization, nonce)) return image(res, still);
        res.writeHead(401, { 'www-authenticate': `Digest realm="camera", qop="auth", nonce="${nonce}", opaque="xyz"` });
        return res.end();
      }
      default: {
        // /chain/N redirects N times before the image.
        const hops = /^\/chain\/(\d+)$/.exec(path);
        if (hops) {
          res.writeHead(302, { location: Number(hops[1]) > 0 ? `/chain/${Number(hops[1]) - 1}` : '/still.jpg' });
          return res.end();
        }
        res.writeHead(404);
        return res.end();
      }
    }
  };
  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    streamed,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Checks a Digest answer (MD5, qop=auth) the way a camera would, independently of the client's code. */
function digestValid(header: string | undefined, nonce: string): boolean {
  if (!header?.startsWith('Digest ')) return false;
  const field = (name: string) => new RegExp(`${name}="?([^",]*)"?`).exec(header)?.[1] ?? '';
  const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
  if (field('nonce') !== nonce || field('username') !== SIMULATED_USER) return false;
  const ha1 = md5(`${SIMULATED_USER}:camera:${SIMULATED_PASSWORD}`);
  const ha2 = md5(`GET:${field('uri')}`);
  return field('response') === md5(`${ha1}:${nonce}:${field('nc')}:${field('cnonce')}:auth:${ha2}`);
}
