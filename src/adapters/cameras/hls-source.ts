import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { segmentGrabArgs } from '../../domain/cameras/grab-commands.js';
import { bestVariant, parsePlaylist, vodPosition, type HlsPlaylist } from '../../domain/cameras/hls-playlist.js';
import { formatByteSize } from '../../domain/byte-size.js';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';
import type { CameraHttp } from './camera-http.js';
import { startDeadline } from './deadline.js';
import { grabJpegs } from './ffmpeg-grab.js';
import type { CameraFrame, FrameRequest, FrameSource } from './frame-source.js';
import { withCredentials, type VideoSourceDeps } from './rtsp-source.js';

/** A playlist is text of a few kilobytes; anything near this is not one. */
const MAX_PLAYLIST_BYTES = 1024 * 1024;
/**
 * How far before a segment's end its last picture is looked for: a playlist's durations are
 * rounded and the last frame starts up to a frame interval before the end, so a seek into the
 * final moments can find no picture at all.
 */
const TAIL_SECONDS = 0.5;

/**
 * An HLS camera. Live playlists: the newest segment's last picture (a segment already used gives
 * the same frame again, which change detection skips, without another decode). VOD playlists: the
 * picture as far into the recording as time has passed since archiving began, wrapping at its end,
 * so a recording is walked through rather than sampled at frame 0 every time. Playlists come over
 * the shared camera HTTP client; segments are decoded by ffmpeg, after the network policy checked
 * their address (a playlist may point anywhere).
 */
export class HlsSource implements FrameSource {
  private readonly openedAt = Date.now();
  private readonly shown: string;
  /** The media playlist of a master playlist's best variant, once found. */
  private mediaUrl: string | null = null;
  private lastLive: { sequence: number; frame: Buffer } | null = null;
  /** Segments handed to ffmpeg, over the source's life. */
  decodes = 0;

  constructor(
    private readonly deps: VideoSourceDeps & { http: CameraHttp },
    private readonly url: string,
    private readonly credentials: CameraCredentials | null,
  ) {
    this.shown = redactUrl(url);
  }

  async latest(request: FrameRequest): Promise<CameraFrame> {
    const started = performance.now();
    const remaining = () => Math.max(1, Math.round(request.deadlineMs - (performance.now() - started)));
    const playlist = await this.mediaPlaylist(request);
    const frame = async (segmentUrl: string, seek: number, take: 'first' | 'rest') => {
      await this.deps.policy.check(segmentUrl);
      this.decodes += 1;
      const input = new URL(segmentUrl).origin === new URL(this.url).origin ? withCredentials(segmentUrl, this.credentials) : segmentUrl;
      const frames = await grabJpegs(this.deps.ffmpeg(), segmentGrabArgs(input, { seek, take, timeoutMs: remaining() }), { deadlineMs: remaining(), maxBytes: request.maxBytes, signal: request.signal, shown: this.shown });
      return frames.at(-1)!;
    };
    let bytes: Buffer;
    if (playlist.ended) {
      const { segment, offset } = vodPosition(playlist.segments, (Date.now() - this.openedAt) / 1000);
      bytes = await frame(segment.url, Math.min(offset, Math.max(0, segment.duration - TAIL_SECONDS)), 'first');
    } else {
      const newest = playlist.segments.at(-1)!;
      if (this.lastLive?.sequence === newest.sequence) bytes = this.lastLive.frame;
      else {
        bytes = await frame(newest.url, Math.max(0, newest.duration - TAIL_SECONDS), 'rest');
        this.lastLive = { sequence: newest.sequence, frame: bytes };
      }
    }
    return { bytes, contentType: 'image/jpeg', latencyMs: performance.now() - started };
  }

  async close(): Promise<void> {}

  private async mediaPlaylist(request: FrameRequest): Promise<Extract<HlsPlaylist, { kind: 'media' }>> {
    let playlist = await this.fetchPlaylist(this.mediaUrl ?? this.url, request);
    if (playlist.kind === 'master') {
      this.mediaUrl = bestVariant(playlist.variants).url;
      playlist = await this.fetchPlaylist(this.mediaUrl, request);
      if (playlist.kind === 'master') throw new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: a master playlist points at another master playlist`);
    }
    return playlist;
  }

  private async fetchPlaylist(url: string, request: FrameRequest): Promise<HlsPlaylist> {
    const deadline = startDeadline(request.deadlineMs, request.signal);
    try {
      const response = await this.deps.http.get({ url, credentials: this.credentials, signal: deadline.signal, accept: 'application/vnd.apple.mpegurl, application/x-mpegurl, */*;q=0.1', headersTimeoutMs: request.deadlineMs, bodyTimeoutMs: request.deadlineMs });
      const failed = await this.deps.http.statusError(response, { credentials: this.credentials }, this.shown);
      if (failed) throw failed;
      const text = await this.deps.http.readBody(response, MAX_PLAYLIST_BYTES, () => new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: the playlist is larger than ${formatByteSize(MAX_PLAYLIST_BYTES)}; not a playlist?`));
      try {
        return parsePlaylist(text.toString('utf8'), url);
      } catch (error) {
        throw new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: ${error instanceof Error ? error.message : String(error)}`);
      }
    } catch (error) {
      if (request.signal?.aborted && !(error instanceof CamtroveError)) throw error;
      throw this.deps.http.explain(error, this.shown, { timedOut: deadline.passed() && !request.signal?.aborted, ms: request.deadlineMs, what: 'playlist' });
    } finally {
      deadline.done();
    }
  }
}
