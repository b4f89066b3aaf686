import type { Readable } from 'node:stream';
import { CameraHttp } from '../cameras/camera-http.js';
import type { NetworkPolicy } from '../cameras/network-policy.js';
import { redactUrl } from '../../domain/redact.js';

export interface Download {
  body: Readable;
  /** The media type the server gave (without parameters), or null. */
  contentType: string | null;
  /** The last segment of the URL's path, for the file's name. */
  name: string;
}

/** How long a URL may take to answer, and to go quiet while sending. */
const HEADERS_TIMEOUT_MS = 15_000;
const STALL_TIMEOUT_MS = 30_000;

/**
 * Fetches asset contents from URLs under the same network policy as cameras (link-local and cloud
 * metadata addresses refused, CAMTROVE_CAMERA_NETWORKS honoured, after every redirect), streaming:
 * the caller stores the body as it arrives, with its own size limit.
 */
export class UrlDownloader {
  private readonly http: CameraHttp;

  constructor(policy: NetworkPolicy) {
    this.http = new CameraHttp({ policy, maxRedirects: 5 });
  }

  async open(url: string, signal: AbortSignal): Promise<Download> {
    const shown = redactUrl(url);
    const request = { url, credentials: null, signal, accept: '*/*', headersTimeoutMs: HEADERS_TIMEOUT_MS, bodyTimeoutMs: STALL_TIMEOUT_MS, stream: true };
    let timedOut = false;
    const timer = setTimeout(() => (timedOut = true), HEADERS_TIMEOUT_MS);
    try {
      const response = await this.http.get(request);
      const failed = await this.http.statusError(response, request, shown);
      if (failed) throw failed;
      const type = response.headers['content-type'];
      const contentType = typeof type === 'string' ? (type.split(';')[0]?.trim().toLowerCase() ?? null) : null;
      return { body: response.body, contentType, name: decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') };
    } catch (error) {
      throw this.http.explain(error, shown, { timedOut, ms: HEADERS_TIMEOUT_MS, what: 'answer' });
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
