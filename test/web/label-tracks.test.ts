// The labeling tool's tracks: shapes derived between key frames (as the server derives them),
// edits that make key frames, and Kili's video jsonResponse both ways.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJsonResponse } from '../../src/domain/labeling/json-response-read.js';
import { renderJsonResponse } from '../../src/domain/labeling/json-response-write.js';
import { answerAt, toggled, withAnswer, type AnswerTrack } from '../../web/src/labeling/answers.js';
import { keyFramesJsonResponse, labelingFromJsonResponse, labelingJsonResponse, tracksFromJsonResponse } from '../../web/src/labeling/json-response.js';
import { cornerNear, fromVertices, hits, moveBox, moveShape, moveVertex, normalise, resizeBox, shapeAt, toggleOutside, toVertices, vertexNear, withKey, type Box, type Track } from '../../web/src/labeling/tracks.js';

const A = { x0: 0.1, y0: 0.2, x1: 0.3, y1: 0.4 };
const B = { x0: 0.5, y0: 0.2, x1: 0.9, y1: 0.8 };
const track: Track = { mid: 'm1', job: 'OBJECTS', tool: 'rectangle', category: 'CAR', keys: [{ frame: 0, points: toVertices(A) }, { frame: 10, points: toVertices(B) }] };
/** The track's shape on a frame as an upright box, and whether it is a key frame. */
const boxAt = (t: Track, frame: number): { box: Box; isKeyFrame: boolean } | null => {
  const shown = shapeAt(t, frame);
  return shown && { box: fromVertices(shown.points), isKeyFrame: shown.isKeyFrame };
};

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
    const late: Track = { ...track, keys: [{ frame: 4, points: toVertices(A) }] };
    assert.equal(boxAt(late, 3), null);
    assert.deepEqual(boxAt(late, 63), { box: A, isKeyFrame: false });
  });
});

describe('editing a track', () => {
  it('a box edited on a derived frame becomes a key frame there, in frame order', () => {
    const edited = withKey(track, 5, toVertices(B));
    assert.deepEqual(edited.keys.map((k) => k.frame), [0, 5, 10]);
    assert.deepEqual(boxAt(edited, 5), { box: B, isKeyFrame: true });
    assert.deepEqual(track.keys.length, 2, 'the earlier state is left as it was (undo keeps it)');
  });

  it('replaces the key of a key frame rather than adding a second one', () => {
    assert.deepEqual(withKey(track, 10, toVertices(A)).keys, [{ frame: 0, points: toVertices(A) }, { frame: 10, points: toVertices(A) }]);
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
    assert.deepEqual((json['0']!.OBJECTS as { annotations: object[] }).annotations, [
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
    assert.deepEqual(tracksFromJsonResponse(json, ['OBJECTS']), [{ ...track, keys: [...track.keys, { frame: 13, points: toVertices(B), outside: true }] }]);
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
    assert.equal((json['14']!.OBJECTS as { annotations: object[] }).annotations.length, 1);
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
    const other: Track = { mid: 'm2', job: 'OBJECTS', tool: 'rectangle', category: 'CAR', keys: [{ frame: 11, points: toVertices(A) }] };
    const json = keyFramesJsonResponse([track, other]);
    assert.deepEqual((json['11']!.OBJECTS as { annotations: object[] }).annotations.map((a) => [(a as { mid: string }).mid, (a as { isKeyFrame: boolean }).isKeyFrame]), [['m2', true], ['m1', false]]);
  });
});

const polygon: Track = { mid: 'p1', job: 'OBJECTS', tool: 'polygon', category: 'CAR', keys: [{ frame: 2, points: [{ x: 0.1, y: 0.1 }, { x: 0.4, y: 0.1 }, { x: 0.2, y: 0.5 }] }, { frame: 8, points: [{ x: 0.5, y: 0.5 }, { x: 0.9, y: 0.5 }, { x: 0.7, y: 0.9 }] }] };
const marker: Track = { mid: 'k1', job: 'POINTS', tool: 'marker', category: 'NOSE', keys: [{ frame: 0, points: [{ x: 0.2, y: 0.8 }] }, { frame: 4, points: [{ x: 0.6, y: 0.4 }] }, { frame: 9, points: [{ x: 0.6, y: 0.4 }], outside: true }], children: { COLOR: { categories: [{ name: 'RED' }] } } };
const rotated: Track = { mid: 'r1', job: 'OBJECTS', tool: 'rectangle', category: 'CAR', keys: [{ frame: 0, points: toVertices(A) }, { frame: 6, points: [{ x: 0.5, y: 0.6 }, { x: 0.4, y: 0.5 }, { x: 0.5, y: 0.4 }, { x: 0.6, y: 0.5 }] }] };
const jsonInterface = {
  jobs: {
    OBJECTS: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle', 'polygon', 'polyline'], content: { categories: { CAR: { name: 'Car' } } } },
    LANES: { mlTask: 'OBJECT_DETECTION', tools: ['polyline'], content: { categories: { LANE: { name: 'Lane' } } } },
    PLATE: { mlTask: 'TRANSCRIPTION', content: { input: 'textField' } },
    POINTS: { mlTask: 'OBJECT_DETECTION', tools: ['marker'], content: { categories: { NOSE: { name: 'Nose', children: ['COLOR'] } } } },
    COLOR: { mlTask: 'CLASSIFICATION', isChild: true, content: { categories: { RED: { name: 'Red' } } } },
    WEATHER: { mlTask: 'CLASSIFICATION', content: { input: 'radio', categories: { RAIN: { name: 'Rain' }, SUN: { name: 'Sun' } } } },
    SCENE: { mlTask: 'CLASSIFICATION', content: { input: 'checkbox', categories: { NIGHT: { name: 'Night' }, ROAD: { name: 'Road' } } } },
  },
};
const FRAME_COUNT = 16;

/** The server's every-frame jsonResponse for what the tool saves: read as the server reads a save, derived as it derives frames. */
async function served(json: Record<string, unknown>): Promise<Record<string, unknown>> {
  const content = readJsonResponse(json, { jsonInterface, frameCount: FRAME_COUNT, assetName: 'clip.mp4', newMid: () => 'new' });
  return renderJsonResponse({ assetLevel: content.assetLevel, tracks: content.tracks, keys: (t) => (t as (typeof content.tracks)[number]).keys, frameCount: FRAME_COUNT });
}

describe('polygons and markers', () => {
  it('moves a marker linearly and holds a polygon until its next key, as the server does', () => {
    assert.deepEqual(shapeAt(marker, 1), { points: [{ x: 0.3, y: 0.7 }], isKeyFrame: false });
    assert.deepEqual(shapeAt(polygon, 7), { points: polygon.keys[0]!.points, isKeyFrame: false });
    assert.deepEqual(shapeAt(polygon, 8), { points: polygon.keys[1]!.points, isKeyFrame: true });
    assert.equal(shapeAt(polygon, 1), null);
  });

  it('derives every frame the same as the server, rotated rectangles included', async () => {
    const frames = await served(keyFramesJsonResponse([track, polygon, marker, rotated]));
    for (const t of [track, polygon, marker, rotated]) {
      for (let frame = 0; frame < FRAME_COUNT; frame++) {
        const annotation = ((frames[String(frame)] as Record<string, { annotations: { mid: string; isKeyFrame: boolean; point?: object; boundingPoly?: { normalizedVertices: object[] }[] }[] }>)[t.job]?.annotations ?? []).find((a) => a.mid === t.mid);
        const shown = shapeAt(t, frame);
        assert.equal(!!annotation, !!shown, `${t.mid} on frame ${frame}`);
        if (!annotation || !shown) continue;
        // The frame before an outside key is written as derived and read as a key (nothing given before it): the same shape.
        if (!t.keys.some((k) => k.outside && k.frame === frame + 1)) assert.equal(annotation.isKeyFrame, shown.isKeyFrame, `${t.mid} key on frame ${frame}`);
        assert.deepEqual(annotation.point ? [annotation.point] : annotation.boundingPoly![0]!.normalizedVertices, shown.points, `${t.mid} on frame ${frame}`);
      }
    }
  });

  it('round-trips through the jsonResponse: polygons in boundingPoly, markers in point, child answers kept', async () => {
    const json = keyFramesJsonResponse([polygon, marker]);
    const written = (json['4']!.POINTS as { annotations: object[] }).annotations[0];
    assert.deepEqual(written, { mid: 'k1', type: 'marker', categories: [{ name: 'NOSE' }], isKeyFrame: true, children: { COLOR: { categories: [{ name: 'RED' }] } }, point: { x: 0.6, y: 0.4 } });
    assert.deepEqual((json['2']!.OBJECTS as { annotations: { boundingPoly: object }[] }).annotations[0]!.boundingPoly, [{ normalizedVertices: polygon.keys[0]!.points }]);
    // In the order they first appear; the frame written before the marker leaves reads as a key (with the same point).
    const markerRead = { ...marker, keys: [marker.keys[0]!, marker.keys[1]!, { frame: 8, points: marker.keys[1]!.points }, marker.keys[2]!] };
    assert.deepEqual(tracksFromJsonResponse(json, ['OBJECTS', 'POINTS']), [markerRead, polygon]);
    assert.deepEqual(tracksFromJsonResponse(await served(json), ['OBJECTS', 'POINTS']), [markerRead, polygon], 'read back from the server\'s every-frame answer');
  });

  it('moves a shape whole inside the frame, a vertex alone, and finds what a press is on', () => {
    // Stopped by the right edge: moved by 0.1, not 0.5.
    moveShape(polygon.keys[1]!.points, 0.5, 0).forEach((p, i) => {
      assert.ok(Math.abs(p.x - (polygon.keys[1]!.points[i]!.x + 0.1)) < 1e-12 && p.y === polygon.keys[1]!.points[i]!.y, `vertex ${i}`);
    });
    assert.deepEqual(moveVertex(polygon.keys[0]!.points, 2, { x: 0.3, y: 1.4 }), [{ x: 0.1, y: 0.1 }, { x: 0.4, y: 0.1 }, { x: 0.3, y: 1 }]);
    const reach = { x: 0.02, y: 0.02 };
    assert.equal(hits('polygon', polygon.keys[0]!.points, { x: 0.2, y: 0.2 }, reach), true);
    assert.equal(hits('polygon', polygon.keys[0]!.points, { x: 0.38, y: 0.4 }, reach), false, 'inside the box around the triangle, outside the triangle');
    assert.equal(hits('marker', marker.keys[0]!.points, { x: 0.21, y: 0.79 }, reach), true);
    assert.equal(vertexNear(polygon.keys[0]!.points, { x: 0.39, y: 0.11 }, reach), 1);
  });
});

describe('classification answers', () => {
  const weather: AnswerTrack = { job: 'WEATHER', keys: [{ frame: 3, categories: ['RAIN'] }, { frame: 9, categories: ['SUN'] }, { frame: 12, categories: [] }] };

  it('holds an answer from its key frame to the next, none before the first or after a cleared one', () => {
    assert.deepEqual(answerAt(weather, 2), { categories: [], isKeyFrame: false });
    assert.deepEqual(answerAt(weather, 3), { categories: ['RAIN'], isKeyFrame: true });
    assert.deepEqual(answerAt(weather, 8), { categories: ['RAIN'], isKeyFrame: false });
    assert.deepEqual(answerAt(weather, 13).categories, []);
  });

  it('choosing a category on a frame makes a key there; one category for a radio job, several for a checkbox job', () => {
    assert.deepEqual(toggled(['RAIN'], 'SUN', false), ['SUN']);
    assert.deepEqual(toggled(['NIGHT'], 'ROAD', true), ['NIGHT', 'ROAD']);
    assert.deepEqual(toggled(['NIGHT', 'ROAD'], 'NIGHT', true), ['ROAD']);
    const changed = withAnswer([weather], 'WEATHER', 5, ['SUN']);
    assert.deepEqual(changed[0]!.keys.map((k) => k.frame), [3, 5, 9, 12]);
    assert.deepEqual(withAnswer([], 'SCENE', 0, ['NIGHT']), [{ job: 'SCENE', keys: [{ frame: 0, categories: ['NIGHT'] }] }]);
    assert.deepEqual(withAnswer([], 'SCENE', 4, []), [{ job: 'SCENE', keys: [] }], 'cleared where nothing was answered: no key');
  });

  it('writes per-frame answers under the frame\'s job key and whole-asset ones under assetLevel, and reads them back through the server', async () => {
    const scene: AnswerTrack = { job: 'SCENE', keys: [{ frame: 0, categories: ['NIGHT', 'ROAD'] }] };
    const labeling = { tracks: [marker], answers: [scene, weather], assetAnswers: { WEATHER: ['SUN'], SCENE: [] } };
    const json = labelingJsonResponse(labeling);
    assert.deepEqual(json['3']!.WEATHER, { categories: [{ name: 'RAIN' }], isKeyFrame: true });
    assert.deepEqual(json['11']!.WEATHER, { categories: [{ name: 'SUN' }], isKeyFrame: false }, 'the frame before the answer is cleared');
    assert.deepEqual(json['12'], {});
    assert.deepEqual(json.assetLevel, { WEATHER: { categories: [{ name: 'SUN' }] } });
    const jobs = { objects: ['OBJECTS', 'POINTS'], classifications: ['WEATHER', 'SCENE'] };
    const frames = await served(json);
    assert.deepEqual((frames['7'] as Record<string, unknown>).WEATHER, { categories: [{ name: 'RAIN' }], isKeyFrame: false });
    // As with objects, the frame written before the answer is cleared reads as a key (the same answer).
    const weatherRead = { job: 'WEATHER', keys: [weather.keys[0]!, weather.keys[1]!, { frame: 11, categories: ['SUN'] }, weather.keys[2]!] };
    const read = { tracks: [{ ...marker, keys: [marker.keys[0]!, marker.keys[1]!, { frame: 8, points: marker.keys[1]!.points }, marker.keys[2]!] }], answers: [scene, weatherRead], assetAnswers: { WEATHER: ['SUN'] } };
    assert.deepEqual(labelingFromJsonResponse(frames, jobs), read);
    assert.deepEqual(labelingFromJsonResponse(json, jobs), read);
  });
});

describe('what the tool does not edit', () => {
  const jobs = { objects: ['OBJECTS', 'POINTS'], classifications: ['WEATHER', 'SCENE'] };
  const line = (x: number) => [{ x, y: 0.1 }, { x: x + 0.1, y: 0.5 }, { x, y: 0.9 }];
  /** A label as the server gives it back: a box, a polyline in the same job and one in a job of its own, a transcription per frame and for the video. */
  const stored = () =>
    served({
      '1': {
        OBJECTS: { annotations: [{ mid: 'box', type: 'rectangle', categories: [{ name: 'CAR' }], isKeyFrame: true, boundingPoly: [{ normalizedVertices: toVertices(A) }] }, { mid: 'road', type: 'polyline', categories: [{ name: 'CAR' }], isKeyFrame: true, polyline: line(0.2) }] },
        LANES: { annotations: [{ mid: 'lane', type: 'polyline', categories: [{ name: 'LANE' }], isKeyFrame: true, polyline: line(0.5) }] },
        PLATE: { text: 'AB 123', isKeyFrame: true },
      },
      // The lane is given again on frame 4 and not on frame 5: it leaves there.
      '4': { LANES: { annotations: [{ mid: 'lane', type: 'polyline', categories: [{ name: 'LANE' }], isKeyFrame: true, polyline: line(0.6) }] } },
      '5': {},
      '6': { OBJECTS: { annotations: [{ mid: 'road', type: 'polyline', categories: [{ name: 'CAR' }], isKeyFrame: true, polyline: line(0.3) }] }, PLATE: { text: 'CD 456', isKeyFrame: true } },
      assetLevel: { PLATE: { text: 'whole video' }, WEATHER: { categories: [{ name: 'SUN' }] } },
    });
  /** What a frame of a served label holds of the jobs and objects the tool does not edit. */
  const notEdited = (frames: Record<string, unknown>, frame: number) => {
    const content = (frames[String(frame)] ?? {}) as Record<string, { annotations?: { type: string }[] }>;
    return { road: content.OBJECTS?.annotations?.filter((a) => a.type === 'polyline'), lanes: content.LANES, plate: content.PLATE };
  };

  it('keeps polylines and transcriptions, per frame and for the video, through an edit and a save, as the server had them', async () => {
    const before = await stored();
    const labeling = labelingFromJsonResponse(before, jobs);
    assert.deepEqual(labeling.tracks.map((t) => t.mid), ['box'], 'the tool edits the box only');
    assert.deepEqual(labeling.kept!.tracks.map((t) => [t.job, t.mid ?? null, t.keys.map((k) => `${k.frame}${k.outside ? ' outside' : ''}`)]), [
      ['OBJECTS', 'road', ['1', '6']],
      ['LANES', 'lane', ['1', '4', '5 outside']],
      ['PLATE', null, ['1', '6']],
    ]);
    // A key frame of the box on frame 3, between the polyline's keys: frame 3 is given, and the others go on through it.
    const edited = { ...labeling, tracks: labeling.tracks.map((t) => withKey(t, 3, toVertices(B))) };
    const after = await served(labelingJsonResponse(edited));
    for (let frame = 0; frame < FRAME_COUNT; frame++) assert.deepEqual(notEdited(after, frame), notEdited(before, frame), `frame ${frame}`);
    assert.deepEqual(after.assetLevel, before.assetLevel);
    assert.equal(boxAt(tracksFromJsonResponse(after, ['OBJECTS'])[0]!, 3)!.isKeyFrame, true);
  });

  it('writes back only the key frames of what it keeps', async () => {
    const json = labelingJsonResponse(labelingFromJsonResponse(await stored(), jobs));
    assert.deepEqual(Object.keys(json).filter((k) => k !== 'assetLevel').map(Number).sort((a, b) => a - b), [1, 4, 5, 6]);
  });
});
