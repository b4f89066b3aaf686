import { CamtroveError } from '../errors.js';

/**
 * What an asset's content may name: an http(s) URL the server fetches, or footage already in the
 * library (`camtrove:file/<id or prefix>`, `camtrove:event/<id or prefix>`). A path on the client's
 * disk means nothing to the server: the client uploads the file first (POST /api/files) and names it
 * camtrove:file/<file_id>. Extensions are read from the URL path's last segment only (the query is
 * ignored); a URL without one is accepted, and the server probes what it fetches.
 */

/** Kili's accepted video types. */
export const VIDEO_EXTENSIONS = ['mp4', 'mkv', '3gp', 'avi', 'm4v', 'mov', 'webm'] as const;
/** Other video containers ffprobe reads, accepted in URLs too (the issue: "and what ffprobe recognises"). */
export const OTHER_VIDEO_EXTENSIONS = ['ts', 'mts', 'm2ts', 'mpg', 'mpeg', 'flv', 'wmv', 'ogv', 'mxf', 'asf', 'vob', 'f4v', '3g2'] as const;
/** Images a frame list (jsonContentArray) may hold. */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'bmp', 'tif', 'tiff', 'gif'] as const;

export type AssetSource =
  | { kind: 'url'; url: string }
  | { kind: 'file'; fileId: string }
  | { kind: 'event'; eventId: string }
  | { kind: 'frames'; frames: FrameSource[] };
export type FrameSource = { kind: 'url'; url: string } | { kind: 'file'; fileId: string };

const FILE_REF = /^camtrove:file\/([0-9a-f]{6,64})$/i;
const EVENT_REF = /^camtrove:event\/([0-9a-f]{6,32})$/i;
const LIBRARY_REF_RULE = 'camtrove:file/<6 to 64 hex> or camtrove:event/<6 to 32 hex>';
const UPLOAD_FIRST = 'local files must be uploaded first (POST /api/files) and named camtrove:file/<file_id>';

function refused(assetLabel: string, what: string): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_INVALID_ASSETS', `${assetLabel}: ${what}`);
}

function shown(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

/** The lower-case extension of a URL path's last segment, or null (none, or a dot-file such as ".env"). */
export function urlPathExtension(url: URL): string | null {
  const segment = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  let name = segment;
  try {
    name = decodeURIComponent(segment);
  } catch {
    // A malformed escape: read the segment as it is.
  }
  const dot = name.lastIndexOf('.');
  return dot <= 0 || dot === name.length - 1 ? null : name.slice(dot + 1).toLowerCase();
}

/** An http(s) URL with a host, or null. */
function httpUrl(text: string): URL | null {
  if (!/^https?:\/\//i.test(text)) return null;
  try {
    const url = new URL(text);
    return url.hostname === '' ? null : url;
  } catch {
    return null;
  }
}

/** Why `text` cannot be a reference: a local path, another scheme, or a malformed camtrove: reference. */
function notAReference(text: string, accepted: string): string {
  if (/^camtrove:/i.test(text)) return `content ${shown(text)} is not a valid library reference; give ${accepted}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !/^https?:/i.test(text)) return `content ${shown(text)} uses a scheme camtrove does not fetch; give an http(s) URL or ${accepted} (${UPLOAD_FIRST})`;
  if (/^https?:/i.test(text)) return `content ${shown(text)} is not a valid http(s) URL`;
  return `content ${shown(text)} is neither an http(s) URL nor ${accepted}; ${UPLOAD_FIRST}`;
}

/**
 * One video content (a contentArray entry) as a source. Throws CAMTROVE_ERR_INVALID_ASSETS naming
 * `assetLabel` for anything else, and for a URL whose extension is not a video's.
 */
export function parseContentRef(content: string, assetLabel = 'asset'): Exclude<AssetSource, { kind: 'frames' }> {
  const text = content.trim();
  const file = FILE_REF.exec(text);
  if (file) return { kind: 'file', fileId: file[1]!.toLowerCase() };
  const event = EVENT_REF.exec(text);
  if (event) return { kind: 'event', eventId: event[1]!.toLowerCase() };
  const url = httpUrl(text);
  if (!url) throw refused(assetLabel, notAReference(text, LIBRARY_REF_RULE));
  const extension = urlPathExtension(url);
  if (extension !== null && !isVideoExtension(extension)) {
    throw refused(assetLabel, `content ${shown(text)} is not a video (.${extension}); accepted types: ${VIDEO_EXTENSIONS.join(', ')} (and ${OTHER_VIDEO_EXTENSIONS.join(', ')}, which ffprobe reads)`);
  }
  return { kind: 'url', url: url.href };
}

/** One image of a frame list (a jsonContentArray entry's item): an http(s) image URL or camtrove:file/<id>. */
export function parseFrameRef(content: string, assetLabel: string, position: number): FrameSource {
  const text = typeof content === 'string' ? content.trim() : '';
  const where = `frame ${position} of jsonContent`;
  if (typeof content !== 'string') throw refused(assetLabel, `${where} is not a string`);
  const file = FILE_REF.exec(text);
  if (file) return { kind: 'file', fileId: file[1]!.toLowerCase() };
  const url = httpUrl(text);
  if (!url) throw refused(assetLabel, `${where}: ${notAReference(text, 'camtrove:file/<6 to 64 hex>')}`);
  const extension = urlPathExtension(url);
  if (extension !== null && !(IMAGE_EXTENSIONS as readonly string[]).includes(extension)) {
    throw refused(assetLabel, `${where}: ${shown(text)} is not an image (.${extension}); accepted types: ${IMAGE_EXTENSIONS.join(', ')}`);
  }
  return { kind: 'url', url: url.href };
}

export function isVideoExtension(extension: string): boolean {
  const lower = extension.toLowerCase();
  return (VIDEO_EXTENSIONS as readonly string[]).includes(lower) || (OTHER_VIDEO_EXTENSIONS as readonly string[]).includes(lower);
}
