/**
 * One CSV record (RFC 4180): a cell with a comma, a quote or a line break is quoted, quotes
 * doubled. A text cell starting with = + - @ (or a tab or carriage return) gets a leading `'` so a
 * spreadsheet shows it instead of running it as a formula; numbers are written as they are.
 */
export function csvRecord(cells: readonly (string | number | boolean | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}
