import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Scenario, SceneObject } from '../../eval/motion/scenario.js';
import { joinByGap, movingSpans, truthEvents } from '../../eval/motion/truth.js';

const object = (path: SceneObject['path'], heightPct = 10, aspect = 1): SceneObject => ({ shape: 'box', colour: 'red', heightPct, aspect, path });
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

describe('motion evaluation truth', () => {
  it('is the time between the first and the last waypoint for an object that stays inside', () => {
    assert.deepEqual(movingSpans(object([{ t: 2, x: 0.2, y: 0.5 }, { t: 6, x: 0.8, y: 0.5 }]), 640, 360), [{ start: 2, end: 6 }]);
  });

  it('starts when an object entering through an edge first shows and ends when it has left', () => {
    // 10 % of 360 px high and square: 36 px, half of it 18 px = 0.028125 of 640 px. Centre moves 0.12 per second from −0.1.
    const [span] = movingSpans(object([{ t: 0, x: -0.1, y: 0.5 }, { t: 10, x: 1.1, y: 0.5 }]), 640, 360);
    close(span!.start, (0.1 - 0.028125) / 0.12);
    close(span!.end, (1 + 0.028125 + 0.1) / 0.12);
  });

  it('takes the height edge into account for an object entering from the top', () => {
    // Half of 10 % of the height is 0.05; the centre moves 0.12 per second from −0.1.
    const [span] = movingSpans(object([{ t: 0, x: 0.5, y: -0.1 }, { t: 10, x: 0.5, y: 1.1 }]), 640, 360);
    close(span!.start, 0.05 / 0.12);
    close(span!.end, 1.15 / 0.12);
  });

  it('splits at a pause and joins consecutive moves', () => {
    const path = [
      { t: 1, x: 0.1, y: 0.5 },
      { t: 2, x: 0.2, y: 0.5 },
      { t: 3, x: 0.3, y: 0.6 },
      { t: 5, x: 0.3, y: 0.6 },
      { t: 6, x: 0.5, y: 0.6 },
    ];
    assert.deepEqual(movingSpans(object(path), 640, 360), [{ start: 1, end: 3 }, { start: 5, end: 6 }]);
  });

  it('is empty for an object that never comes into the frame', () => {
    assert.deepEqual(movingSpans(object([{ t: 0, x: -0.5, y: 0.5 }, { t: 5, x: -0.5, y: -0.5 }]), 640, 360), []);
  });

  it('joins spans less than the gap apart, in time order, and keeps the rest apart', () => {
    const spans = [{ start: 20, end: 24 }, { start: 1, end: 3 }, { start: 2, end: 5 }, { start: 9.9, end: 12 }, { start: 17, end: 18 }];
    assert.deepEqual(joinByGap(spans, 5), [{ start: 1, end: 12 }, { start: 17, end: 24 }]);
    assert.deepEqual(joinByGap([{ start: 1, end: 2 }, { start: 7, end: 8 }], 5), [{ start: 1, end: 2 }, { start: 7, end: 8 }], 'a gap of exactly 5 s separates');
  });

  it('derives a scenario\'s events from all its objects', () => {
    const scenario: Scenario = {
      name: 'x', about: 'x', width: 640, height: 360, fps: 10, duration: 40, background: 'gradients', effects: { noise: 0, crf: 23 },
      objects: [
        object([{ t: 4, x: 0.2, y: 0.5 }, { t: 8, x: 0.6, y: 0.5 }]),
        object([{ t: 7, x: 0.5, y: 0.2 }, { t: 10, x: 0.5, y: 0.8 }]),
        object([{ t: 20, x: 0.5, y: 0.2 }, { t: 25, x: 0.5, y: 0.8 }]),
      ],
    };
    assert.deepEqual(truthEvents(scenario, 5), [{ start: 4, end: 10 }, { start: 20, end: 25 }]);
    assert.deepEqual(truthEvents({ ...scenario, objects: [] }, 5), []);
  });
});
