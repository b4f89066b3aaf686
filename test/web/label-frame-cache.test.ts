// The labeling tool's frame cache: bounded by bytes as well as by count, frames fetched ahead in the
// direction the labeler moves, failed frames asked for again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BUDGET_BYTES, FrameCache } from '../../web/src/labeling/frame-cache.js';

const FULL_HD = 1920 * 1080 * 4;

/** A stand-in for an ImageBitmap: its size, and whether it was closed. */
class FakeBitmap {
  closed = false;
  constructor(readonly width: number, readonly height: number) {}
  close(): void {
    this.closed = true;
  }
}

/** A loader whose frames arrive when `settle` says, recording what was asked for. */
function loader(width = 1920, height = 1080) {
  const asked: number[] = [];
  const pending = new Map<number, { resolve: (b: FakeBitmap) => void; reject: (e: Error) => void }>();
  const bitmaps = new Map<number, FakeBitmap>();
  const load = (frame: number) => {
    asked.push(frame);
    return new Promise<FakeBitmap>((resolve, reject) => pending.set(frame, { resolve, reject }));
  };
  const settle = async () => {
    for (const [frame, p] of pending) {
      const bitmap = new FakeBitmap(width, height);
      bitmaps.set(frame, bitmap);
      p.resolve(bitmap);
    }
    pending.clear();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const fail = async (frame: number) => {
    pending.get(frame)?.reject(new Error('HTTP 503'));
    pending.delete(frame);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { load, asked, settle, fail, bitmaps };
}

describe('the frame cache', () => {
  it('fetches the frames ahead of the one asked for, then behind it once the labeler steps back', async () => {
    const l = loader();
    const cache = new FrameCache(l.load, { frames: 90, count: 1000, ahead: 4, behind: 1 });
    void cache.get(100);
    assert.deepEqual(l.asked, [100, 101, 102, 103, 104, 99]);
    await l.settle();
    l.asked.length = 0;
    void cache.get(101);
    assert.deepEqual(l.asked, [105], 'stepping forward fetches one more frame ahead');
    l.asked.length = 0;
    void cache.get(98);
    assert.deepEqual(l.asked, [98, 97, 96, 95, 94], 'stepping back turns the read-ahead around');
    l.asked.length = 0;
    void cache.get(2);
    assert.deepEqual(l.asked, [2, 1, 0, 3], 'never before the first frame');
    l.asked.length = 0;
    void cache.get(998);
    assert.deepEqual(l.asked, [998, 999, 997], 'nor past the last');
  });

  it('keeps no more than its byte budget of decoded frames, closing those it lets go', async () => {
    const l = loader();
    const budget = 10 * FULL_HD;
    const cache = new FrameCache(l.load, { frames: 90, bytes: budget, count: 1000, ahead: 12, behind: 2 });
    void cache.get(0);
    await l.settle();
    assert.ok(cache.bytesHeld() <= budget, `${cache.bytesHeld()} bytes held`);
    for (let k = 1; k <= 40; k++) {
      void cache.get(k);
      await l.settle();
      assert.ok(cache.bytesHeld() <= budget, `at frame ${k}: ${cache.bytesHeld()} bytes held, budget ${budget}`);
      assert.ok(cache.has(k), 'the frame shown stays');
    }
    assert.ok(cache.has(41), 'the next frame is held');
    assert.ok(!cache.has(20), 'frames long passed are let go');
    assert.equal(l.bitmaps.get(20)?.closed, true, 'and their memory freed');
    assert.equal(l.bitmaps.get(40)?.closed, false);
    assert.deepEqual(cache.around(40), [41, 42, 43, 44, 45, 46, 47, 48, 49], 'reads ahead only as far as the budget holds');
  });

  it('keeps many more small frames than large ones in the same budget, and never more than its count', async () => {
    const small = loader(320, 240);
    const cache = new FrameCache(small.load, { frames: 90, count: 10_000 });
    for (let k = 0; k < 200; k++) {
      void cache.get(k);
      await small.settle();
    }
    const held = Array.from({ length: 300 }, (_, k) => k).filter((k) => cache.has(k)).length;
    assert.equal(held, 90, 'the count limits small frames');

    const large = loader();
    const cacheLarge = new FrameCache(large.load, { frames: 90, count: 10_000 });
    for (let k = 0; k < 200; k++) {
      void cacheLarge.get(k);
      await large.settle();
    }
    assert.ok(cacheLarge.bytesHeld() <= DEFAULT_BUDGET_BYTES);
    const heldLarge = Array.from({ length: 300 }, (_, k) => k).filter((k) => cacheLarge.has(k)).length;
    assert.equal(heldLarge, Math.floor(DEFAULT_BUDGET_BYTES / FULL_HD), 'the budget limits 1080p frames');
  });

  it('asks for a frame again after it failed, and answers one held from memory', async () => {
    const l = loader();
    const cache = new FrameCache(l.load, { frames: 90, count: 10, ahead: 0, behind: 0 });
    const first = cache.get(3);
    await l.fail(3);
    await assert.rejects(first, /HTTP 503/);
    assert.ok(!cache.has(3));
    const again = cache.get(3);
    await l.settle();
    await again;
    assert.deepEqual(l.asked, [3, 3]);
    assert.equal(await cache.get(3), await again, 'held frames come from memory');
    assert.deepEqual(l.asked, [3, 3]);
  });
});
