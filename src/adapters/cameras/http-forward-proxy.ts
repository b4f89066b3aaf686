import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Agent, type Dispatcher } from 'undici';
import { urlHost } from '../../domain/cameras/network-url.js';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';
import type { NetworkPolicy } from './network-policy.js';

/** Headers of one connection, never forwarded (RFC 9110 §7.6.1), plus the proxy's own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
/** Credentials a client sends: only ever to the origin the user named. */
const CREDENTIALS = new Set(['authorization', 'cookie']);

/**
 * A forward proxy on 127.0.0.1 that ffmpeg's HTTP goes through (`-http_proxy`), so that camtrove,
 * not ffmpeg, decides where each request goes: ffmpeg follows redirects and HLS playlists on its
 * own, and every request and CONNECT (HTTPS) it makes here is checked against the network policy
 * and connected to the address that was checked (no second lookup to rebind). Credentials in a
 * request go only to `origin`, the one the user named. It lives as long as one command's input.
 */
export class HttpForwardProxy {
  private refused: CamtroveError | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly agent: Agent,
    readonly url: string,
  ) {}

  static async start(policy: NetworkPolicy, options: { origin: string; timeoutMs: number }): Promise<HttpForwardProxy> {
    const agent = new Agent({ connect: policy.connector({ timeout: options.timeoutMs }), headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const proxy = new HttpForwardProxy(server, agent, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('connection', (socket: Socket) => {
      proxy.sockets.add(socket);
      socket.once('close', () => proxy.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void proxy.forward(req, res, options.origin));
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => void proxy.tunnel(req, client, head, policy, options.timeoutMs));
    return proxy;
  }

  /** The first request the policy refused, to report instead of what ffmpeg made of the refusal. */
  failure(): CamtroveError | null {
    return this.refused;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.agent.destroy();
  }

  /** A plain HTTP request, in absolute form (`GET http://host/path`). */
  private async forward(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
      if (target.protocol !== 'http:' || urlHost(target) === '') throw new Error('not an http URL');
    } catch {
      return this.answer(res, 400, 'only http://host/path requests are forwarded');
    }
    const upstream = new AbortController();
    res.once('close', () => upstream.abort());
    const headers = forwardedHeaders(req.headers, target.origin === origin);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.agent.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
        signal: upstream.signal,
      });
    } catch (error) {
      return this.answer(res, this.refusal(error, target.toString()) ? 403 : 502, error instanceof Error ? error.message : String(error));
    }
    res.writeHead(response.statusCode, responseHeaders(response.headers));
    await pipeline(response.body, res).catch(() => response.body.destroy());
  }

  /** A CONNECT (HTTPS): a TCP tunnel to the checked address, TLS end to end between ffmpeg and the host. */
  private async tunnel(req: IncomingMessage, client: Socket, head: Buffer, policy: NetworkPolicy, timeoutMs: number): Promise<void> {
    client.on('error', () => client.destroy());
    const target = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(req.url ?? '');
    if (!target) return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const shown = `https://${target[1]}:${target[2]}`;
    let upstream: Socket;
    try {
      upstream = await policy.connect(target[1]!, Number(target[2]), { shown, timeoutMs });
    } catch (error) {
      const status = this.refusal(error, shown) ? '403 Forbidden' : '502 Bad Gateway';
      return void client.end(`HTTP/1.1 ${status}\r\n\r\n`);
    }
    this.sockets.add(upstream);
    upstream.once('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Whether a failed connection was the policy's refusal; the first is kept, naming what was asked for. */
  private refusal(error: unknown, asked: string): boolean {
    const found = error instanceof CamtroveError ? error : (error as { cause?: unknown })?.cause;
    if (!(found instanceof CamtroveError) || found.code !== 'CAMTROVE_ERR_CAMERA_FORBIDDEN') return false;
    const reason = found.message.startsWith(`${asked}: `) ? found.message.slice(asked.length + 2) : found.message;
    this.refused ??= new CamtroveError(found.code, `${redactUrl(asked)}: ${reason}`);
    return true;
  }

  private answer(res: ServerResponse, status: number, message: string): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
    res.end(message);
  }
}

function forwardedHeaders(headers: IncomingHttpHeaders, sameOrigin: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || (!sameOrigin && CREDENTIALS.has(name))) continue;
    out[name] = value;
  }
  return out;
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}
