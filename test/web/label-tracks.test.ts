// The labeling tool's tracks: boxes derived between key frames, edits that make key frames, and
// Kili's video jsonResponse both ways.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boxAt, cornerNear, toggleOutside, keyFramesJsonResponse, moveBox, normalise, resizeBox, toVertices, tracksFromJsonResponse, withKey, type Track } from '../../web/src/labeling/tracks.js';

const A = { x0: 0.1, y0: 0.2, x1: 0.3, y1: 0.4 };
const B = { x0: 0.5, y0: 0.2, x1: 0.9, y1: 0.8 };
const track: Track = { mid: 'm1', job: 'OBJECTS', category: 'CAR', keys: [{ frame: 0, box: A }, { frame: 10, box: B }] };

describe('boxes between key frames', () => {
  it('shows a key frame as drawn and marks it a key frame', () => {
    assert.deepEqual(boxAt(track, 0), { box: A, isKeyFrame: true });
    assert.deepEqual(boxAt(track, 10), { box: B, isKeyFrame: true });
  });

  it('moves each corner linearly between two key frames', () => {
    const half = boxAt(track, 5)!;
    assert.equal(half.isKeyFrame, false);
    for (const [corner, value] of Object.entries({ x0: 0.3, y0: 0.2, x1: 0.6, y1: 0.6 })) assert.ok(Math.abs(half.box[corner as keyof typeof A] - value) < 1e-12, corner);
    assert.ok(Math.abs(boxAt(track, 2)!.box.x1 - (0.3 + 0.6 * 0.2)) < 1e-12);
  });

  it('shows nothing before the first key and holds the last key to the end', () => {
    const late: Track = { ...track, keys: [{ frame: 4, box: A }] };
    assert.equal(boxAt(late, 3), null);
    assert.deepEqual(boxAt(late, 63), { box: A, isKeyFrame: false });
  });
});

describe('editing a track', () => {
  it('a box edited on a derived frame becomes a key frame there, in frame order', () => {
    const edited = withKey(track, 5, B);
    assert.deepEqual(edited.keys.map((k) => k.frame), [0, 5, 10]);
    assert.deepEqual(boxAt(edited, 5), { box: B, isKeyFrame: true });
    assert.deepEqual(track.keys.length, 2, 'the earlier state is left as it was (undo keeps it)');
  });

  it('replaces the key of a key frame rather than adding a second one', () => {
    assert.deepEqual(withKey(track, 10, A).keys, [{ frame: 0, box: A }, { frame: 10, box: A }]);
  });

  it('orders the corners of a box drawn from any corner, and keeps it inside the frame', () => {
    assert.deepEqual(normalise({ x0: 0.6, y0: 0.9, x1: -0.2, y1: 0.1 }), { x0: 0, y0: 0.1, x1: 0.6, y1: 0.9 });
  });

  it('moves a box whole and stops it at the frame edge', () => {
    const moved = moveBox(A, 0.8, -0.5);
    assert.ok(Math.abs(moved.x1 - 1) < 1e-12 && Math.abs(moved.x0 - 0.8) < 1e-12);
    assert.ok(Math.abs(moved.y0) < 1e-12 && Math.abs(moved.y1 - 0.2) < 1e-12);
  });
});

describe('the video jsonResponse', () => {
  it('writes only key frames, vertices bottom-left, top-left, top-right, bottom-right', () => {
    const json = keyFramesJsonResponse([track]);
    assert.deepEqual(Object.keys(json), ['0', '10']);
    assert.deepEqual(json['0']!.OBJECTS!.annotations, [
      { mid: 'm1', type: 'rectangle', categories: [{ name: 'CAR' }], isKeyFrame: true, children: {}, boundingPoly: [{ normalizedVertices: [{ x: 0.1, y: 0.4 }, { x: 0.1, y: 0.2 }, { x: 0.3, y: 0.2 }, { x: 0.3, y: 0.4 }] }] },
    ]);
  });

  it('reads the key frames of every frame the server gives, leaving the derived ones and other jobs', () => {
    const annotation = (frame: number, isKeyFrame: boolean) => ({ mid: 'm1', type: 'rectangle', categories: [{ name: 'CAR' }], isKeyFrame, boundingPoly: [{ normalizedVertices: toVertices(boxAt(track, frame)!.box) }] });
    const json: Record<string, unknown> = { assetLevel: {} };
    for (let frame = 0; frame <= 12; frame++) json[String(frame)] = { OBJECTS: { annotations: [annotation(frame, frame === 0 || frame === 10)] }, OTHER: { annotations: [{ ...annotation(frame, true), mid: 'x' }] } };
    assert.deepEqual(tracksFromJsonResponse(json, ['OBJECTS']), [track]);
    // Frame 13 given without the box: the object left there.
    json['13'] = {};
    assert.deepEqual(tracksFromJsonResponse(json, ['OBJECTS']), [{ ...track, keys: [...track.keys, { frame: 13, box: B, outside: true }] }]);
  });
});

describe('resizing a box', () => {
  it('moves the corner dragged and keeps the opposite one, whichever way it is dragged', () => {
    assert.deepEqual(resizeBox(A, 'bottom-right', { x: 0.5, y: 0.6 }), { x0: 0.1, y0: 0.2, x1: 0.5, y1: 0.6 });
    assert.deepEqual(resizeBox(A, 'top-left', { x: 0.4, y: 0.5 }), { x0: 0.3, y0: 0.4, x1: 0.4, y1: 0.5 }, 'dragged past the opposite corner, the box turns over');
  });

  it('finds the corner within reach of a press, and none elsewhere', () => {
    const reach = { x: 0.01, y: 0.01 };
    assert.equal(cornerNear(A, { x: 0.305, y: 0.195 }, reach), 'top-right');
    assert.equal(cornerNear(A, { x: 0.1, y: 0.4 }, reach), 'bottom-left');
    assert.equal(cornerNear(A, { x: 0.2, y: 0.3 }, reach), null);
  });
});

describe('objects that leave the picture (outside)', () => {
  const left = toggleOutside(track, 15);

  it('O on a shown box makes an outside key: nothing from there, the box held before it', () => {
    assert.deepEqual(left.keys.map((k) => [k.frame, k.outside ?? false]), [[0, false], [10, false], [15, true]]);
    assert.deepEqual(boxAt(left, 14), { box: B, isKeyFrame: false });
    assert.equal(boxAt(left, 15), null);
    assert.equal(boxAt(left, 40), null);
  });

  it('O on the outside key removes it; O later brings the object back with the box it left with', () => {
    assert.deepEqual(toggleOutside(left, 15), track);
    const back = toggleOutside(left, 30);
    assert.deepEqual(boxAt(back, 30), { box: B, isKeyFrame: true });
    assert.equal(boxAt(back, 29), null);
  });

  it('is written as the box on the frame before and the frame itself given without it, and read back the same', () => {
    const json = keyFramesJsonResponse([left]);
    assert.deepEqual(Object.keys(json).map(Number).sort((a, b) => a - b), [0, 10, 14, 15]);
    assert.equal(json['14']!.OBJECTS!.annotations.length, 1);
    assert.deepEqual(json['15'], {});
    // The server's every-frame answer: the box on 0…14, nothing from 15.
    const served: Record<string, unknown> = {};
    for (let frame = 0; frame < 64; frame++) {
      const shown = boxAt(left, frame);
      served[String(frame)] = shown ? { OBJECTS: { annotations: [{ mid: 'm1', type: 'rectangle', categories: [{ name: 'CAR' }], isKeyFrame: shown.isKeyFrame, boundingPoly: [{ normalizedVertices: toVertices(shown.box) }] }] } } : {};
    }
    assert.deepEqual(tracksFromJsonResponse(served, ['OBJECTS']), [left]);
  });

  it('a key frame of one track on the frame after another track\'s does not end that track', () => {
    const other: Track = { mid: 'm2', job: 'OBJECTS', category: 'CAR', keys: [{ frame: 11, box: A }] };
    const json = keyFramesJsonResponse([track, other]);
    assert.deepEqual(json['11']!.OBJECTS!.annotations.map((a) => [(a as { mid: string }).mid, (a as { isKeyFrame: boolean }).isKeyFrame]), [['m2', true], ['m1', false]]);
  });
});
