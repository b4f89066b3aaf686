import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedLimiter, Limiter } from './limiter.js';

describe('limiter', () => {
  it('lets at most the limit through at once, in order', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, k) => {
        const release = await limiter.acquire();
        running += 1;
        peak = Math.max(peak, running);
        order.push(k);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        release();
        release(); // twice is harmless
      }),
    );
    assert.equal(peak, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  });
  it('limits each key on its own', async () => {
    const limiter = new KeyedLimiter(1);
    const a = await limiter.acquire('a');
    const b = await limiter.acquire('b');
    let second = false;
    const waiting = limiter.acquire('a').then(() => (second = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(second, false, 'the second holder of "a" waits');
    a();
    await waiting;
    b();
  });
});
