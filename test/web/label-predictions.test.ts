// The labeling tool's predictions: which are still to review, accepting and rejecting them (undone
// with the labeler's other edits, answers included), predictions of every shape and object job, and their keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { record, startHistory, undo } from '../../web/src/labeling/history.js';
import { labelingFromJsonResponse, labelingJsonResponse, tracksFromJsonResponse } from '../../web/src/labeling/json-response.js';
import { commandFor } from '../../web/src/labeling/keys.js';
import { predictionCommandFor } from '../../web/src/labeling/prediction-keys.js';
import { accept, pendingPredictions, predictedTracks, reject, type Work } from '../../web/src/labeling/predictions.js';

interface Track {
  mid: string;
  keys: number[];
}

const motion = { modelName: 'camtrove-motion', tracks: [{ mid: 'e1-1', keys: [0, 5] }, { mid: 'e1-2', keys: [3] }] };
const detector = { modelName: 'detector', tracks: [{ mid: 'car', keys: [7] }] };
const predictions = predictedTracks<Track>([motion, detector]);
const empty: Work<Track> = { tracks: [{ mid: 'mine', keys: [1] }], rejected: new Set() };
const press = (key: string, shiftKey = false) => ({ key, shiftKey, ctrlKey: false, metaKey: false, altKey: false });

describe('predictions in the labeling tool', () => {
  it('names each predicted track by its model and mid, and lists all at first', () => {
    assert.deepEqual(predictions.map((p) => p.id), ['camtrove-motion/e1-1', 'camtrove-motion/e1-2', 'detector/car']);
    assert.deepEqual(pendingPredictions(predictions, empty), predictions);
  });

  it('accepting copies the track with its key frames into the labeler\'s, and it is no longer listed', () => {
    const accepted = accept(empty, [predictions[0]!]);
    assert.deepEqual(accepted.tracks, [{ mid: 'mine', keys: [1] }, { mid: 'e1-1', keys: [0, 5] }]);
    assert.deepEqual(pendingPredictions(predictions, accepted).map((p) => p.id), ['camtrove-motion/e1-2', 'detector/car']);
    // A label saved with it (read back in a later session) does not offer it again either.
    assert.deepEqual(pendingPredictions(predictions, { tracks: accepted.tracks, rejected: new Set() }).length, 2);
    assert.equal(accept(accepted, [predictions[0]!]), accepted, 'accepting again changes nothing');
  });

  it('accepting all adds each track once, even when two models used the same mid', () => {
    const twice = predictedTracks<Track>([motion, { modelName: 'other', tracks: [{ mid: 'e1-1', keys: [9] }] }]);
    const all = accept(empty, twice);
    assert.deepEqual(all.tracks.map((t) => t.mid), ['mine', 'e1-1', 'e1-2']);
    assert.deepEqual(pendingPredictions(twice, all), []);
  });

  it('rejecting hides a prediction; undo brings back a rejected or accepted one', () => {
    let history = startHistory(empty);
    history = record(history, reject(history.present, predictions[2]!));
    assert.deepEqual(pendingPredictions(predictions, history.present).map((p) => p.id), ['camtrove-motion/e1-1', 'camtrove-motion/e1-2']);
    assert.deepEqual(history.present.tracks, empty.tracks, 'rejecting leaves the labeler\'s tracks as they were');
    history = record(history, accept(history.present, [predictions[0]!]));
    assert.deepEqual(pendingPredictions(predictions, history.present).map((p) => p.id), ['camtrove-motion/e1-2']);
    history = undo(history);
    assert.equal(pendingPredictions(predictions, history.present).length, 2);
    history = undo(history);
    assert.equal(pendingPredictions(predictions, history.present).length, 3);
  });

  it('A accepts, Shift+A accepts all, X rejects, V shows or hides; none of them is a drawing key', () => {
    assert.deepEqual(predictionCommandFor(press('a')), { kind: 'acceptPrediction' });
    assert.deepEqual(predictionCommandFor(press('A', true)), { kind: 'acceptAllPredictions' });
    assert.deepEqual(predictionCommandFor(press('x')), { kind: 'rejectPrediction' });
    assert.deepEqual(predictionCommandFor(press('v')), { kind: 'togglePredictions' });
    assert.equal(predictionCommandFor({ ...press('a'), ctrlKey: true }), null);
    for (const key of ['a', 'x', 'v']) assert.equal(commandFor(press(key)), null, key);
  });
});

describe('predictions of every shape', () => {
  const polygon = [{ x: 0.1, y: 0.1 }, { x: 0.4, y: 0.1 }, { x: 0.25, y: 0.5 }];
  const moved = polygon.map((p) => ({ x: p.x + 0.2, y: p.y }));
  // A segmenter's polygon in one job, a detector's point in another, a job the tool does not show.
  const predicted = {
    '3': {
      SHAPES: { annotations: [{ mid: 'blob', type: 'polygon', categories: [{ name: 'DOG' }], isKeyFrame: true, boundingPoly: [{ normalizedVertices: polygon }] }] },
      POINTS: { annotations: [{ mid: 'nose', type: 'marker', categories: [{ name: 'NOSE' }], isKeyFrame: true, point: { x: 0.3, y: 0.2 } }] },
      HIDDEN: { annotations: [{ mid: 'other', type: 'rectangle', categories: [{ name: 'X' }], isKeyFrame: true, boundingPoly: [{ normalizedVertices: polygon }] }] },
    },
    '8': { SHAPES: { annotations: [{ mid: 'blob', type: 'polygon', categories: [{ name: 'DOG' }], isKeyFrame: true, boundingPoly: [{ normalizedVertices: moved }] }] } },
  };
  const jobs = { objects: ['SHAPES', 'POINTS'], classifications: ['WEATHER'] };
  const shapes = predictedTracks([{ modelName: 'segmenter', tracks: tracksFromJsonResponse(predicted, jobs.objects) }]);

  it('reads polygons and points of every object job the tool shows, as tracks of their own job and shape', () => {
    assert.deepEqual(shapes.map((p) => [p.id, p.track.job, p.track.tool, p.track.keys.map((k) => k.frame)]), [
      ['segmenter/blob', 'SHAPES', 'polygon', [3, 8]],
      ['segmenter/nose', 'POINTS', 'marker', [3]],
    ]);
  });

  it('accepted, they are the labeler\'s tracks and are saved in their jobs; the answers stay, and undo takes back the acceptance only', () => {
    const labeling = labelingFromJsonResponse({ '0': { WEATHER: { categories: [{ name: 'RAIN' }], isKeyFrame: true } } }, jobs);
    let history = startHistory({ ...labeling, rejected: new Set<string>() });
    history = record(history, accept(history.present, shapes));
    assert.deepEqual(history.present.answers, labeling.answers);
    const saved = labelingFromJsonResponse(labelingJsonResponse(history.present), jobs);
    assert.deepEqual(saved.tracks, shapes.map((p) => p.track));
    assert.deepEqual(saved.answers, labeling.answers);
    history = undo(history);
    assert.deepEqual(history.present.tracks, []);
    assert.equal(pendingPredictions(shapes, history.present).length, 2);
  });
});
