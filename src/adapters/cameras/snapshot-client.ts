import { randomBytes } from 'node:crypto';
import { Agent, interceptors, type Dispatcher } from 'undici';
import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { basicAuthorization, digestAuthorization, parseDigestChallenge, type DigestChallenge } from '../../domain/cameras/http-auth.js';
import { imageComplete, imageKind, looksLikeHtml, type ImageKind } from '../../domain/cameras/image-bytes.js';
import { formatByteSize } from '../../domain/byte-size.js';
import { formatDurationMs } from '../../domain/duration.js';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';

export interface SnapshotRequest {
  url: string;
  credentials: CameraCredentials | null;
  /** The whole exchange (connect, headers, body) must end within this. */
  deadlineMs: number;
  /** A larger body is refused as soon as it passes this. */
  maxBytes: number;
  signal?: AbortSignal;
}

export interface FetchedImage {
  bytes: Buffer;
  /** From the bytes themselves, not the camera's Content-Type. */
  contentType: ImageKind;
  latencyMs: number;
}

export interface SnapshotClientOptions {
  /** Redirects followed before giving up (a redirect loop ends here). */
  maxRedirects?: number;
  /** Keep-alive connections per host: cameras behind one host are fetched over a few warm sockets. */
  connectionsPerHost?: number;
}

/** Digest answers are reused across frames while the camera accepts the nonce: one round trip a frame, not two. */
interface DigestState {
  challenge: DigestChallenge;
  nc: number;
}

/**
 * Fetches still images from cameras over HTTP(S): one GET under a deadline for the whole exchange,
 * a size cap enforced while reading, a bounded number of redirects, keep-alive connections, basic
 * or digest auth. Whatever comes back must be a complete JPEG or PNG: an HTML login page, an empty
 * or cut-off body, or an error status is a CamtroveError saying which, never a frame.
 */
export class SnapshotClient {
  private readonly dispatcher: Dispatcher;
  private readonly agent: Agent;
  private readonly digests = new Map<string, DigestState>();
  private readonly maxRedirects: number;

  constructor(options: SnapshotClientOptions = {}) {
    this.agent = new Agent({ connections: options.connectionsPerHost ?? 4, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 });
    this.dispatcher = this.agent.compose(interceptors.redirect({ maxRedirections: options.maxRedirects ?? 3 }));
    this.maxRedirects = options.maxRedirects ?? 3;
  }

  async fetch(request: SnapshotRequest): Promise<FetchedImage> {
    const started = performance.now();
    const deadline = AbortSignal.timeout(request.deadlineMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
    const shown = redactUrl(request.url);
    try {
      let response = await this.get(request, signal, this.authorization(request));
      if (response.statusCode === 401 && request.credentials) {
        const challenge = parseDigestChallenge(response.headers['www-authenticate']);
        await response.body.dump();
        if (challenge) {
          const state = { challenge, nc: 0 };
          this.digests.set(digestKey(request), state);
          response = await this.get(request, signal, this.authorization(request));
        } else {
          response = await this.get(request, signal, basicAuthorization(request.credentials.username, request.credentials.password));
        }
      }
      const bytes = await this.readImage(response, request, shown);
      return { bytes, contentType: imageKind(bytes)!, latencyMs: performance.now() - started };
    } catch (error) {
      throw this.explain(error, request, shown, deadline.aborted && !request.signal?.aborted);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private get(request: SnapshotRequest, signal: AbortSignal, authorization: string | null): Promise<Dispatcher.ResponseData> {
    return this.dispatcher.request({
      origin: new URL(request.url).origin,
      path: pathOf(request.url),
      method: 'GET',
      signal,
      headers: { accept: 'image/jpeg, image/png;q=0.9, */*;q=0.1', 'user-agent': 'camtrove', ...(authorization ? { authorization } : {}) },
      headersTimeout: request.deadlineMs,
      bodyTimeout: request.deadlineMs,
    });
  }

  /** Basic credentials go with the first request; digest ones once the camera's challenge is known. */
  private authorization(request: SnapshotRequest): string | null {
    const credentials = request.credentials;
    if (!credentials) return null;
    const digest = this.digests.get(digestKey(request));
    if (digest) {
      digest.nc += 1;
      return digestAuthorization({ ...credentials, method: 'GET', uri: pathOf(request.url), challenge: digest.challenge, cnonce: randomBytes(8).toString('hex'), nc: digest.nc });
    }
    return credentials.scheme === 'basic' ? basicAuthorization(credentials.username, credentials.password) : null;
  }

  private async readImage(response: Dispatcher.ResponseData, request: SnapshotRequest, shown: string): Promise<Buffer> {
    const bad = (message: string) => new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${shown}: ${message}`);
    const { statusCode } = response;
    if (statusCode === 401 || statusCode === 403) {
      await response.body.dump();
      if (request.credentials) this.digests.delete(digestKey(request));
      throw new CamtroveError('CAMTROVE_ERR_CAMERA_AUTH', `${shown}: the camera refused ${request.credentials ? 'the credentials' : 'access without credentials'} (HTTP ${statusCode})`);
    }
    if (statusCode >= 300 && statusCode < 400) {
      await response.body.dump();
      throw bad(`redirected in a loop (or more than ${this.maxRedirects} times; HTTP ${statusCode})`);
    }
    if (statusCode < 200 || statusCode >= 300) {
      await response.body.dump();
      throw bad(`HTTP ${statusCode}`);
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > request.maxBytes) {
      response.body.destroy();
      throw bad(`the camera sent ${formatByteSize(declared)}, more than the ${formatByteSize(request.maxBytes)} a frame may be`);
    }
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of response.body) {
      length += (chunk as Buffer).length;
      if (length > request.maxBytes) {
        response.body.destroy();
        throw bad(`the camera sent more than the ${formatByteSize(request.maxBytes)} a frame may be`);
      }
      chunks.push(chunk as Buffer);
    }
    const bytes = Buffer.concat(chunks, length);
    if (length === 0) throw bad('the camera answered with an empty body');
    const kind = imageKind(bytes);
    if (!kind) {
      if (looksLikeHtml(bytes)) throw bad('the camera answered with an HTML page (a login or error page?), not an image');
      throw bad(`the camera answered with ${formatByteSize(length)} that are not a JPEG or PNG (Content-Type ${String(response.headers['content-type'] ?? 'none')})`);
    }
    if (!imageComplete(bytes, kind)) throw bad(`the ${kind === 'image/jpeg' ? 'JPEG' : 'PNG'} is cut short (${formatByteSize(length)} arrived)`);
    return bytes;
  }

  private explain(error: unknown, request: SnapshotRequest, shown: string, timedOut: boolean): Error {
    if (error instanceof CamtroveError) return error;
    if (request.signal?.aborted) return error instanceof Error ? error : new Error(String(error));
    if (timedOut) return new CamtroveError('CAMTROVE_ERR_CAMERA_TIMEOUT', `${shown}: no complete image within ${formatDurationMs(request.deadlineMs)}`);
    const message = error instanceof Error ? error.message : String(error);
    if (/redirect loop|max redirect/i.test(message)) return new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${shown}: redirected in a loop (or more than ${this.maxRedirects} times)`);
    const code = (error as { code?: string }).code ?? '';
    const cause = ((error as { cause?: { code?: string } }).cause?.code) ?? '';
    const reason = (c: string) => c === 'ECONNREFUSED' ? 'connection refused' : c === 'ENOTFOUND' || c === 'EAI_AGAIN' ? 'the host name does not resolve' : c === 'ECONNRESET' || c === 'UND_ERR_SOCKET' ? 'the connection was cut' : c === 'EHOSTUNREACH' || c === 'ENETUNREACH' ? 'the host is unreachable' : null;
    const known = reason(code) ?? reason(cause);
    if (known === 'the connection was cut') return new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${shown}: the connection was cut before the image was complete`);
    if (known) return new CamtroveError('CAMTROVE_ERR_CAMERA_UNREACHABLE', `${shown}: ${known}`);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new CamtroveError('CAMTROVE_ERR_CAMERA_TIMEOUT', `${shown}: no complete image within ${formatDurationMs(request.deadlineMs)}`);
    return new CamtroveError('CAMTROVE_ERR_CAMERA_UNREACHABLE', `${shown}: ${message}`);
  }
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

function digestKey(request: SnapshotRequest): string {
  return `${new URL(request.url).origin}\n${request.credentials?.username ?? ''}`;
}
