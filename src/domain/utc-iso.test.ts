import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utcIso } from './utc-iso.js';

describe('utcIso', () => {
  it('writes what toISOString writes, in and out of time order', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    const times = [0, 1, 999, 86_399_999, 86_400_000, Date.UTC(2026, 1, 28, 23, 59, 59, 999), Date.UTC(2028, 1, 29, 12), 253_402_300_799_999];
    for (let k = 0; k < 20_000; k += 1) times.push(Math.floor(next() * 4e12));
    // Runs within one day, as an export's times come.
    for (let k = 0; k < 2_000; k += 1) times.push(Date.UTC(2026, 5, 1) + Math.floor(next() * 86_400_000));
    for (const ms of times) assert.equal(utcIso(ms), new Date(ms).toISOString());
  });

  it('leaves times before 1970, after 9999 and fractions of a millisecond to toISOString', () => {
    for (const ms of [-1, -86_400_001, Date.UTC(-5, 0, 1), 253_402_300_800_000, 1.5]) assert.equal(utcIso(ms), new Date(ms).toISOString());
    assert.throws(() => utcIso(Number.NaN), RangeError);
  });
});
