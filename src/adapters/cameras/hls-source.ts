import { createDecipheriv } from 'node:crypto';
import { Readable } from 'node:stream';
import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { segmentGrabArgs } from '../../domain/cameras/grab-commands.js';
import { DEFAULT_VARIANT, encryptionProblem, parsePlaylist, pickVariant, playlistUris, segmentIv, vodPosition, type HlsPlaylist, type HlsResource, type HlsSegment, type HlsVariantChoice } from '../../domain/cameras/hls-playlist.js';
import { HTTP_SCHEMES, networkUrlProblem } from '../../domain/cameras/network-url.js';
import { formatByteSize } from '../../domain/byte-size.js';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';
import type { CameraHttp } from './camera-http.js';
import { systemClock, type Clock } from '../clock.js';
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
/** An AES-128 key is 16 bytes. */
const KEY_BYTES = 16;
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
  /** Where a VOD playlist is walked to; the system clock by default. */
  clock?: Pick<Clock, 'now'>;
}

/**
 * An HLS camera. Live playlists: the newest segment's last picture (a segment already used gives
 * the same frame again, which change detection skips, without another decode). VOD playlists: the
 * picture as far into the recording as time has passed since archiving began, wrapping at its end,
 * so a recording is walked through rather than sampled at frame 0 every time. A master playlist's
 * variant is chosen by `variant` (default: the height closest to 720).
 *
 * camtrove fetches playlists, segments, init segments and keys itself, through the camera HTTP
 * client (credentials, the network policy on every connection and redirect, size limits, the
 * deadline; byte ranges with a Range header), decrypts AES-128 segments itself, and ffmpeg decodes
 * the segment from its stdin with nothing else it may open. Every segment is its own ffmpeg run, so
 * a discontinuity (new encoder settings, timestamps or init segment) needs nothing special. A
 * playlist that names anything but http: and https: URIs (a local file, an ffmpeg protocol) is
 * refused whole; the camera's credentials go only to its own origin.
 */
export class HlsSource implements FrameSource {
  private readonly clock: Pick<Clock, 'now'>;
  private readonly openedAt: number;
  private readonly shown: string;
  private readonly origin: string;
  /** The media playlist of a master playlist's chosen variant, once found. */
  private mediaUrl: string | null = null;
  private lastLive: { sequence: number; frame: Buffer } | null = null;
  /** The newest init segment, by URL and range: a live stream repeats the same one. */
  private lastInit: { id: string; bytes: Buffer } | null = null;
  /** AES-128 keys by URI: a stream rotates its key rarely, if ever. */
  private readonly keys = new Map<string, Buffer>();
  /** Segments handed to ffmpeg, over the source's life. */
  decodes = 0;

  constructor(
    private readonly deps: HlsSourceDeps,
    private readonly url: string,
    private readonly credentials: CameraCredentials | null,
    private readonly variant: HlsVariantChoice = DEFAULT_VARIANT,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.openedAt = this.clock.now();
    this.shown = redactUrl(url);
    this.origin = new URL(url).origin;
  }

  async latest(request: FrameRequest): Promise<CameraFrame> {
    const started = performance.now();
    const remaining = () => Math.max(1, Math.round(request.deadlineMs - (performance.now() - started)));
    const playlist = await this.mediaPlaylist(request);
    let bytes: Buffer;
    if (playlist.ended) {
      const { segment, offset } = vodPosition(playlist.segments, (this.clock.now() - this.openedAt) / 1000);
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
    const problem = segment.key && encryptionProblem(segment.key);
    if (problem) throw this.bad(`${problem}; nothing was decoded`);
    this.decodes += 1;
    const started = performance.now();
    const deadline = startDeadline(deadlineMs, request.signal);
    try {
      const key = segment.key ? await this.key(segment.key.url!, deadline, deadlineMs) : null;
      const init = segment.init ? await this.initSegment(segment.init, deadline, deadlineMs) : null;
      const tooLarge = () => this.bad(`a segment is larger than ${formatByteSize(MAX_SEGMENT_BYTES)}; not a camera's segment?`);
      const body = await this.fetch(segment, MAX_SEGMENT_BYTES, tooLarge, deadline, deadlineMs, 'video/mp2t, video/mp4, */*;q=0.1');
      const media = key ? decrypted(body, key, segmentIv(segment), () => this.bad(`a segment did not decrypt with the key ${redactUrl(segment.key!.url!)} (a wrong key or IV?)`)) : body;
      const stdin = Readable.from(prepended(init, media), { objectMode: false });
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

  /** An AES-128 key, fetched once per URI; a key that cannot be fetched is named as the problem. */
  private async key(url: string, deadline: Deadline, deadlineMs: number): Promise<Buffer> {
    const cached = this.keys.get(url);
    if (cached) return cached;
    const shownKey = redactUrl(url);
    let bytes: Buffer;
    try {
      bytes = await this.readAll({ url, byteRange: null }, KEY_BYTES * 64, 'key', deadline, deadlineMs);
    } catch (error) {
      // The caller gave up: that is not the key's fault.
      if (deadline.signal.aborted && !deadline.passed() && !(error instanceof CamtroveError)) throw error;
      const explained = this.deps.http.explain(error, this.shown, { timedOut: deadline.passed(), ms: deadlineMs, what: 'key' });
      const reason = [`${this.shown}: `, `${shownKey}: `].reduce((text, prefix) => (text.startsWith(prefix) ? text.slice(prefix.length) : text), explained.message);
      throw new CamtroveError(explained instanceof CamtroveError ? explained.code : 'CAMTROVE_ERR_CAMERA_UNREACHABLE', `${this.shown}: the stream is encrypted (AES-128) and its key ${shownKey} could not be fetched: ${reason}`);
    }
    if (bytes.length !== KEY_BYTES) throw this.bad(`the key ${shownKey} is ${bytes.length} bytes, not the ${KEY_BYTES} of an AES-128 key`);
    this.keys.set(url, bytes);
    return bytes;
  }

  private async initSegment(init: HlsResource, deadline: Deadline, deadlineMs: number): Promise<Buffer> {
    const id = `${init.url} ${init.byteRange ? `${init.byteRange.offset}+${init.byteRange.length}` : ''}`;
    if (this.lastInit?.id !== id) this.lastInit = { id, bytes: await this.readAll(init, MAX_INIT_BYTES, 'init segment', deadline, deadlineMs) };
    return this.lastInit.bytes;
  }

  private async mediaPlaylist(request: FrameRequest): Promise<Extract<HlsPlaylist, { kind: 'media' }>> {
    let playlist = await this.fetchPlaylist(this.mediaUrl ?? this.url, request);
    if (playlist.kind === 'master') {
      this.mediaUrl = pickVariant(playlist.variants, this.variant).url;
      playlist = await this.fetchPlaylist(this.mediaUrl, request);
      if (playlist.kind === 'master') throw this.bad('a master playlist points at another master playlist');
    }
    return playlist;
  }

  private async fetchPlaylist(url: string, request: FrameRequest): Promise<HlsPlaylist> {
    const deadline = startDeadline(request.deadlineMs, request.signal);
    let playlist: HlsPlaylist;
    try {
      const text = await this.readAll({ url, byteRange: null }, MAX_PLAYLIST_BYTES, 'playlist', deadline, request.deadlineMs);
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

  /**
   * The bytes of a resource as they arrive, failing with `tooLarge()` past `maxBytes`. A byte range
   * is asked for with a Range header; a server that ignores it and sends the whole resource (200)
   * is read up to the range's end, and refused when that is past `maxBytes`.
   */
  private async fetch(resource: HlsResource, maxBytes: number, tooLarge: () => Error, deadline: Deadline, deadlineMs: number, accept: string): Promise<AsyncIterable<Buffer>> {
    const { url, byteRange } = resource;
    if (byteRange && byteRange.length > maxBytes) throw tooLarge();
    const credentials = new URL(url).origin === this.origin ? this.credentials : null;
    const response = await this.deps.http.get({ url, credentials, signal: deadline.signal, accept, headersTimeoutMs: deadlineMs, bodyTimeoutMs: deadlineMs, range: byteRange });
    const failed = await this.deps.http.statusError(response, { credentials }, url === this.url ? this.shown : `${this.shown}: ${redactUrl(url)}`);
    if (failed) throw failed;
    const declared = Number(response.headers['content-length']);
    const whole = !byteRange || response.statusCode !== 206;
    if (byteRange && !whole && !String(response.headers['content-range'] ?? '').startsWith(`bytes ${byteRange.offset}-`)) {
      response.body.destroy();
      throw this.bad(`${redactUrl(url)} answered a Range request for bytes from ${byteRange.offset} with ${JSON.stringify(response.headers['content-range'] ?? 'no Content-Range')}`);
    }
    const skip = byteRange && whole ? byteRange.offset : 0;
    if (skip + (byteRange?.length ?? 0) > maxBytes || (!byteRange && Number.isFinite(declared) && declared > maxBytes)) {
      response.body.destroy();
      if (skip > 0) throw this.bad(`${redactUrl(url)} ignores the Range header, and the byte range the playlist names ends past ${formatByteSize(maxBytes)} into it`);
      throw tooLarge();
    }
    return bytesOf(response.body as AsyncIterable<Buffer>, skip, byteRange?.length ?? Infinity, maxBytes, tooLarge, () => response.body.destroy());
  }

  private async readAll(resource: HlsResource, maxBytes: number, what: string, deadline: Deadline, deadlineMs: number): Promise<Buffer> {
    const tooLarge = () => this.bad(`the ${what} is larger than ${formatByteSize(maxBytes)}; not ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}?`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.fetch(resource, maxBytes, tooLarge, deadline, deadlineMs, what === 'playlist' ? PLAYLIST_TYPES : '*/*')) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  private bad(message: string): CamtroveError {
    return new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: ${message}`);
  }
}

/**
 * `take` bytes of a body after skipping `skip`, stopping (and calling `stop`) once they are read;
 * failing with `tooLarge()` past `maxBytes` of what is kept.
 */
async function* bytesOf(body: AsyncIterable<Buffer>, skip: number, take: number, maxBytes: number, tooLarge: () => Error, stop: () => void): AsyncGenerator<Buffer> {
  let position = 0;
  let kept = 0;
  for await (const chunk of body) {
    const from = Math.max(0, skip - position);
    position += chunk.length;
    if (from >= chunk.length) continue;
    const part = chunk.subarray(from, from + Math.min(chunk.length - from, take - kept));
    kept += part.length;
    if (kept > maxBytes) throw tooLarge();
    yield part;
    if (kept >= take) return stop();
  }
}

/** AES-128-CBC with PKCS#7 padding, as HLS encrypts whole segments; `failed()` when it does not decrypt. */
async function* decrypted(body: AsyncIterable<Buffer>, key: Buffer, iv: Buffer, failed: () => Error): AsyncGenerator<Buffer> {
  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  for await (const chunk of body) yield decipher.update(chunk);
  let last: Buffer;
  try {
    last = decipher.final();
  } catch {
    throw failed();
  }
  yield last;
}

/** The init segment's bytes, then the segment's as they arrive. */
async function* prepended(init: Buffer | null, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (init) yield init;
  yield* body;
}
