import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CamtroveError } from '../errors.js';
import { parsePolygon, parseZone, parseZones, polygonArea, rasterizePolygons } from './polygon.js';

function refusal(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_INVALID_PARAMS' && pattern.test(error.message);
}

/** The mask as rows of "#" and ".", easy to read in a failing assertion. */
function picture(mask: Uint8Array, width: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < mask.length; i += width) rows.push(Array.from(mask.subarray(i, i + width), (v) => (v ? '#' : '.')).join(''));
  return rows;
}

describe('polygons', () => {
  it('reads fractions of the frame, separated by spaces or semicolons', () => {
    assert.deepEqual(parsePolygon('0.1,0.1 0.5,0.1 0.5,0.4'), [{ x: 0.1, y: 0.1 }, { x: 0.5, y: 0.1 }, { x: 0.5, y: 0.4 }]);
    assert.deepEqual(parsePolygon(' 0,0;1,0 ;  1,1 .5,1 '), [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0.5, y: 1 }]);
  });

  it('reads pixels of the source video when a coordinate is above 1, clamping overshoot to the edge', () => {
    const size = { width: 800, height: 400 };
    assert.deepEqual(parsePolygon('100,50 400,50 400,300', size), [{ x: 0.125, y: 0.125 }, { x: 0.5, y: 0.125 }, { x: 0.5, y: 0.75 }]);
    assert.deepEqual(parsePolygon('0,0 1000,0 1000,400', size).map((p) => p.x), [0, 1, 1]);
    assert.throws(() => parsePolygon('100,50 400,50 400,300'), refusal(/"100,50 400,50 400,300" is in pixels .* size is unknown/));
  });

  it('names the problem when a polygon cannot be read', () => {
    assert.throws(() => parsePolygon('0.1,0.1 0.5,0.1', undefined, 'mask'), refusal(/^mask "0\.1,0\.1 0\.5,0\.1" has 2 points; a polygon needs at least 3/));
    assert.throws(() => parsePolygon('0.1,0.1 0.5;0.1 0.5,0.4'), refusal(/"0\.5" is not a point "x,y"/));
    assert.throws(() => parsePolygon('0.1,0.1 0.5,abc 0.5,0.4'), refusal(/"0\.5,abc" is not a point/));
    assert.throws(() => parsePolygon('0.1,0.1 0.5,0.1,2 0.5,0.4'), refusal(/"0\.5,0\.1,2" is not a point/));
    assert.throws(() => parsePolygon('0.1,0.1 -0.5,0.1 0.5,0.4'), refusal(/negative coordinate \(-0\.5,0\.1\)/));
    assert.throws(() => parsePolygon('0,0 0.5,0.5 1,1'), refusal(/encloses no area/));
    assert.throws(() => parsePolygon(''), refusal(/has 0 points/));
  });

  it('reads zones with their names and refuses nameless or duplicate ones', () => {
    assert.deepEqual(parseZone('front door:0,0 0.5,0 0.5,0.5'), { name: 'front door', polygon: [{ x: 0, y: 0 }, { x: 0.5, y: 0 }, { x: 0.5, y: 0.5 }] });
    assert.equal(parseZone('drive:0,0 640,0 640,360', { width: 1280, height: 720 }).polygon[2]!.y, 0.5);
    assert.throws(() => parseZone('0,0 0.5,0 0.5,0.5'), refusal(/needs a name first/));
    assert.throws(() => parseZone(':0,0 0.5,0 0.5,0.5'), refusal(/needs a name first/));
    assert.throws(() => parseZone('a/b:0,0 0.5,0 0.5,0.5'), refusal(/zone name "a\/b" may only use/));
    assert.throws(() => parseZone('gate:0,0 0.5,0'), refusal(/^zone gate "0,0 0\.5,0" has 2 points/));
    assert.throws(() => parseZones(['a:0,0 1,0 1,1', 'a:0,0 0,1 1,1']), refusal(/"a" is used twice/));
    assert.equal(parseZones(['a:0,0 1,0 1,1', 'b:0,0 0,1 1,1']).length, 2);
  });

  it('measures the enclosed area whatever the winding', () => {
    assert.equal(polygonArea([{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 1 }, { x: 0, y: 1 }]), 2);
    assert.equal(polygonArea([{ x: 0, y: 1 }, { x: 2, y: 1 }, { x: 2, y: 0 }, { x: 0, y: 0 }]), 2);
  });

  it('rasterises by pixel centres: a rectangle, a triangle and the union of two polygons', () => {
    // 0.25-0.75 of an 8 px row covers centres 2.5, 3.5, 4.5, 5.5: pixels 2-5.
    const square = [{ x: 0.25, y: 0.25 }, { x: 0.75, y: 0.25 }, { x: 0.75, y: 0.75 }, { x: 0.25, y: 0.75 }];
    assert.deepEqual(picture(rasterizePolygons([square], 8, 4), 8), ['........', '..####..', '..####..', '........']);
    const triangle = [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 0, y: 1 }];
    assert.deepEqual(picture(rasterizePolygons([triangle], 4, 4), 4), ['###.', '##..', '#...', '....']);
    const left = [{ x: 0, y: 0 }, { x: 0.25, y: 0 }, { x: 0.25, y: 1 }, { x: 0, y: 1 }];
    assert.deepEqual(picture(rasterizePolygons([square, left], 8, 4), 8), ['##......', '######..', '######..', '##......']);
    assert.deepEqual(picture(rasterizePolygons([], 3, 2), 3), ['...', '...']);
  });

  it('uses the even-odd rule for a self-crossing outline', () => {
    // A pentagram: its centre is crossed twice on every line through it, so it stays empty.
    const star = [0, 2, 4, 1, 3].map((k) => ({ x: 0.5 + 0.5 * Math.sin((k * 2 * Math.PI) / 5), y: 0.5 - 0.5 * Math.cos((k * 2 * Math.PI) / 5) }));
    const size = 41;
    const mask = rasterizePolygons([star], size, size);
    assert.equal(mask[20 * size + 20], 0, 'the centre of the star is a hole');
    assert.equal(mask[6 * size + 20], 1, 'the upper point is filled');
    assert.equal(mask[0], 0);
  });
});
