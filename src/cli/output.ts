import { InvalidArgumentError } from 'commander';
import { formatByteSize } from '../domain/byte-size.js';

/** Prints `value` as JSON with --json, else the human text. */
export function emit(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** A plain text table: columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export { formatByteSize };

/** A `--limit` value: a page of 1 to 1000 items. */
export function parseLimit(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 1000)) throw new InvalidArgumentError('expected an integer from 1 to 1000');
  return n;
}
