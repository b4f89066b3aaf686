import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateJsonInterface } from './json-interface.js';
import { readJsonResponse } from './json-response-read.js';
import { jsonResponseText, renderJsonResponse } from './json-response-write.js';
import type { LabelContent } from './label-model.js';

const jsonInterface = validateJsonInterface({
  jobs: {
    OBJECTS: {
      mlTask: 'OBJECT_DETECTION',
      tools: ['rectangle', 'marker', 'polygon'],
      content: { input: 'radio', categories: { CAR: { name: 'Car', children: ['COLOR'] }, PERSON: { name: 'Person' } } },
    },
    COLOR: { mlTask: 'CLASSIFICATION', isChild: true, content: { input: 'radio', categories: { RED: { name: 'Red' }, BLUE: { name: 'Blue' } } } },
    WEATHER: { mlTask: 'CLASSIFICATION', content: { input: 'radio', categories: { SUN: { name: 'Sun' }, RAIN: { name: 'Rain' } } } },
    NOTE: { mlTask: 'TRANSCRIPTION', content: { input: 'textField' } },
  },
});
let mids = 0;
const context = (frameCount: number) => ({ jsonInterface, frameCount, assetName: 'clip-1', newMid: () => `new-${++mids}` });
const rect = (x1: number, y1: number, x2: number, y2: number) => [{ normalizedVertices: [{ x: x1, y: y2 }, { x: x1, y: y1 }, { x: x2, y: y1 }, { x: x2, y: y2 }] }];
const car = (isKeyFrame: boolean, poly: unknown, children?: unknown) => ({
  ...(children !== undefined ? { children } : {}),
  isKeyFrame,
  categories: [{ name: 'CAR' }],
  mid: 'car-1',
  type: 'rectangle',
  boundingPoly: poly,
});
const render = (content: LabelContent, frameCount: number) =>
  renderJsonResponse({ assetLevel: content.assetLevel, tracks: content.tracks, keys: (t) => content.tracks.find((x) => x === t)!.keys, frameCount });

describe('Kili jsonResponse, read and written', () => {
  it('turns every-frame input into key frames and gives back the same jsonResponse', async () => {
    const input: Record<string, unknown> = {
      '0': { OBJECTS: { annotations: [car(true, rect(0, 0, 0.2, 0.2), { COLOR: { categories: [{ name: 'RED' }] } })] }, WEATHER: { categories: [{ name: 'SUN' }], isKeyFrame: true } },
      '1': { OBJECTS: { annotations: [car(false, rect(0.1, 0.1, 0.3, 0.3), { COLOR: { categories: [{ name: 'RED' }] } })] }, WEATHER: { categories: [{ name: 'SUN' }], isKeyFrame: false } },
      '2': { OBJECTS: { annotations: [car(true, rect(0.2, 0.2, 0.4, 0.4), { COLOR: { categories: [{ name: 'RED' }] } })] }, WEATHER: { categories: [{ name: 'RAIN' }], isKeyFrame: true } },
      '3': { WEATHER: { categories: [{ name: 'RAIN' }], isKeyFrame: false } },
      '4': {},
      assetLevel: { NOTE: { text: 'night shift' } },
    };
    const content = readJsonResponse(input, context(5));
    const carTrack = content.tracks.find((t) => t.mid === 'car-1')!;
    assert.deepEqual(carTrack.keys.map((k) => [k.frame, k.outside]), [[0, false], [2, false], [3, true]]);
    const weather = content.tracks.find((t) => t.job === 'WEATHER')!;
    assert.deepEqual(weather.keys.map((k) => [k.frame, k.outside]), [[0, false], [2, false], [4, true]]);
    assert.deepEqual(await render(content, 5), input);
  });

  it('accepts key frames only and derives the frames between', async () => {
    const content = readJsonResponse({
      '0': { OBJECTS: { annotations: [car(true, rect(0, 0, 0.2, 0.2))] } },
      '10': { OBJECTS: { annotations: [car(true, rect(0.5, 0.5, 0.7, 0.7))] } },
    }, context(12));
    const out = await render(content, 12);
    assert.equal(Object.keys(out).length, 12);
    const five = (out['5'] as { OBJECTS: { annotations: { isKeyFrame: boolean; boundingPoly: { normalizedVertices: { x: number; y: number }[] }[] }[] } }).OBJECTS.annotations[0]!;
    assert.equal(five.isKeyFrame, false);
    const topLeft = five.boundingPoly[0]!.normalizedVertices[1]!;
    assert.ok(Math.abs(topLeft.x - 0.25) < 1e-12 && Math.abs(topLeft.y - 0.25) < 1e-12);
    assert.ok((out['11'] as { OBJECTS?: unknown }).OBJECTS, 'a track not ended runs to the last frame');
  });

  it('does not end a track on key frames given apart', () => {
    // Frames 15 and 16 are given (for another object) while car-1 runs from 0 to 30: car-1 does not leave.
    const person = (x: number) => ({ isKeyFrame: true, categories: [{ name: 'PERSON' }], mid: 'p', type: 'marker', point: { x, y: 0.5 } });
    const content = readJsonResponse({
      '0': { OBJECTS: { annotations: [car(true, rect(0, 0, 0.2, 0.2))] } },
      '15': { OBJECTS: { annotations: [person(0.1)] } },
      '16': { OBJECTS: { annotations: [person(0.2)] } },
      '30': { OBJECTS: { annotations: [car(true, rect(0.5, 0.5, 0.7, 0.7))] } },
    }, context(31));
    assert.deepEqual(content.tracks.find((t) => t.mid === 'car-1')!.keys.map((k) => k.outside), [false, false]);
  });

  it('names the asset, frame, job and annotation of each problem', () => {
    const bad = {
      '0': { OBJECTS: { annotations: [{ ...car(true, rect(0, 0, 1.2, 0.2)) }, { ...car(true, rect(0, 0, 0.1, 0.1)), mid: 'p2', type: 'polyline' }, { ...car(true, rect(0, 0, 0.1, 0.1)), mid: 'p3', categories: [{ name: 'BUS' }] }] } },
      '1': { TRAFFIC: { categories: [{ name: 'X' }] } },
      '7': {},
    };
    assert.throws(() => readJsonResponse(bad, context(5)), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CAMTROVE_ERR_INVALID_LABEL');
      assert.match(error.message, /asset "clip-1"/);
      assert.match(error.message, /frame 0, job OBJECTS, annotation "car-1": vertex \(1\.2, 0\) is outside the frame/);
      assert.match(error.message, /frame 0, job OBJECTS, annotation "p2": type "polyline" is not a tool of this job/);
      assert.match(error.message, /annotation "p3": unknown category "BUS"/);
      assert.match(error.message, /frame 1, job TRAFFIC: unknown job/);
      assert.match(error.message, /frame 7: beyond the asset's last frame \(4\)/);
      return true;
    });
  });

  it('reads an image label without frame keys and gives it back the same way', async () => {
    const input = { OBJECTS: { annotations: [{ categories: [{ name: 'PERSON', confidence: 80 }], type: 'marker', point: { x: 0.5, y: 0.25 } }] } };
    const content = readJsonResponse(input, context(1));
    assert.equal(content.tracks.length, 1);
    const out = await renderJsonResponse({ assetLevel: null, tracks: content.tracks, keys: (t) => (t as typeof content.tracks[0]).keys, frameCount: 1 }, { singleFrame: true });
    const annotation = (out.OBJECTS as { annotations: Record<string, unknown>[] }).annotations[0]!;
    assert.deepEqual(annotation.point, { x: 0.5, y: 0.25 });
    assert.deepEqual(annotation.categories, [{ name: 'PERSON', confidence: 80 }]);
  });

  it('streams the same JSON text as the object', async () => {
    const content = readJsonResponse({ '0': { OBJECTS: { annotations: [car(true, rect(0, 0, 0.2, 0.2))] } }, assetLevel: { NOTE: { text: 'x' } } }, context(3));
    const source = { assetLevel: content.assetLevel, tracks: content.tracks, keys: (t: (typeof content.tracks)[0]) => t.keys as Iterable<never>, frameCount: 3 };
    let text = '';
    for await (const chunk of jsonResponseText(source)) text += chunk;
    assert.deepEqual(JSON.parse(text), await renderJsonResponse(source as never));
  });
});
