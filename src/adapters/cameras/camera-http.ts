import { randomBytes } from 'node:crypto';
import { Agent, interceptors, type Dispatcher } from 'undici';
import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { basicAuthorization, digestAuthorization, parseDigestChallenge, type DigestChallenge } from '../../domain/cameras/http-auth.js';
import { formatDurationMs } from '../../domain/duration.js';
import { CamtroveError } from '../../domain/errors.js';
import { HTTP_SCHEMES } from '../../domain/cameras/network-url.js';
import { NetworkPolicy } from './network-policy.js';

export interface CameraHttpOptions {
  /** Redirects followed before giving up (a redirect loop ends here). */
  maxRedirects?: number;
  /** Keep-alive connections per host for single requests: cameras behind one host share a few warm sockets. */
  connectionsPerHost?: number;
  /** Which addresses may be reached; by default any but link-local and cloud metadata ones. */
  policy?: NetworkPolicy;
}

export interface CameraGet {
  url: string;
  credentials: CameraCredentials | null;
  signal: AbortSignal;
  accept: string;
  /** No response headers within this: a timeout. */
  headersTimeoutMs: number;
  /** No body bytes for this long: a timeout (a stream's stall limit). */
  bodyTimeoutMs: number;
  /** A long-lived stream (MJPEG): its own connection, outside the per-host pool of single requests. */
  stream?: boolean;
  /** Only these bytes of the resource (an HLS byte range), asked for with a Range header. */
  range?: { offset: number; length: number } | null;
}

/** Digest answers are reused across requests while the camera accepts the nonce: one round trip a frame, not two. */
interface DigestState {
  challenge: DigestChallenge;
  nc: number;
}

/**
 * HTTP to cameras, shared by the snapshot, MJPEG and HLS drivers: GET with basic or digest auth
 * (a digest challenge answered once, then reused), a bounded number of redirects, keep-alive pools,
 * every connection under the network policy, and transport errors explained in camtrove's words.
 */
export class CameraHttp {
  readonly maxRedirects: number;
  /** Also checked by drivers whose connections ffmpeg makes. */
  readonly policy: NetworkPolicy;
  private readonly pooled: Agent;
  private readonly streams: Agent;
  private readonly dispatchers: { pooled: Dispatcher; streams: Dispatcher };
  private readonly digests = new Map<string, DigestState>();

  constructor(options: CameraHttpOptions = {}) {
    const policy = (this.policy = options.policy ?? new NetworkPolicy());
    this.maxRedirects = options.maxRedirects ?? 3;
    this.pooled = new Agent({ connections: options.connectionsPerHost ?? 4, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connect: policy.connector() });
    this.streams = new Agent({ pipelining: 0, connect: policy.connector() });
    const redirect = interceptors.redirect({ maxRedirections: this.maxRedirects });
    this.dispatchers = { pooled: this.pooled.compose(redirect), streams: this.streams.compose(redirect) };
  }

  /** The response to a GET, credentials answered; the caller reads (or dumps) the body. */
  async get(request: CameraGet): Promise<Dispatcher.ResponseData> {
    // file:, data: and the like never reach the dispatcher (which would say something obscure).
    this.policy.checkUrl(request.url, HTTP_SCHEMES);
    let response = await this.send(request, this.authorization(request));
    if (response.statusCode === 401 && request.credentials) {
      const challenge = parseDigestChallenge(response.headers['www-authenticate']);
      await response.body.dump();
      if (challenge) {
        this.digests.set(digestKey(request), { challenge, nc: 0 });
        response = await this.send(request, this.authorization(request));
      } else {
        response = await this.send(request, basicAuthorization(request.credentials.username, request.credentials.password));
      }
    }
    if (response.statusCode === 401 && request.credentials) this.digests.delete(digestKey(request));
    return response;
  }

  /** The CamtroveError for a status that is not a success (the body is dumped), or null for 2xx. */
  async statusError(response: Dispatcher.ResponseData, request: Pick<CameraGet, 'credentials'>, shown: string): Promise<CamtroveError | null> {
    const { statusCode } = response;
    if (statusCode >= 200 && statusCode < 300) return null;
    await response.body.dump().catch(() => undefined);
    if (statusCode === 401 || statusCode === 403) return new CamtroveError('CAMTROVE_ERR_CAMERA_AUTH', `${shown}: the camera refused ${request.credentials ? 'the credentials' : 'access without credentials'} (HTTP ${statusCode})`);
    if (statusCode >= 300 && statusCode < 400) return new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${shown}: redirected in a loop (or more than ${this.maxRedirects} times; HTTP ${statusCode})`);
    return new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${shown}: HTTP ${statusCode}`);
  }

  /** A response's body, refused with `tooLarge()` as soon as it passes `maxBytes` (the rest is not read). */
  async readBody(response: Dispatcher.ResponseData, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of response.body) {
      length += (chunk as Buffer).length;
      if (length > maxBytes) {
        response.body.destroy();
        throw tooLarge();
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, length);
  }

  /** A transport error (refused, reset, timed out, refused by policy) as a CamtroveError naming the camera. */
  explain(error: unknown, shown: string, timeout: { timedOut: boolean; ms: number; what: string }): Error {
    // The policy's refusals (from the connector, deep in a redirect) do not know the camera: name it.
    if (error instanceof CamtroveError) return error.message.startsWith(shown) ? error : new CamtroveError(error.code, `${shown}: ${error.message}`);
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof CamtroveError) return new CamtroveError(cause.code, `${shown}: ${cause.message}`);
    const late = () => new CamtroveError('CAMTROVE_ERR_CAMERA_TIMEOUT', `${shown}: no ${timeout.what} within ${formatDurationMs(timeout.ms)}`);
    if (timeout.timedOut) return late();
    const message = error instanceof Error ? error.message : String(error);
    if (/redirect loop|max redirect/i.test(message)) return new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${shown}: redirected in a loop (or more than ${this.maxRedirects} times)`);
    const code = (error as { code?: string }).code ?? '';
    const causeCode = (cause as { code?: string } | undefined)?.code ?? '';
    const reason = (c: string) => c === 'ECONNREFUSED' ? 'connection refused' : c === 'ENOTFOUND' || c === 'EAI_AGAIN' ? 'the host name does not resolve' : c === 'ECONNRESET' || c === 'UND_ERR_SOCKET' ? 'the connection was cut' : c === 'EHOSTUNREACH' || c === 'ENETUNREACH' ? 'the host is unreachable' : null;
    const known = reason(code) ?? reason(causeCode);
    if (known === 'the connection was cut') return new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${shown}: the connection was cut before the ${timeout.what} was complete`);
    if (known) return new CamtroveError('CAMTROVE_ERR_CAMERA_UNREACHABLE', `${shown}: ${known}`);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return late();
    return new CamtroveError('CAMTROVE_ERR_CAMERA_UNREACHABLE', `${shown}: ${message}`);
  }

  async close(): Promise<void> {
    await Promise.all([this.pooled.close(), this.streams.destroy()]);
  }

  private send(request: CameraGet, authorization: string | null): Promise<Dispatcher.ResponseData> {
    const url = new URL(request.url);
    return (request.stream ? this.dispatchers.streams : this.dispatchers.pooled).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      signal: request.signal,
      headers: {
        accept: request.accept,
        'user-agent': 'camtrove',
        ...(authorization ? { authorization } : {}),
        ...(request.range ? { range: `bytes=${request.range.offset}-${request.range.offset + request.range.length - 1}` } : {}),
      },
      headersTimeout: request.headersTimeoutMs,
      bodyTimeout: request.bodyTimeoutMs,
    });
  }

  /** Basic credentials go with the first request; digest ones once the camera's challenge is known. */
  private authorization(request: CameraGet): string | null {
    const credentials = request.credentials;
    if (!credentials) return null;
    const digest = this.digests.get(digestKey(request));
    if (digest) {
      digest.nc += 1;
      const url = new URL(request.url);
      return digestAuthorization({ ...credentials, method: 'GET', uri: `${url.pathname}${url.search}`, challenge: digest.challenge, cnonce: randomBytes(8).toString('hex'), nc: digest.nc });
    }
    return credentials.scheme === 'basic' ? basicAuthorization(credentials.username, credentials.password) : null;
  }
}

function digestKey(request: CameraGet): string {
  return `${new URL(request.url).origin}\n${request.credentials?.username ?? ''}`;
}
