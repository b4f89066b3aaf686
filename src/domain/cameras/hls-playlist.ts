import { parse, setOptions, type types } from 'hls-parser';

// Not strict: cameras write sloppy playlists (a missing #EXT-X-TARGETDURATION, an odd attribute)
// that still play; silent: what it tolerates is no reason to write to the console.
setOptions({ strictMode: false, silent: true });

/** Bytes `offset` to `offset + length - 1` of a resource (#EXT-X-BYTERANGE, or BYTERANGE on #EXT-X-MAP). */
export interface HlsByteRange {
  offset: number;
  length: number;
}

/** Something to fetch: a whole resource, or a byte range of it. */
export interface HlsResource {
  url: string;
  byteRange: HlsByteRange | null;
}

/** A variant stream of a master playlist. */
export interface HlsVariant {
  url: string;
  bandwidth: number;
  /** From RESOLUTION; null when the playlist does not say. */
  height: number | null;
}

/** The #EXT-X-KEY that applies to a segment (never METHOD=NONE: that is no key). */
export interface HlsKey {
  /** AES-128, SAMPLE-AES, SAMPLE-AES-CTR… */
  method: string;
  url: string | null;
  /** KEYFORMAT; `identity` (a key fetched from its URI) when absent. */
  format: string;
  /** 16 bytes from the IV attribute; null: the segment's media sequence number is its IV. */
  iv: Buffer | null;
}

export interface HlsSegment extends HlsResource {
  /** Seconds, from #EXTINF. */
  duration: number;
  /** Its media sequence number: the same segment keeps it while a live window slides. */
  sequence: number;
  /**
   * How many #EXT-X-DISCONTINUITY tags came before it: segments either side of one may differ in
   * encoding, timestamps and init segment, so each segment is decoded on its own.
   */
  discontinuity: number;
  /** The #EXT-X-MAP init segment decoding needs first (fragmented MP4), or null. */
  init: HlsResource | null;
  key: HlsKey | null;
}

export type HlsPlaylist =
  | { kind: 'master'; variants: HlsVariant[] }
  /** `ended` (#EXT-X-ENDLIST): a VOD playlist that will not grow; otherwise a live window. */
  | { kind: 'media'; segments: HlsSegment[]; ended: boolean };

/**
 * Which variant of a master playlist to archive: the highest or lowest resolution, or the one whose
 * height is closest to `height`.
 */
export type HlsVariantChoice = { kind: 'highest' } | { kind: 'lowest' } | { kind: 'height'; height: number };

/** Without a choice: the variant closest to 720p, enough to see what happens without 4K's cost. */
export const DEFAULT_VARIANT: HlsVariantChoice = { kind: 'height', height: 720 };

/** `highest`, `lowest`, or a height such as `720` or `1080p`; null when `text` is none of them. */
export function parseVariantChoice(text: string): HlsVariantChoice | null {
  const value = text.trim().toLowerCase();
  if (value === 'highest' || value === 'lowest') return { kind: value };
  const height = /^(\d{1,5})p?$/.exec(value);
  return height && Number(height[1]) > 0 ? { kind: 'height', height: Number(height[1]) } : null;
}

/** Parses an M3U8 playlist; URIs are resolved against `baseUrl`. Throws naming what is wrong. */
export function parsePlaylist(text: string, baseUrl: string): HlsPlaylist {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart().split(/\r?\n/, 1)[0]!.trim();
  if (first !== '#EXTM3U') throw new Error(`not an HLS playlist (it does not start with #EXTM3U but with ${JSON.stringify(first.slice(0, 40))})`);
  let parsed: types.MasterPlaylist | types.MediaPlaylist;
  try {
    parsed = parse(body);
  } catch (error) {
    throw new Error(`the playlist cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const resolve = (uri: string) => {
    try {
      return new URL(uri, baseUrl).toString();
    } catch {
      throw new Error(`the playlist names ${JSON.stringify(uri.slice(0, 80))}, which is not a URL`);
    }
  };
  const range = (byteRange: types.Byterange | undefined): HlsByteRange | null => (byteRange && byteRange.length > 0 ? { offset: Math.max(0, byteRange.offset), length: byteRange.length } : null);
  if (parsed.isMasterPlaylist) {
    // I-frame playlists hold only keyframes, for scrubbing: not a stream to archive.
    const variants = parsed.variants.filter((v) => !v.isIFrameOnly && v.uri).map((v) => ({ url: resolve(v.uri), bandwidth: v.bandwidth || 0, height: v.resolution?.height ?? null }));
    if (variants.length === 0) throw new Error('the master playlist lists no variant streams');
    return { kind: 'master', variants };
  }
  const segments = parsed.segments.map((s): HlsSegment => ({
    url: resolve(s.uri),
    byteRange: range(s.byterange),
    duration: Number.isFinite(s.duration) && s.duration > 0 ? s.duration : 0,
    sequence: s.mediaSequenceNumber,
    discontinuity: s.discontinuitySequence,
    init: s.map?.uri ? { url: resolve(s.map.uri), byteRange: range(s.map.byterange) } : null,
    key: !s.key || s.key.method.toUpperCase() === 'NONE' ? null : {
      method: s.key.method.toUpperCase(),
      url: s.key.uri ? resolve(s.key.uri) : null,
      format: s.key.format ?? 'identity',
      iv: s.key.iv ? Buffer.from(s.key.iv) : null,
    },
  }));
  if (segments.length === 0) throw new Error(parsed.endlist ? 'the playlist lists no segments' : 'the live playlist lists no segments yet');
  return { kind: 'media', segments, ended: parsed.endlist };
}

/**
 * Why camtrove cannot decrypt a segment under this key, or null when it can: only AES-128 (whole
 * segments, AES-CBC) with a key fetched from an http(s) URI; SAMPLE-AES and DRM key formats
 * (FairPlay, Widevine…) are not for a camera archive.
 */
export function encryptionProblem(key: HlsKey): string | null {
  if (key.method !== 'AES-128') return `the stream is encrypted with #EXT-X-KEY METHOD=${key.method}; camtrove decrypts only METHOD=AES-128`;
  if (key.format.toLowerCase() !== 'identity') return `the stream's key is in KEYFORMAT="${key.format}" (DRM), which camtrove cannot use`;
  if (!key.url) return 'the stream is encrypted (#EXT-X-KEY METHOD=AES-128) but names no key URI';
  return null;
}

/** The AES-128 IV of a segment: the key's IV, or else its media sequence number as 16 big-endian bytes. */
export function segmentIv(segment: Pick<HlsSegment, 'key' | 'sequence'>): Buffer {
  if (segment.key?.iv) return segment.key.iv;
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(segment.sequence), 8);
  return iv;
}

/**
 * Every URI of a playlist camtrove may fetch: segments, init segments, AES-128 keys and variants.
 * Whoever fetches any of them checks them all first (a playlist that names one local file is
 * refused whole). Keys camtrove cannot use are never fetched, so they are not listed.
 */
export function playlistUris(playlist: HlsPlaylist): string[] {
  if (playlist.kind === 'master') return playlist.variants.map((v) => v.url);
  const keyUrl = (key: HlsKey | null) => (key?.url && !encryptionProblem(key) ? [key.url] : []);
  return [...new Set(playlist.segments.flatMap((s) => [s.url, ...(s.init ? [s.init.url] : []), ...keyUrl(s.key)]))];
}

/**
 * The variant to archive. With heights (RESOLUTION) to compare, `choice` decides: the highest, the
 * lowest, or the closest to a height, a tie going to the lower bandwidth. Variants that do not say
 * their resolution are compared by BANDWIDTH: `lowest` takes the lowest, anything else the highest.
 */
export function pickVariant(variants: readonly HlsVariant[], choice: HlsVariantChoice = DEFAULT_VARIANT): HlsVariant {
  const sized = variants.filter((v) => v.height !== null);
  if (sized.length === 0) return best(variants, (a, b) => (choice.kind === 'lowest' ? b.bandwidth - a.bandwidth : a.bandwidth - b.bandwidth));
  return best(sized, (a, b) => {
    const [ha, hb] = [a.height!, b.height!];
    switch (choice.kind) {
      case 'highest':
        return ha - hb || a.bandwidth - b.bandwidth;
      case 'lowest':
        return hb - ha || b.bandwidth - a.bandwidth;
      case 'height':
        return Math.abs(hb - choice.height) - Math.abs(ha - choice.height) || b.bandwidth - a.bandwidth;
    }
  });
}

/** The greatest of `items` by `compare` (positive: the first is better); the first of equals. */
function best<T>(items: readonly T[], compare: (a: T, b: T) => number): T {
  return items.reduce((kept, item) => (compare(item, kept) > 0 ? item : kept));
}

/**
 * Where a VOD playlist is `elapsed` seconds after archiving began, wrapping around at its end: the
 * segment and the offset into it. Archiving a recording advances through it as time passes
 * instead of taking its first frame every time.
 */
export function vodPosition(segments: readonly HlsSegment[], elapsed: number): { segment: HlsSegment; offset: number } {
  const total = segments.reduce((sum, s) => sum + s.duration, 0);
  let at = total > 0 ? ((elapsed % total) + total) % total : 0;
  for (const segment of segments) {
    if (at < segment.duration) return { segment, offset: at };
    at -= segment.duration;
  }
  return { segment: segments.at(-1)!, offset: 0 };
}
