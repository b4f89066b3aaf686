/** One satisfiable byte range of a file, both ends inclusive (as in Content-Range). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses an HTTP Range header for a file of `size` bytes (RFC 9110 §14).
 * Returns `null` when the header should be ignored (absent, not bytes, several ranges, malformed:
 * the whole file is sent) and `'unsatisfiable'` when every requested byte lies past the end.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const match = /^bytes=\s*(\d*)-(\d*)\s*$/.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
