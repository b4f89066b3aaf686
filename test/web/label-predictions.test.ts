// The labeling tool's predictions: which are still to review, accepting and rejecting them (undone
// with the labeler's other edits), and their keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { record, startHistory, undo } from '../../web/src/labeling/history.js';
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
