// The events search's region (`roi`), drawn on a frame: corners dragged either way, kept inside the
// frame, written as GET /api/events takes it, and read back only when it is a region of the frame.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRegion, regionBetween, regionText } from '../../web/src/events/region.js';

describe('the events region', () => {
  it('is the rectangle between two dragged corners, in either order, inside the frame', () => {
    assert.deepEqual(regionBetween({ x: 0.75, y: 0.5 }, { x: 0.25, y: 0.125 }), { x: 0.25, y: 0.125, w: 0.5, h: 0.375 });
    const outside = regionBetween({ x: -0.2, y: 0.5 }, { x: 1.3, y: 1.1 });
    assert.deepEqual(outside, { x: 0, y: 0.5, w: 1, h: 0.5 });
  });

  it('is written x,y,w,h to a thousandth, and read back', () => {
    const text = regionText({ x: 1 / 3, y: 0.1, w: 0.5, h: 2 / 3 });
    assert.equal(text, '0.333,0.1,0.5,0.667');
    assert.deepEqual(parseRegion(text), { x: 0.333, y: 0.1, w: 0.5, h: 0.667 });
    assert.deepEqual(parseRegion(' 0, 0 ,1,1 '), { x: 0, y: 0, w: 1, h: 1 });
  });

  it('reads nothing from text that is not a region of the frame', () => {
    for (const text of [undefined, '', '0.1,0.2,0.3', '0.1,0.2,0.3,x', '0.5,0.5,0.6,0.1', '0.1,0.1,0,0.2', '-0.1,0,0.5,0.5', '0.1,,0.2,0.2']) {
      assert.equal(parseRegion(text), null, JSON.stringify(text));
    }
  });
});
