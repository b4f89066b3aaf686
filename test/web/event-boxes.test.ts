// What the event view draws over a clip: each object's box at the moment shown, between samples on
// the straight line from one to the next, and nothing outside its track.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boxAt, boxesAt, clipStart } from '../../web/src/events/event-boxes.js';

const track = [
  { t: 1, x: 0.1, y: 0.5, w: 0.1, h: 0.2 },
  { t: 1.2, x: 0.2, y: 0.5, w: 0.1, h: 0.2 },
  { t: 1.4, x: 0.4, y: 0.4, w: 0.2, h: 0.2 },
];

describe('the boxes over an event\'s clip', () => {
  it('interpolates between samples, keeps the ends for a moment, and shows nothing outside the track', () => {
    const close = (box: ReturnType<typeof boxAt>, expected: { x: number; y: number; w: number; h: number }) => {
      assert.ok(box);
      for (const key of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(box[key] - expected[key]) < 1e-9, `${key}: ${box[key]} against ${expected[key]}`);
    };
    close(boxAt(track, 1.1), { x: 0.15, y: 0.5, w: 0.1, h: 0.2 });
    close(boxAt(track, 1.3), { x: 0.3, y: 0.45, w: 0.15, h: 0.2 });
    close(boxAt(track, 1.2), track[1]!);
    close(boxAt(track, 0.9), track[0]!);
    close(boxAt(track, 1.5), track[2]!);
    assert.equal(boxAt(track, 0.5), null);
    assert.equal(boxAt(track, 2), null);
    assert.equal(boxAt([], 1), null);
  });

  it('draws each object seen at the moment, or the box of all motion for an event without objects', () => {
    const objects = [
      { id: 1, start: 1, end: 1.4, boxes: track },
      { id: 2, start: 3, end: 4, boxes: [{ t: 3, x: 0.7, y: 0.1, w: 0.1, h: 0.1 }, { t: 4, x: 0.8, y: 0.1, w: 0.1, h: 0.1 }] },
    ];
    assert.deepEqual(boxesAt({ objects, box_track: [] }, 1.2).map((b) => b.label), ['object 1']);
    assert.deepEqual(boxesAt({ objects, box_track: [] }, 3.5).map((b) => b.label), ['object 2']);
    assert.deepEqual(boxesAt({ objects, box_track: [] }, 2.2), []);
    assert.deepEqual(boxesAt({ objects: [], box_track: track }, 1.2).map((b) => [b.key, b.x]), [['motion', 0.2]]);
  });

  it('places the clip from its length: it ends at the event\'s end and starts at most 2 s before the event (and its reordered frames)', () => {
    assert.equal(clipStart({ start: 10, end: 14 }, 5.5), 8.5);
    assert.equal(clipStart({ start: 10, end: 14 }, 4), 10);
    // A clip a frame longer or shorter than its span stays within what the cut allows.
    assert.equal(clipStart({ start: 10, end: 14 }, 3.9), 10);
    assert.equal(clipStart({ start: 10, end: 14 }, 9), 7.5);
    // Timestamps shifted by two reordered frames: a frame shows 0.08 s later in the clip than in its video.
    assert.ok(Math.abs(clipStart({ start: 0, end: 4.8 }, 4.92) - -0.12) < 1e-9);
    assert.equal(clipStart({ start: 10, end: 14 }, Number.NaN), 10);
  });
});
