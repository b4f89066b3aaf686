/**
 * num/den in lowest terms with both parts at most `max`; when that is impossible, the closest fraction
 * within the bound (continued-fraction convergents, then the best semiconvergent). This is how ffmpeg
 * stores rates in 32-bit rationals, so the rate it prints can be reproduced exactly.
 */
export function boundedRational(num: bigint, den: bigint, max: bigint): [bigint, bigint] {
  if (num < 0n || den <= 0n) throw new RangeError('boundedRational takes num >= 0 and den > 0');
  const divisor = gcd(num, den);
  let n = num / divisor;
  let d = den / divisor;
  if (n <= max && d <= max) return [n, d];
  // Convergents p/q: (p0, q0) the one before (p1, q1).
  let [p0, q0, p1, q1] = [0n, 1n, 1n, 0n];
  while (d !== 0n) {
    const a = n / d;
    const p2 = a * p1 + p0;
    const q2 = a * q1 + q0;
    if (p2 > max || q2 > max) {
      let t = a;
      if (p1 > 0n) t = min(t, (max - p0) / p1);
      if (q1 > 0n) t = min(t, (max - q0) / q1);
      // With n/d the remaining complete quotient, (t·p1+p0)/(t·q1+q0) is strictly closer than p1/q1
      // exactly when (n/d)·q1 < 2·t·q1 + q0.
      if (n * q1 < d * (2n * t * q1 + q0)) return [t * p1 + p0, t * q1 + q0];
      return [p1, q1];
    }
    [p0, q0, p1, q1] = [p1, q1, p2, q2];
    [n, d] = [d, n - a * d];
  }
  return [p1, q1];
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
