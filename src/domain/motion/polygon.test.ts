import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolygon, parseZone, rasterizePolygons } from './polygon.js';

describe('polygons, masks and zones', () => {
  it('reads fractions, and pixels of the source video', () => {
    assert.deepEqual(parsePolygon('0,0 0.5,0 0.5,0.5'), [{ x: 0, y: 0 }, { x: 0.5, y: 0 }, { x: 0.5, y: 0.5 }]);
    assert.deepEqual(parsePolygon('0,0;960,0;960,540', { width: 1920, height: 1080 }), [{ x: 0, y: 0 }, { x: 0.5, y: 0 }, { x: 0.5, y: 0.5 }]);
    assert.deepEqual(parseZone('door:0.1,0.1 0.2,0.1 0.2,0.3'), { name: 'door', polygon: [{ x: 0.1, y: 0.1 }, { x: 0.2, y: 0.1 }, { x: 0.2, y: 0.3 }] });
  });
  it('says what is wrong with a bad polygon or zone', () => {
    assert.throws(() => parsePolygon('0,0 1,1'), /has 2 point\(s\); a polygon needs at least 3/);
    assert.throws(() => parsePolygon('0,0 1,x 1,1'), /"1,x" is not a point x,y/);
    assert.throws(() => parsePolygon('0,0 100,0 100,100'), /in pixels, but the video's size is unknown/);
    assert.throws(() => parseZone('0.1,0.1 0.2,0.1 0.2,0.3'), /needs a name first/);
  });
  it('fills the pixels inside, even for a concave shape', () => {
    // An L: the right half of the top row and all of the bottom row, on a 4 × 2 grid.
    const mask = rasterizePolygons([parsePolygon('0,0.5 0.5,0.5 0.5,0 1,0 1,1 0,1')], 4, 2);
    assert.deepEqual([...mask], [0, 0, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual([...rasterizePolygons([], 2, 2)], [0, 0, 0, 0]);
  });
});
