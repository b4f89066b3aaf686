/**
 * A display name from whatever a client sent: the last path segment, without control characters,
 * at most 200 characters. Names are only ever shown and sent back in Content-Disposition, never
 * used as paths, but "../../x" still should not look like one.
 */
export function safeFileName(raw: string): string {
  const lastSegment = raw.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = lastSegment.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  const name = cleaned === '.' || cleaned === '..' ? '' : cleaned;
  return name.length > 200 ? name.slice(name.length - 200) : name;
}
