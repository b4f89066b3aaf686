import { setTimeout as sleep } from 'node:timers/promises';
import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { looksLikeHtml } from '../../domain/cameras/image-bytes.js';
import { MjpegParser, multipartBoundary } from '../../domain/cameras/mjpeg-parser.js';
import { formatDurationMs } from '../../domain/duration.js';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';
import type { CameraHttp } from './camera-http.js';
import { nowMicros, type CameraFrame, type FrameRequest, type FrameSource } from './frame-source.js';

export interface MjpegSourceOptions {
  /** A part larger than this is dropped. */
  maxPartBytes: number;
  /** A stream that sends nothing for this long is dropped and reconnected. */
  stallMs: number;
  /** Wait before reconnecting: doubles from `minMs` to `maxMs` while connecting keeps failing, with jitter. */
  reconnect: { minMs: number; maxMs: number };
}

export const defaultMjpegOptions: MjpegSourceOptions = { maxPartBytes: 32 * 1024 * 1024, stallMs: 15_000, reconnect: { minMs: 500, maxMs: 30_000 } };

/**
 * An MJPEG camera: one long-lived connection, read continuously so the newest frame is always at
 * hand; latest() hands it over without reconnecting, or waits for the next one when the frame it
 * has was handed over already. When the stream ends, stalls or cannot be opened, it reconnects
 * with backoff and remembers why, so a caller that gets no frame learns the reason.
 */
export class MjpegSource implements FrameSource {
  /** The newest frame, a view into the parser's buffer until it is handed over. */
  private newest: { bytes: Buffer; at: number; seq: number } | null = null;
  private handedOver = 0;
  private seq = 0;
  private lastError: Error | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly stopped = new AbortController();
  private running: Promise<void> | null = null;
  private readonly shown: string;
  /** Parts that were not complete JPEGs, over the source's life. */
  dropped = 0;
  connections = 0;

  constructor(
    private readonly http: CameraHttp,
    private readonly url: string,
    private readonly credentials: CameraCredentials | null,
    private readonly options: MjpegSourceOptions = defaultMjpegOptions,
  ) {
    this.shown = redactUrl(url);
  }

  async latest(request: FrameRequest): Promise<CameraFrame> {
    this.running ??= this.readForever();
    const asked = performance.now();
    if (!this.fresh()) await this.nextFrame(request);
    const frame = this.newest!;
    this.handedOver = frame.seq;
    // The parser hands out views of its buffer; the frame that leaves gets bytes of its own.
    frame.bytes = Buffer.from(frame.bytes);
    if (frame.bytes.length > request.maxBytes) throw new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: a frame of ${frame.bytes.length} bytes is larger than a frame may be`);
    return { bytes: frame.bytes, contentType: 'image/jpeg', latencyMs: performance.now() - asked, receivedAtMicros: frame.at };
  }

  async close(): Promise<void> {
    this.stopped.abort();
    await this.running;
  }

  private fresh(): boolean {
    return this.newest !== null && this.newest.seq > this.handedOver;
  }

  private nextFrame(request: FrameRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', aborted);
        this.waiters.delete(arrived);
        if (error) reject(error);
        else resolve();
      };
      const arrived = () => finish();
      const aborted = () => finish(request.signal!.reason instanceof Error ? request.signal!.reason : new Error('aborted'));
      const timer = setTimeout(() => {
        const why = this.lastError ? `; ${this.lastError.message.replace(`${this.shown}: `, '')}` : '';
        finish(this.lastError instanceof CamtroveError && this.lastError.code !== 'CAMTROVE_ERR_CAMERA_TIMEOUT'
          ? new CamtroveError(this.lastError.code, `${this.shown}: no new frame within ${formatDurationMs(request.deadlineMs)}${why}`)
          : new CamtroveError('CAMTROVE_ERR_CAMERA_TIMEOUT', `${this.shown}: no new frame within ${formatDurationMs(request.deadlineMs)}${why}`));
      }, request.deadlineMs);
      this.waiters.add(arrived);
      request.signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  /** Connects, reads, and reconnects with backoff until closed. */
  private async readForever(): Promise<void> {
    const { minMs, maxMs } = this.options.reconnect;
    let failures = 0;
    while (!this.stopped.signal.aborted) {
      const gotFrames = await this.readOnce().catch((error: unknown) => {
        if (!this.stopped.signal.aborted) this.lastError = error instanceof Error ? error : new Error(String(error));
        return false;
      });
      if (this.stopped.signal.aborted) return;
      failures = gotFrames ? 0 : failures + 1;
      const wait = Math.min(maxMs, minMs * 2 ** Math.max(0, failures - 1)) * (0.75 + Math.random() / 2);
      await sleep(wait, undefined, { signal: this.stopped.signal }).catch(() => undefined);
    }
  }

  /** One connection's life; true when it delivered at least one frame. */
  private async readOnce(): Promise<boolean> {
    this.connections += 1;
    const signal = this.stopped.signal;
    const { stallMs, maxPartBytes } = this.options;
    let response;
    try {
      response = await this.http.get({ url: this.url, credentials: this.credentials, signal, accept: 'multipart/x-mixed-replace, image/jpeg;q=0.9, */*;q=0.1', headersTimeoutMs: stallMs, bodyTimeoutMs: stallMs, stream: true });
    } catch (error) {
      throw this.http.explain(error, this.shown, { timedOut: false, ms: stallMs, what: 'answer' });
    }
    const failed = await this.http.statusError(response, { credentials: this.credentials }, this.shown);
    if (failed) throw failed;
    const contentType = String(response.headers['content-type'] ?? '');
    if (/text\/html/i.test(contentType)) {
      await response.body.dump().catch(() => undefined);
      throw new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: the camera answered with an HTML page (a login or error page?), not an MJPEG stream`);
    }
    const parser = new MjpegParser({ boundary: multipartBoundary(contentType), maxPartBytes });
    let frames = 0;
    let head: Buffer | null = null;
    try {
      for await (const chunk of response.body) {
        head ??= (chunk as Buffer).subarray(0, 512);
        const parts = parser.push(chunk as Buffer);
        if (parts.length > 0) {
          frames += parts.length;
          this.newest = { bytes: parts.at(-1)!, at: nowMicros(), seq: (this.seq += 1) };
          this.lastError = null;
          for (const wake of [...this.waiters]) wake();
        }
        this.dropped += parser.dropped;
        parser.dropped = 0;
      }
    } catch (error) {
      if (signal.aborted) return frames > 0;
      throw this.http.explain(error, this.shown, { timedOut: false, ms: stallMs, what: 'frame' });
    }
    const why = frames > 0 ? 'the stream ended (reconnecting)' : head && looksLikeHtml(head) ? 'the camera answered with an HTML page (a login or error page?), not an MJPEG stream' : 'the stream ended before its first frame';
    this.lastError = new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: ${why}`);
    return frames > 0;
  }
}
