import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Blob, Box, ObjectTrack } from './motion-types.js';
import { defaultTrackerOptions, iou, ObjectTracker, pairAffinity } from './object-tracker.js';

/** A blob with this box, its moving pixels `areaPct` % of the frame (by default the box's area). */
function blob(x: number, y: number, w: number, h: number, areaPct = w * h * 100): Blob {
  return { box: { x, y, w, h }, areaPct, centroid: { x: x + w / 2, y: y + h / 2 } };
}

/** Frames every 0.2 s: `blobsAt(k)` lists frame k's blobs. */
function track(frames: number, blobsAt: (k: number) => Blob[]): ObjectTrack[] {
  const tracker = new ObjectTracker(defaultTrackerOptions);
  for (let k = 0; k < frames; k += 1) tracker.push(k * 0.2, blobsAt(k));
  return tracker.finish();
}

const summary = (objects: ObjectTrack[]) => objects.map((o) => ({ id: o.id, start: o.start, end: o.end }));
const times = (object: ObjectTrack) => object.boxes.map((s) => s.time);
const boxAt = (object: ObjectTrack, time: number): Box | undefined => object.boxes.find((s) => s.time === time)?.box;

describe('object tracker', () => {
  it('keeps two objects apart when they cross, merging into one blob on the way', () => {
    // A goes right, B left, 0.05 of the frame a frame; at frames 6-8 they overlap and the detector
    // sees one blob (the union). Frame 6: both predictions overlap it by IoU 0.5, the older (A)
    // takes it; frame 7: B's prediction matches it exactly (IoU 1) and takes it; frame 8: B's
    // prediction overlaps it by 0.5, A's by 1/3. Frame 9: each prediction, moved on by its own
    // velocity (a merge does not change it), overlaps its own object only.
    const a = (k: number) => blob(0.1 + 0.05 * k, 0.45, 0.1, 0.1);
    const b = (k: number) => blob(0.8 - 0.05 * k, 0.45, 0.1, 0.1);
    const merged = (k: number) => {
      const left = Math.min(a(k).box.x, b(k).box.x);
      const w = Math.max(a(k).box.x, b(k).box.x) + 0.1 - left;
      return blob(left, 0.45, w, 0.1);
    };
    const objects = track(13, (k) => (k >= 6 && k <= 8 ? [merged(k)] : [a(k), b(k)]));
    assert.deepEqual(summary(objects), [{ id: 1, start: 0, end: 12 * 0.2 }, { id: 2, start: 0, end: 12 * 0.2 }]);
    const [first, second] = objects as [ObjectTrack, ObjectTrack];
    assert.deepEqual(times(first), [0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 12].map((k) => k * 0.2));
    assert.deepEqual(times(second), [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12].map((k) => k * 0.2));
    assert.deepEqual(first.boxes.at(-1)!.box, a(12).box, 'the object that came from the left leaves on the right');
    assert.deepEqual(second.boxes.at(-1)!.box, b(12).box);
    assert.deepEqual(boxAt(second, 7 * 0.2), merged(7).box);
  });

  it('continues a splitting object with its best-overlapping part and starts a new track for the other', () => {
    // A 0.2 × 0.2 object (4 %) stands still, then at frame 3 splits: P (left, 0.12 wide) overlaps
    // it by IoU 0.02 / 0.044 = 0.45, Q (right, 0.08 wide) by 0.016 / 0.04 = 0.4. P goes left, Q right.
    const whole = blob(0.2, 0.4, 0.2, 0.2);
    const p = (k: number) => blob(0.18 - 0.02 * (k - 3), 0.4, 0.12, 0.2);
    const q = (k: number) => blob(0.32 + 0.04 * (k - 3), 0.4, 0.08, 0.2);
    const objects = track(9, (k) => (k < 3 ? [whole] : [q(k), p(k)]));
    assert.deepEqual(summary(objects), [{ id: 1, start: 0, end: 8 * 0.2 }, { id: 2, start: 3 * 0.2, end: 8 * 0.2 }]);
    assert.deepEqual(objects[0]!.boxes.map((s) => s.box), [whole.box, whole.box, whole.box, ...[3, 4, 5, 6, 7, 8].map((k) => p(k).box)]);
    assert.deepEqual(objects[1]!.boxes.map((s) => s.box), [3, 4, 5, 6, 7, 8].map((k) => q(k).box));
  });

  it('continues the larger of two merging objects; the other ends when the merge lasts', () => {
    // S (1 %) goes left, L (2 %, twice as wide) right; from frame 4 they move on as one blob (3 %)
    // that L's prediction matches exactly (IoU 1) and S's by 0.5. S, first seen first (the older),
    // is unseen from then on and ends at its last sighting, frame 3.
    const s = (k: number) => blob(0.6 - 0.05 * k, 0.45, 0.1, 0.1);
    const l = (k: number) => blob(0.1 + 0.05 * k, 0.45, 0.2, 0.1);
    const together = (k: number) => blob(0.3 + 0.05 * (k - 4), 0.45, 0.2, 0.1, 3);
    const objects = track(13, (k) => (k < 4 ? [s(k), l(k)] : [together(k)]));
    assert.deepEqual(summary(objects), [{ id: 1, start: 0, end: 3 * 0.2 }, { id: 2, start: 0, end: 12 * 0.2 }]);
    assert.deepEqual(objects[1]!.boxes.at(-1)!.box, together(12).box);
    assert.equal(objects[1]!.boxes.length, 13);
  });

  it('bridges a gap of up to a second, and ends a track unseen for longer', () => {
    const at = (k: number) => blob(0.1 + 0.05 * k, 0.3, 0.1, 0.1);
    // Last seen at 0.8 s, back at 1.8 s where its velocity (0.25 of the frame a second) says.
    const bridged = track(13, (k) => (k <= 4 || k >= 9 ? [at(k)] : []));
    assert.deepEqual(summary(bridged), [{ id: 1, start: 0, end: 12 * 0.2 }]);
    assert.deepEqual(times(bridged[0]!), [0, 1, 2, 3, 4, 9, 10, 11, 12].map((k) => k * 0.2));
    // Back at 2.0 s, 1.2 s later: a new track.
    const broken = track(13, (k) => (k <= 4 || k >= 10 ? [at(k)] : []));
    assert.deepEqual(summary(broken), [{ id: 1, start: 0, end: 4 * 0.2 }, { id: 2, start: 10 * 0.2, end: 12 * 0.2 }]);
  });

  it('drops one-frame, two-frame and tiny tracks as noise', () => {
    const walker = (k: number) => blob(0.1 + 0.02 * k, 0.5, 0.05, 0.15, 0.5);
    const objects = track(8, (k) => [
      walker(k),
      // A flicker of 0.08 % in every frame: below the 0.1 % an object must reach.
      blob(0.8, 0.1, 0.02, 0.02, 0.08),
      ...(k === 2 ? [blob(0.5, 0.8, 0.05, 0.05, 0.25)] : []),
      ...(k === 3 || k === 4 ? [blob(0.7, 0.7, 0.05, 0.05, 0.25)] : []),
    ]);
    assert.deepEqual(summary(objects), [{ id: 1, start: 0, end: 7 * 0.2 }]);
    assert.deepEqual(objects[0]!.boxes.at(-1)!.box, walker(7).box);
  });

  it('does not hand a track to a blob a quarter its size or less', () => {
    // The walker (0.8 %) stops moving at frame 4; a 0.15 % flicker inside its box goes on.
    const walker = blob(0.4, 0.4, 0.05, 0.15, 0.8);
    const flicker = blob(0.42, 0.45, 0.01, 0.02, 0.15);
    const objects = track(10, (k) => (k < 4 ? [walker, flicker] : [flicker]));
    assert.deepEqual(summary(objects), [{ id: 1, start: 0, end: 3 * 0.2 }, { id: 2, start: 0, end: 9 * 0.2 }]);
    assert.deepEqual(objects[1]!.boxes[0]!.box, flicker.box);
  });

  it('keeps every frame of a short track and thins a long one to at most 100 boxes, first and last exact', () => {
    // 500 frames (100 s): every frame until 100 boxes, then every 2nd, 4th, and from frame 392 every 8th.
    const at = (k: number) => blob(0.1 + 0.0015 * k, 0.3, 0.1, 0.1);
    const [object] = track(500, (k) => [at(k)]);
    const kept = [...Array.from({ length: 63 }, (_, n) => n * 8), 499];
    assert.deepEqual(times(object!), kept.map((k) => k * 0.2));
    assert.deepEqual(object!.boxes.at(-1)!.box, at(499).box);
    const [short] = track(20, (k) => [at(k)]);
    assert.equal(short!.boxes.length, 20);
  });

  it('ranks overlapping pairs by IoU, and near pairs below them by distance', () => {
    const box = { x: 0, y: 0, w: 0.2, h: 0.1 };
    assert.equal(iou(box, { x: 0.1, y: 0, w: 0.2, h: 0.1 }), 1 / 3);
    assert.equal(iou(box, { x: 0.2, y: 0, w: 0.2, h: 0.1 }), 0, 'touching is not overlapping');
    assert.equal(pairAffinity(box, box), 2);
    // Centres 0.15 apart; the larger diagonal is √(0.04 + 0.01) = 0.2236.
    assert.ok(Math.abs(pairAffinity(box, { x: 0.2, y: 0, w: 0.1, h: 0.1 }) - (1 - 0.15 / Math.sqrt(0.05))) < 1e-12);
    assert.equal(pairAffinity(box, { x: 0.5, y: 0, w: 0.1, h: 0.1 }), 0);
  });
});
