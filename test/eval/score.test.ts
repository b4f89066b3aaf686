import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, missedGoals, scoreClip, summarise } from '../../eval/motion/score.js';

describe('motion evaluation scoring', () => {
  it('matches overlapping events and measures both boundaries', () => {
    const score = scoreClip([{ start: 4, end: 10 }], [{ start: 4.2, end: 9.5 }]);
    assert.equal(score.matched, 1);
    assert.equal(score.falseEvents, 0);
    assert.deepEqual(score.boundaryErrors.map((e) => Math.round(e * 10) / 10), [0.2, 0.5]);
  });

  it('counts a prediction overlapping no true event as false, and an unfound true event as missed', () => {
    const score = scoreClip([{ start: 4, end: 10 }, { start: 30, end: 35 }], [{ start: 4, end: 10 }, { start: 18, end: 20 }]);
    assert.deepEqual({ matched: score.matched, false: score.falseEvents, truth: score.truthEvents, predicted: score.predictedEvents }, { matched: 1, false: 1, truth: 2, predicted: 2 });
  });

  it('does not match events that only touch', () => {
    assert.equal(scoreClip([{ start: 4, end: 10 }], [{ start: 10, end: 12 }]).matched, 0);
  });

  it('matches one to one: a split true event leaves the smaller piece false', () => {
    const score = scoreClip([{ start: 0, end: 10 }], [{ start: 0, end: 3 }, { start: 4, end: 10 }]);
    assert.equal(score.matched, 1);
    assert.equal(score.falseEvents, 1);
    assert.deepEqual(score.boundaryErrors, [4, 0], 'the larger overlap (4–10) is the pair');
  });

  it('matches one to one: a prediction spanning two true events finds only one of them', () => {
    const score = scoreClip([{ start: 0, end: 4 }, { start: 12, end: 20 }], [{ start: 0, end: 20 }]);
    assert.equal(score.matched, 1);
    assert.equal(score.falseEvents, 0);
    assert.deepEqual(score.boundaryErrors, [12, 0], 'paired with the true event it overlaps most');
  });

  it('gives the greedy choice to the largest overlap, not to the first event', () => {
    // Prediction 0 overlaps truth 0 by 1 s and truth 1 by 5 s; prediction 1 overlaps truth 0 by 4 s.
    const score = scoreClip([{ start: 0, end: 5 }, { start: 6, end: 20 }], [{ start: 4, end: 11 }, { start: 0, end: 4 }]);
    assert.equal(score.matched, 2);
    assert.equal(score.falseEvents, 0);
  });

  it('scores an empty clip with no predictions as perfect and every prediction on it as false', () => {
    assert.deepEqual(scoreClip([], []), { truthEvents: 0, predictedEvents: 0, matched: 0, falseEvents: 0, boundaryErrors: [] });
    assert.equal(scoreClip([], [{ start: 1, end: 2 }]).falseEvents, 1);
  });

  it('summarises recall, precision, false events by kind of clip and the pooled median boundary error', () => {
    const summary = summarise([
      scoreClip([{ start: 4, end: 10 }, { start: 20, end: 25 }], [{ start: 4.1, end: 10.3 }, { start: 14, end: 15 }]),
      scoreClip([{ start: 5, end: 8 }], [{ start: 5.2, end: 9 }]),
      scoreClip([], [{ start: 1, end: 3 }, { start: 6, end: 7 }]),
    ]);
    assert.equal(summary.clips, 3);
    assert.equal(summary.truthEvents, 3);
    assert.equal(summary.predictedEvents, 5);
    assert.equal(summary.matched, 2);
    assert.equal(summary.recall, 2 / 3);
    assert.equal(summary.precision, 2 / 5);
    assert.equal(summary.falseEventsWithObjects, 1);
    assert.equal(summary.falseEventsWithoutObjects, 2);
    // Errors 0.1, 0.3, 0.2, 1.0: median (0.2 + 0.3) / 2.
    assert.ok(Math.abs(summary.medianBoundaryError - 0.25) < 1e-9, String(summary.medianBoundaryError));
  });

  it('treats nothing to find and nothing found as perfect', () => {
    const summary = summarise([scoreClip([], [])]);
    assert.deepEqual([summary.recall, summary.precision, summary.medianBoundaryError], [1, 1, 0]);
  });

  it('takes the median of odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), 0);
  });

  it('names each goal a summary misses', () => {
    const perfect = summarise([scoreClip([{ start: 4, end: 10 }], [{ start: 4, end: 10 }]), scoreClip([], [])]);
    assert.deepEqual(missedGoals(perfect), []);
    const poor = summarise([scoreClip([{ start: 4, end: 10 }, { start: 20, end: 30 }], [{ start: 3, end: 11 }]), scoreClip([], [{ start: 1, end: 2 }])]);
    const missed = missedGoals(poor);
    assert.equal(missed.length, 4, missed.join('; '));
    assert.match(missed.join('; '), /recall 0\.500.*precision 0\.500.*1 false events on clips without objects.*median boundary error 1\.00 s/);
  });
});
