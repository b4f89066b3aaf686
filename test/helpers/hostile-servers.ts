import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The address tests use as "where camtrove must never connect": loopback, so no test traffic leaves
 * the machine, but outside a policy restricted to 127.0.0.1/32 (CAMTROVE_CAMERA_NETWORKS).
 */
export const FORBIDDEN_HOST = '127.0.0.2';
/** The network policy those tests run under. */
export const LOOPBACK_ONLY = '127.0.0.1/32';

/** A listener that counts every connection made to it: the assertion is that none was. */
export interface Tripwire {
  /** http://127.0.0.2:PORT */
  url: string;
  port: number;
  /** Connections accepted so far (a request needs one first). */
  connections(): number;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.2 that answers every GET with `body` (a real video segment, so that code
 * which wrongly reached it would store something a test can see) and counts connections, RTSP
 * clients' included.
 */
export async function startTripwire(body: Buffer = Buffer.from('forbidden')): Promise<Tripwire> {
  let connections = 0;
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': body.length });
    res.end(body);
  });
  server.on('connection', () => (connections += 1));
  const port = await listenOn(server, FORBIDDEN_HOST);
  return { url: `http://${FORBIDDEN_HOST}:${port}`, port, connections: () => connections, close: () => closeHttp(server) };
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 answering the given paths (404 elsewhere), counting requests by path. */
export async function startRoutes(routes: Record<string, Route>): Promise<{ url: string; hits: Map<string, number>; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  const server = createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (route) return route(req, res);
    res.writeHead(404);
    res.end();
  });
  const port = await listenOn(server, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, hits, close: () => closeHttp(server) };
}

/** A playlist answer. */
export function playlist(text: string): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
    res.end(text);
  };
}

/** A redirect answer. */
export function redirect(location: string, status = 302): Route {
  return (_req, res) => {
    res.writeHead(status, { location });
    res.end();
  };
}

/** A bytes answer. */
export function bytes(body: Buffer, contentType: string): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    res.end(body);
  };
}

/** A VOD media playlist of the given segment URIs, 2 s each. */
export function vodPlaylist(uris: readonly string[]): string {
  return ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-PLAYLIST-TYPE:VOD', ...uris.flatMap((uri) => ['#EXTINF:2.0,', uri]), '#EXT-X-ENDLIST', ''].join('\n');
}

/** Two seconds of H.264 in MPEG-TS, a keyframe at the start: a segment any HLS reader decodes. */
export async function makeTsSegment(path: string): Promise<string> {
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=10', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '10', '-f', 'mpegts', path]);
  return path;
}

/**
 * An RTSP "camera" on 127.0.0.1 that answers OPTIONS and then every request with `status` and a
 * Location header, as a camera moved elsewhere does; counts its connections.
 */
export async function startRedirectingRtsp(location: string, status = 302): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const method = head.split(' ')[0];
        const cseq = /^cseq:\s*(\d+)/im.exec(head)?.[1] ?? '0';
        if (method === 'OPTIONS') socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n`);
        else socket.write(`RTSP/1.0 ${status} Moved\r\nCSeq: ${cseq}\r\nLocation: ${location}\r\nContent-Length: 0\r\n\r\n`);
      }
    });
  });
  const port = await listenOn(server, '127.0.0.1');
  return {
    url: `rtsp://127.0.0.1:${port}/stream`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function listenOn(server: HttpServer | TcpServer, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function closeHttp(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
