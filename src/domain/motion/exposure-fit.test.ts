import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExposureFitter } from './exposure-fit.js';

const size = 4000;
const samples = Int32Array.from({ length: 2000 }, (_, k) => 2 * k);

function scene(): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => 30 + ((i * 37) % 190));
}

describe('ExposureFitter', () => {
  it('recovers gain and offset, unmoved by an object over 8 % of the samples', () => {
    const background = scene();
    // The frame is darker (the light went down): background = 1.6 · frame + 5.
    const frame = background.map((value) => (value - 5) / 1.6);
    for (let i = 0; i < 320; i += 1) frame[samples[i]!] = 240;
    const fit = new ExposureFitter(samples.length).fit(frame, background, samples, samples.length);
    assert.ok(Math.abs(fit.gain - 1.6) < 0.02 && Math.abs(fit.offset - 5) < 1, `gain ${fit.gain}, offset ${fit.offset}`);
    assert.ok(fit.noise < 1, `noise ${fit.noise}`);
  });

  it('is the identity for an unchanged frame, and copes with no samples', () => {
    const background = scene();
    const fitter = new ExposureFitter(samples.length);
    const fit = fitter.fit(background, background, samples, samples.length);
    assert.ok(Math.abs(fit.gain - 1) < 1e-3 && Math.abs(fit.offset) < 0.1, `gain ${fit.gain}, offset ${fit.offset}`);
    assert.deepEqual(fitter.fit(background, background, samples, 0), { gain: 1, offset: 0, noise: 0 });
  });
});
