/**
 * Headers of a stored file's download. Files are whatever users uploaded, served from the API's
 * origin: an HTML page or an SVG shown in place would run its script with that origin's rights
 * (stored cross-site scripting). So only plain image, video and audio types are shown in place
 * (a browser plays them, seeks with Range, shows them in an <img>); everything else downloads.
 * Whatever the type, the browser may not guess another (nosniff), and the document a file makes is
 * sandboxed: no script runs in it.
 */
export const FILE_CSP = "default-src 'none'; sandbox";

/**
 * A video or image opened on its own becomes a document whose <video> or <img> loads the file
 * again, which `default-src 'none'` would block (media-src, img-src), and which a plain sandbox
 * would send from an opaque origin that Cross-Origin-Resource-Policy: same-origin refuses: the
 * video would not play. So media may load itself, and its sandbox keeps the origin; scripts stay
 * off (no allow-scripts), which is what makes keeping the origin safe.
 */
export const MEDIA_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox allow-same-origin";

/** Raster images, video and audio; not SVG or anything XML (they carry script), whatever the top type. */
export function isInlineMedia(contentType: string): boolean {
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  const match = /^(image|video|audio)\/([a-z0-9][a-z0-9.+-]*)$/.exec(essence);
  if (!match) return false;
  const subtype = match[2]!;
  return !/svg|xml|html|javascript|ecmascript/.test(subtype);
}

export function fileResponseHeaders(file: { name: string; contentType: string }): Record<string, string> {
  const inline = isInlineMedia(file.contentType);
  return {
    'content-type': file.contentType,
    'content-disposition': contentDisposition(file.name, inline ? 'inline' : 'attachment'),
    'content-security-policy': inline ? MEDIA_CSP : FILE_CSP,
    'x-content-type-options': 'nosniff',
  };
}

/** `inline; filename="…"; filename*=UTF-8''…` with the name made safe for a header. */
export function contentDisposition(name: string, disposition: 'inline' | 'attachment'): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
