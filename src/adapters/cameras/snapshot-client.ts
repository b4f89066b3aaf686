import type { Dispatcher } from 'undici';
import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { imageComplete, imageKind, looksLikeHtml } from '../../domain/cameras/image-bytes.js';
import { formatByteSize } from '../../domain/byte-size.js';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';
import type { CameraHttp } from './camera-http.js';
import { startDeadline } from './deadline.js';
import type { CameraFrame } from './frame-source.js';

export interface SnapshotRequest {
  url: string;
  credentials: CameraCredentials | null;
  /** The whole exchange (connect, headers, body) must end within this. */
  deadlineMs: number;
  /** A larger body is refused as soon as it passes this. */
  maxBytes: number;
  signal?: AbortSignal;
}

/**
 * Fetches still images from cameras over HTTP(S): one GET under a deadline for the whole exchange,
 * a size cap enforced while reading. Whatever comes back must be a complete JPEG or PNG: an HTML
 * login page, an empty or cut-off body, or an error status is a CamtroveError saying which, never a
 * frame.
 */
export class SnapshotClient {
  constructor(private readonly http: CameraHttp) {}

  async fetch(request: SnapshotRequest): Promise<CameraFrame> {
    const started = performance.now();
    const deadline = startDeadline(request.deadlineMs, request.signal);
    const shown = redactUrl(request.url);
    try {
      const response = await this.http.get({ url: request.url, credentials: request.credentials, signal: deadline.signal, accept: 'image/jpeg, image/png;q=0.9, */*;q=0.1', headersTimeoutMs: request.deadlineMs, bodyTimeoutMs: request.deadlineMs });
      const bytes = await this.readImage(response, request, shown);
      return { bytes, contentType: imageKind(bytes)!, latencyMs: performance.now() - started };
    } catch (error) {
      if (request.signal?.aborted && !(error instanceof CamtroveError)) throw error;
      throw this.http.explain(error, shown, { timedOut: deadline.passed() && !request.signal?.aborted, ms: request.deadlineMs, what: 'complete image' });
    } finally {
      deadline.done();
    }
  }

  private async readImage(response: Dispatcher.ResponseData, request: SnapshotRequest, shown: string): Promise<Buffer> {
    const failed = await this.http.statusError(response, request, shown);
    if (failed) throw failed;
    const bad = (message: string) => new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${shown}: ${message}`);
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > request.maxBytes) {
      response.body.destroy();
      throw bad(`the camera sent ${formatByteSize(declared)}, more than the ${formatByteSize(request.maxBytes)} a frame may be`);
    }
    const bytes = await this.http.readBody(response, request.maxBytes, () => bad(`the camera sent more than the ${formatByteSize(request.maxBytes)} a frame may be`));
    const length = bytes.length;
    if (length === 0) throw bad('the camera answered with an empty body');
    const kind = imageKind(bytes);
    if (!kind) {
      if (looksLikeHtml(bytes)) throw bad('the camera answered with an HTML page (a login or error page?), not an image');
      throw bad(`the camera answered with ${formatByteSize(length)} that are not a JPEG or PNG (Content-Type ${String(response.headers['content-type'] ?? 'none')})`);
    }
    if (!imageComplete(bytes, kind)) throw bad(`the ${kind === 'image/jpeg' ? 'JPEG' : 'PNG'} is cut short (${formatByteSize(length)} arrived)`);
    return bytes;
  }
}
