/**
 * An event's 16 × 16 heatmap as 256 bits in eight 32-bit words (two rows per word; bit
 * 16 × (row % 2) + column), so a search by region is a bitwise AND in the database. Words stay
 * below 2^32, exact as JavaScript numbers and as SQL integers alike.
 */
export const HEAT_GRID = 16;
export const HEAT_WORDS = 8;

/** The cells where the event moved at all. */
export function heatBits(heatmap: readonly number[]): number[] {
  return cellsToWords(heatmap.map((value, cell) => (value > 0 ? cell : -1)).filter((cell) => cell >= 0 && cell < HEAT_GRID * HEAT_GRID));
}

/** A region of the frame (0–1, from the top left), as normalised boxes are everywhere in camtrove. */
export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The cells a region covers, even in part. */
export function regionBits(region: Region): number[] {
  const span = (start: number, size: number) => {
    const first = Math.min(HEAT_GRID - 1, Math.floor(start * HEAT_GRID));
    const last = Math.max(first, Math.min(HEAT_GRID - 1, Math.ceil((start + size) * HEAT_GRID) - 1));
    return Array.from({ length: last - first + 1 }, (_, k) => first + k);
  };
  const rows = span(region.y, region.h);
  const columns = span(region.x, region.w);
  return cellsToWords(rows.flatMap((row) => columns.map((column) => row * HEAT_GRID + column)));
}

function cellsToWords(cells: readonly number[]): number[] {
  const words = new Array<number>(HEAT_WORDS).fill(0);
  // Added, not OR-ed: JavaScript's bitwise operators are signed 32-bit, and bit 31 would turn negative.
  for (const cell of new Set(cells)) words[cell >> 5] = words[cell >> 5]! + 2 ** (cell & 31);
  return words;
}
