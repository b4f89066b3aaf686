import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameCache } from './frame-cache.js';

describe('FrameCache', () => {
  it('keeps frames up to its budget, dropping the least recently used first', () => {
    const cache = new FrameCache(30);
    cache.set('a:0', Buffer.alloc(10));
    cache.set('a:1', Buffer.alloc(10));
    cache.set('a:2', Buffer.alloc(10));
    assert.ok(cache.get('a:0'), 'a:0 is used again, so a:1 is now the oldest');
    cache.set('a:3', Buffer.alloc(10));
    assert.equal(cache.get('a:1'), undefined);
    assert.ok(cache.get('a:0') && cache.get('a:2') && cache.get('a:3'));
    assert.equal(cache.size, 30);
  });

  it('says whether a frame is held without counting that as a use', () => {
    const cache = new FrameCache(20);
    cache.set('a:0', Buffer.alloc(10));
    cache.set('a:1', Buffer.alloc(10));
    assert.equal(cache.has('a:0'), true);
    assert.equal(cache.has('a:9'), false);
    // a:0 is still the oldest: the next frame pushes it out.
    cache.set('a:2', Buffer.alloc(10));
    assert.equal(cache.has('a:0'), false);
    assert.equal(cache.has('a:1'), true);
  });

  it('never holds an image larger than the budget, and forgets an asset\'s frames', () => {
    const cache = new FrameCache(30);
    cache.set('big', Buffer.alloc(31));
    assert.equal(cache.get('big'), undefined);
    cache.set('a:0', Buffer.alloc(5));
    cache.set('b:0', Buffer.alloc(5));
    cache.forget('a:');
    assert.equal(cache.get('a:0'), undefined);
    assert.ok(cache.get('b:0'));
    assert.equal(cache.size, 5);
  });
});
