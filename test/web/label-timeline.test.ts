// The labeling tool's time line and keyboard: positions and frames, steps kept within the asset,
// the keys' commands, undo/redo, and the size a frame is drawn at.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawnSize } from '../../web/src/labeling/drawn-size.js';
import { record, redo, startHistory, undo } from '../../web/src/labeling/history.js';
import { commandFor } from '../../web/src/labeling/keys.js';
import { frameAtPosition, frameOffset, stepFrame, visibleSpans } from '../../web/src/labeling/timeline.js';

const press = (key: string, modifiers: { shiftKey?: boolean; ctrlKey?: boolean } = {}) => commandFor({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...modifiers });

describe('the time line', () => {
  it('gives each frame an equal cell and finds the frame under a point', () => {
    assert.equal(frameOffset(16, 64), 0.25);
    assert.equal(frameAtPosition(0, 640, 64), 0);
    assert.equal(frameAtPosition(159.9, 640, 64), 15);
    assert.equal(frameAtPosition(160, 640, 64), 16);
    assert.equal(frameAtPosition(700, 640, 64), 63, 'past the end is the last frame');
    assert.equal(frameAtPosition(-5, 640, 64), 0);
  });

  it('shows a track from a key frame to where it leaves, and again from where it comes back to the last frame', () => {
    const points = [{ x: 0.5, y: 0.5 }];
    const keys = [{ frame: 7, points }, { frame: 9, points }, { frame: 20, points, outside: true as const }, { frame: 30, points }];
    assert.deepEqual(visibleSpans({ mid: 'm', job: 'J', tool: 'marker', category: 'C', keys }, 64), [{ from: 7, to: 19 }, { from: 30, to: 63 }]);
    assert.deepEqual(visibleSpans({ mid: 'm', job: 'J', tool: 'marker', category: 'C', keys: [] }, 64), []);
  });

  it('steps stay within the asset', () => {
    assert.equal(stepFrame(58, 10, 64), 63);
    assert.equal(stepFrame(3, -10, 64), 0);
    assert.equal(stepFrame(3, 1, 64), 4);
  });
});

describe('the keys', () => {
  it('step one frame with the arrows or F and D, ten with Shift', () => {
    assert.deepEqual([press('ArrowRight'), press('f'), press('F', { shiftKey: true }), press('ArrowLeft', { shiftKey: true }), press('d')], [
      { kind: 'step', by: 1 },
      { kind: 'step', by: 1 },
      { kind: 'step', by: 10 },
      { kind: 'step', by: -10 },
      { kind: 'step', by: -1 },
    ]);
  });

  it('choose categories, draw, make key frames, play, save, undo and redo, and leave other keys to the browser', () => {
    assert.deepEqual(press('3'), { kind: 'category', index: 2 });
    assert.deepEqual(press('n'), { kind: 'draw' });
    assert.deepEqual(press('K', { shiftKey: true }), { kind: 'keyFrame' });
    assert.deepEqual(press(' '), { kind: 'play' });
    assert.deepEqual(press('o'), { kind: 'outside' });
    assert.deepEqual(press('s', { ctrlKey: true }), { kind: 'save' });
    assert.deepEqual(press('z', { ctrlKey: true }), { kind: 'undo' });
    assert.deepEqual(press('Z', { ctrlKey: true, shiftKey: true }), { kind: 'redo' });
    assert.deepEqual(press('?', { shiftKey: true }), { kind: 'help' });
    assert.equal(press('0'), null);
    assert.equal(press('c', { ctrlKey: true }), null, 'copy stays the browser\'s');
    assert.equal(press('Tab'), null);
  });
});

describe('undo and redo', () => {
  it('walk back and forth through edits; a new edit drops what was undone', () => {
    let history = record(record(startHistory('a'), 'b'), 'c');
    history = undo(undo(history));
    assert.equal(history.present, 'a');
    assert.equal(undo(history), history, 'nothing before the start');
    history = redo(history);
    assert.equal(history.present, 'b');
    history = record(history, 'd');
    assert.equal(redo(history).present, 'd', 'c cannot be redone after another edit');
    assert.equal(undo(history).present, 'b');
  });
});

describe('the size a frame is drawn at', () => {
  it('is the frame\'s own when the screen shows it as large or larger', () => {
    assert.deepEqual(drawnSize({ width: 320, height: 240 }, { width: 960, height: 720 }), { width: 320, height: 240 });
    assert.deepEqual(drawnSize({ width: 320, height: 240 }, null), { width: 320, height: 240 }, 'before the screen size is known');
    assert.deepEqual(drawnSize({ width: 320, height: 240 }, { width: 0, height: 0 }), { width: 320, height: 240 }, 'while hidden');
  });

  it('is the screen\'s when smaller, keeping the frame\'s shape', () => {
    assert.deepEqual(drawnSize({ width: 1920, height: 1080 }, { width: 743, height: 418 }), { width: 743, height: 418 });
    // A screen area of another shape: the frame fits inside it.
    assert.deepEqual(drawnSize({ width: 1920, height: 1080 }, { width: 960, height: 1000 }), { width: 960, height: 540 });
    assert.deepEqual(drawnSize({ width: 1920, height: 1080 }, { width: 2000, height: 270 }), { width: 480, height: 270 });
  });
});
