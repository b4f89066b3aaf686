/**
 * Plain colour names: the small vocabulary people search footage by ("the red car", "a man in a
 * blue jacket"), not paint-chart names.
 */
export const COLOR_NAMES = ['black', 'white', 'grey', 'red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'pink', 'brown'] as const;
export type ColorName = (typeof COLOR_NAMES)[number];

/**
 * The plain name of an sRGB colour, from its hue, saturation and value (HSV). Camera colours are
 * washed out and often dark, so the rules lean on value as much as on hue: dark colours without
 * much saturation are black, dark oranges are brown, dark yellows are olive (green).
 */
export function colorName([r, g, b]: readonly [number, number, number]): ColorName {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const value = max / 255;
  const chroma = (max - min) / 255;
  const saturation = max === 0 ? 0 : (max - min) / max;

  if (value < 0.2 || (value < 0.25 && saturation < 0.35)) return 'black';
  // Few levels of difference between channels: compression noise on a grey, not a colour.
  if (saturation < 0.18 || chroma < 0.08) return value > 0.82 ? 'white' : value < 0.25 ? 'black' : 'grey';

  const hue = hueOf(r, g, b, max, max - min);
  if (hue < 15 || hue >= 345) {
    if (saturation < 0.45 && value > 0.7) return 'pink';
    return saturation < 0.65 && value < 0.6 ? 'brown' : 'red';
  }
  if (hue < 45) {
    // Tan and beige are light browns; peach (light and bright) stays orange.
    if (value < 0.68 || (saturation < 0.45 && value < 0.9)) return 'brown';
    return 'orange';
  }
  if (hue < 70) {
    if (value < 0.6) return hue < 52 ? 'brown' : 'green';
    return 'yellow';
  }
  if (hue < 165) return 'green';
  if (hue < 200) return 'cyan';
  if (hue < 260) return 'blue';
  if (hue < 300) return 'purple';
  // Magenta: bright and pale, or towards red, reads as pink; deep as purple.
  return value > 0.6 && (saturation < 0.7 || hue >= 320) ? 'pink' : 'purple';
}

/** Hue in degrees 0–360 (0 = red, 120 = green, 240 = blue); `delta` is max − min, not zero. */
function hueOf(r: number, g: number, b: number, max: number, delta: number): number {
  let sector: number;
  if (max === r) sector = ((g - b) / delta + 6) % 6;
  else if (max === g) sector = (b - r) / delta + 2;
  else sector = (r - g) / delta + 4;
  return sector * 60;
}
