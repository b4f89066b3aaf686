/** A variant stream of a master playlist. */
export interface HlsVariant {
  url: string;
  bandwidth: number;
}

export interface HlsSegment {
  url: string;
  /** Seconds, from #EXTINF. */
  duration: number;
  /** Its #EXT-X-MEDIA-SEQUENCE number: the same segment keeps it while a live window slides. */
  sequence: number;
  /** The #EXT-X-MAP init segment decoding needs first (fragmented MP4), or null. */
  init: string | null;
  /** The #EXT-X-KEY that applies: its method (AES-128, SAMPLE-AES…) and key URI; null when not encrypted. */
  key: { method: string; url: string | null } | null;
  /** Whether #EXT-X-BYTERANGE makes it a part of its URL's resource rather than all of it. */
  byteRange: boolean;
}

export type HlsPlaylist =
  | { kind: 'master'; variants: HlsVariant[] }
  /** `ended` (#EXT-X-ENDLIST): a VOD playlist that will not grow; otherwise a live window. */
  | { kind: 'media'; segments: HlsSegment[]; ended: boolean };

/** The attributes of a tag's attribute list (`METHOD=AES-128,URI="k.bin"`), names upper-case, quotes removed. */
function attributes(list: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/gi)) found.set(match[1]!.toUpperCase(), match[2]!.replace(/^"|"$/g, ''));
  return found;
}

/**
 * Every URI a playlist names, segments, init segments, keys and variants alike: whoever fetches
 * any of them checks them all first (a playlist that names one local file is refused whole).
 */
export function playlistUris(playlist: HlsPlaylist): string[] {
  if (playlist.kind === 'master') return playlist.variants.map((v) => v.url);
  return [...new Set(playlist.segments.flatMap((s) => [s.url, ...(s.init ? [s.init] : []), ...(s.key?.url ? [s.key.url] : [])]))];
}

/** Parses an M3U8 playlist; URIs are resolved against `baseUrl`. Throws naming what is wrong. */
export function parsePlaylist(text: string, baseUrl: string): HlsPlaylist {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (lines[0] !== '#EXTM3U') throw new Error(`not an HLS playlist (it does not start with #EXTM3U but with ${JSON.stringify((lines[0] ?? '').slice(0, 40))})`);
  const resolve = (uri: string) => {
    try {
      return new URL(uri, baseUrl).toString();
    } catch {
      throw new Error(`the playlist names ${JSON.stringify(uri.slice(0, 80))}, which is not a URL`);
    }
  };
  const variants: HlsVariant[] = [];
  const segments: HlsSegment[] = [];
  let sequence = 0;
  let pendingDuration: number | null = null;
  let pendingBandwidth: number | null = null;
  let ended = false;
  let init: string | null = null;
  let key: HlsSegment['key'] = null;
  let byteRange = false;
  for (const line of lines.slice(1)) {
    if (line.startsWith('#EXT-X-STREAM-INF:')) pendingBandwidth = Number(/BANDWIDTH=(\d+)/.exec(line)?.[1] ?? 0);
    else if (line.startsWith('#EXT-X-MAP:')) {
      const uri = attributes(line.slice('#EXT-X-MAP:'.length)).get('URI');
      init = uri ? resolve(uri) : null;
    } else if (line.startsWith('#EXT-X-KEY:')) {
      const found = attributes(line.slice('#EXT-X-KEY:'.length));
      const method = (found.get('METHOD') ?? 'NONE').toUpperCase();
      const uri = found.get('URI');
      key = method === 'NONE' ? null : { method, url: uri ? resolve(uri) : null };
    } else if (line.startsWith('#EXT-X-BYTERANGE:')) byteRange = true;
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) sequence = Number(line.slice('#EXT-X-MEDIA-SEQUENCE:'.length)) || 0;
    else if (line.startsWith('#EXTINF:')) pendingDuration = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (!line.startsWith('#')) {
      if (pendingBandwidth !== null) {
        variants.push({ url: resolve(line), bandwidth: pendingBandwidth });
        pendingBandwidth = null;
      } else {
        segments.push({ url: resolve(line), duration: Number.isFinite(pendingDuration) && pendingDuration! > 0 ? pendingDuration! : 0, sequence: sequence + segments.length, init, key, byteRange });
        pendingDuration = null;
        byteRange = false;
      }
    }
  }
  if (variants.length > 0) return { kind: 'master', variants };
  if (segments.length === 0) throw new Error(ended ? 'the playlist lists no segments' : 'the live playlist lists no segments yet');
  return { kind: 'media', segments, ended };
}

/** The variant to archive: the best one the camera offers (the highest bandwidth). */
export function bestVariant(variants: readonly HlsVariant[]): HlsVariant {
  return variants.reduce((best, v) => (v.bandwidth > best.bandwidth ? v : best));
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
