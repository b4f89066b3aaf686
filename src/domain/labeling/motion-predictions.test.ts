import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateJsonInterface } from './json-interface.js';
import { motionPrediction, predictionTarget } from './motion-predictions.js';

const jsonInterface = validateJsonInterface({
  jobs: {
    NOTE: { mlTask: 'TRANSCRIPTION', content: { input: 'textField' } },
    POINTS: { mlTask: 'OBJECT_DETECTION', tools: ['marker'], content: { categories: { SPOT: { name: 'Spot' } } } },
    BOXES: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle', 'polygon'], content: { categories: { DEER: { name: 'Deer' }, FOX: { name: 'Fox' } } } },
  },
});

describe('predictions from motion events', () => {
  it('go to the first rectangle job, in the category asked or its first', () => {
    assert.deepEqual(predictionTarget(jsonInterface), { job: 'BOXES', category: 'DEER' });
    assert.deepEqual(predictionTarget(jsonInterface, 'FOX'), { job: 'BOXES', category: 'FOX' });
    assert.match((predictionTarget(jsonInterface, 'BEAR') as { problem: string }).problem, /"BEAR" is not one of job BOXES's \(DEER, FOX\)/);
    assert.equal(predictionTarget(validateJsonInterface({ jobs: { NOTE: { mlTask: 'TRANSCRIPTION' } } })), null);
  });

  it('put each box on the frame whose time covers it, and end each track after its last box', () => {
    // A 10 fps asset cut from 12.0 s of media whose times start at origin 100 (frames at 112.0 … 112.9).
    const pts = Array.from({ length: 10 }, (_, i) => 112 + i / 10);
    const objects = [
      { id: 1, boxes: [{ time: 12.0, box: { x: 0.1, y: 0.2, w: 0.2, h: 0.3 } }, { time: 12.25, box: { x: 0.2, y: 0.2, w: 0.2, h: 0.3 } }] },
      { id: 2, boxes: [{ time: 12.9, box: { x: 0.9, y: 0.9, w: 0.3, h: 0.3 } }] },
      { id: 3, boxes: [{ time: 2, box: { x: 0, y: 0, w: 0.1, h: 0.1 } }] },
    ];
    const { tracks } = motionPrediction(objects, pts, 100, { job: 'BOXES', category: 'DEER' }, 'ev');
    assert.equal(tracks.length, 2, 'an object before the asset\'s frames makes no track');
    const [first, second] = tracks;
    assert.equal(first!.mid, 'ev-1');
    assert.deepEqual(first!.keys.map((k) => [k.frame, k.outside]), [[0, false], [2, false], [3, true]]);
    assert.deepEqual(first!.keys[0]!.value, { categories: [{ name: 'DEER' }], points: [{ x: 0.1, y: 0.5 }, { x: 0.1, y: 0.2 }, { x: 0.30000000000000004, y: 0.2 }, { x: 0.30000000000000004, y: 0.5 }] });
    assert.deepEqual(second!.keys.map((k) => [k.frame, k.outside]), [[9, false]], 'a box on the last frame: nothing after it to end on');
    assert.deepEqual(second!.keys[0]!.value.points, [{ x: 0.9, y: 1 }, { x: 0.9, y: 0.9 }, { x: 1, y: 0.9 }, { x: 1, y: 1 }], 'clamped to the frame');
  });
});
