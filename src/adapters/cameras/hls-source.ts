import { Readable } from 'node:stream';
import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { segmentGrabArgs } from '../../domain/cameras/grab-commands.js';
import { bestVariant, parsePlaylist, playlistUris, vodPosition, type HlsPlaylist, type HlsSegment } from '../../domain/cameras/hls-playlist.js';
import { HTTP_SCHEMES, networkUrlProblem } from '../../domain/cameras/network-url.js';
import { formatByteSize } from '../../domain/byte-size.js';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';
import type { CameraHttp } from './camera-http.js';
import { startDeadline, type Deadline } from './deadline.js';
import { grabJpegs } from './ffmpeg-grab.js';
import type { CameraFrame, FrameRequest, FrameSource } from './frame-source.js';

/** A playlist is text of a few kilobytes; anything near this is not one. */
const MAX_PLAYLIST_BYTES = 1024 * 1024;
/**
 * A segment is a few seconds of video: even 4K at 25 Mbit/s for 10 s is 31 MB. Past this it is
 * not a camera's segment, and the download stops.
 */
const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;
/** An init segment (#EXT-X-MAP) holds codec headers: kilobytes. */
const MAX_INIT_BYTES = 1024 * 1024;
/**
 * How far before a segment's end its last picture is looked for: a playlist's durations are
 * rounded and the last frame starts up to a frame interval before the end, so a seek into the
 * final moments can find no picture at all.
 */
const TAIL_SECONDS = 0.5;
const PLAYLIST_TYPES = 'application/vnd.apple.mpegurl, application/x-mpegurl, */*;q=0.1';

export interface HlsSourceDeps {
  http: CameraHttp;
  /** The ffmpeg binary, located when first needed. */
  ffmpeg: () => string;
}

/**
 * An HLS camera. Live playlists: the newest segment's last picture (a segment already used gives
 * the same frame again, which change detection skips, without another decode). VOD playlists: the
 * picture as far into the recording as time has passed since archiving began, wrapping at its end,
 * so a recording is walked through rather than sampled at frame 0 every time.
 *
 * camtrove fetches playlists and segments itself, through the camera HTTP client (credentials, the
 * network policy on every connection and redirect, size limits, the deadline), and ffmpeg decodes
 * the segment from its stdin with nothing else it may open. A playlist that names anything but
 * http: and https: URIs (a local file, an ffmpeg protocol) is refused whole; the camera's
 * credentials go only to its own origin.
 */
export class HlsSource implements FrameSource {
  private readonly openedAt = Date.now();
  private readonly shown: string;
  private readonly origin: string;
  /** The media playlist of a master playlist's best variant, once found. */
  private mediaUrl: string | null = null;
  private lastLive: { sequence: number; frame: Buffer } | null = null;
  /** Segments handed to ffmpeg, over the source's life. */
  decodes = 0;

  constructor(
    private readonly deps: HlsSourceDeps,
    private readonly url: string,
    private readonly credentials: CameraCredentials | null,
  ) {
    this.shown = redactUrl(url);
    this.origin = new URL(url).origin;
  }

  async latest(request: FrameRequest): Promise<CameraFrame> {
    const started = performance.now();
    const remaining = () => Math.max(1, Math.round(request.deadlineMs - (performance.now() - started)));
    const playlist = await this.mediaPlaylist(request);
    let bytes: Buffer;
    if (playlist.ended) {
      const { segment, offset } = vodPosition(playlist.segments, (Date.now() - this.openedAt) / 1000);
      bytes = await this.decode(segment, Math.min(offset, Math.max(0, segment.duration - TAIL_SECONDS)), 'first', request, remaining());
    } else {
      const newest = playlist.segments.at(-1)!;
      if (this.lastLive?.sequence === newest.sequence) bytes = this.lastLive.frame;
      else {
        bytes = await this.decode(newest, Math.max(0, newest.duration - TAIL_SECONDS), 'rest', request, remaining());
        this.lastLive = { sequence: newest.sequence, frame: bytes };
      }
    }
    return { bytes, contentType: 'image/jpeg', latencyMs: performance.now() - started };
  }

  async close(): Promise<void> {}

  /** The picture `seek` seconds into a segment (the first there, or the last from there on). */
  private async decode(segment: HlsSegment, seek: number, take: 'first' | 'rest', request: FrameRequest, deadlineMs: number): Promise<Buffer> {
    if (segment.key) throw this.bad(`the playlist is encrypted (#EXT-X-KEY METHOD=${segment.key.method}); camtrove does not archive encrypted HLS`);
    if (segment.byteRange) throw this.bad('the playlist cuts its segments out of larger files (#EXT-X-BYTERANGE), which camtrove does not archive');
    this.decodes += 1;
    const started = performance.now();
    const deadline = startDeadline(deadlineMs, request.signal);
    try {
      const init = segment.init ? await this.readAll(segment.init, MAX_INIT_BYTES, 'init segment', deadline, deadlineMs) : null;
      const response = await this.get(segment.url, deadline, deadlineMs, 'video/mp2t, video/mp4, */*;q=0.1');
      const tooLarge = () => this.bad(`a segment is larger than ${formatByteSize(MAX_SEGMENT_BYTES)}; not a camera's segment?`);
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > MAX_SEGMENT_BYTES) {
        response.body.destroy();
        throw tooLarge();
      }
      const stdin = Readable.from(boundedBody(init, response.body, MAX_SEGMENT_BYTES, tooLarge), { objectMode: false });
      const left = Math.max(1, Math.round(deadlineMs - (performance.now() - started)));
      const frames = await grabJpegs(this.deps.ffmpeg(), segmentGrabArgs({ seek, take }), { deadlineMs: left, maxBytes: request.maxBytes, signal: deadline.signal, shown: this.shown, stdin });
      return frames.at(-1)!;
    } catch (error) {
      if (request.signal?.aborted && !(error instanceof CamtroveError)) throw error;
      throw this.deps.http.explain(error, this.shown, { timedOut: deadline.passed() && !request.signal?.aborted, ms: deadlineMs, what: 'segment' });
    } finally {
      deadline.done();
    }
  }

  private async mediaPlaylist(request: FrameRequest): Promise<Extract<HlsPlaylist, { kind: 'media' }>> {
    let playlist = await this.fetchPlaylist(this.mediaUrl ?? this.url, request);
    if (playlist.kind === 'master') {
      this.mediaUrl = bestVariant(playlist.variants).url;
      playlist = await this.fetchPlaylist(this.mediaUrl, request);
      if (playlist.kind === 'master') throw this.bad('a master playlist points at another master playlist');
    }
    return playlist;
  }

  private async fetchPlaylist(url: string, request: FrameRequest): Promise<HlsPlaylist> {
    const deadline = startDeadline(request.deadlineMs, request.signal);
    let playlist: HlsPlaylist;
    try {
      const text = await this.readAll(url, MAX_PLAYLIST_BYTES, 'playlist', deadline, request.deadlineMs);
      try {
        playlist = parsePlaylist(text.toString('utf8'), url);
      } catch (error) {
        throw this.bad(error instanceof Error ? error.message : String(error));
      }
    } catch (error) {
      if (request.signal?.aborted && !(error instanceof CamtroveError)) throw error;
      throw this.deps.http.explain(error, this.shown, { timedOut: deadline.passed() && !request.signal?.aborted, ms: request.deadlineMs, what: 'playlist' });
    } finally {
      deadline.done();
    }
    // Checked whole, before anything in it is fetched: a playlist naming a local file is hostile.
    for (const uri of playlistUris(playlist)) {
      const problem = networkUrlProblem(uri, HTTP_SCHEMES);
      if (problem) throw this.bad(`the playlist lists ${redactUrl(uri)}, which ${problem}; nothing it lists was fetched`);
    }
    return playlist;
  }

  /** A GET of a playlist's URI, with the camera's credentials on its own origin only; an error status fails. */
  private async get(url: string, deadline: Deadline, deadlineMs: number, accept: string) {
    const credentials = new URL(url).origin === this.origin ? this.credentials : null;
    const response = await this.deps.http.get({ url, credentials, signal: deadline.signal, accept, headersTimeoutMs: deadlineMs, bodyTimeoutMs: deadlineMs });
    const failed = await this.deps.http.statusError(response, { credentials }, url === this.url ? this.shown : `${this.shown}: ${redactUrl(url)}`);
    if (failed) throw failed;
    return response;
  }

  private async readAll(url: string, maxBytes: number, what: string, deadline: Deadline, deadlineMs: number): Promise<Buffer> {
    const response = await this.get(url, deadline, deadlineMs, what === 'playlist' ? PLAYLIST_TYPES : '*/*');
    return this.deps.http.readBody(response, maxBytes, () => this.bad(`the ${what} is larger than ${formatByteSize(maxBytes)}; not ${what === 'playlist' ? 'a playlist' : `an ${what}`}?`));
  }

  private bad(message: string): CamtroveError {
    return new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: ${message}`);
  }
}

/** The init segment's bytes, then the segment's as they arrive, failing with `tooLarge()` past `maxBytes`. */
async function* boundedBody(init: Buffer | null, body: AsyncIterable<Buffer>, maxBytes: number, tooLarge: () => Error): AsyncGenerator<Buffer> {
  if (init) yield init;
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > maxBytes) throw tooLarge();
    yield chunk;
  }
}
