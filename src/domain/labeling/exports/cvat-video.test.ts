import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { CLASSES, iterate, key, memoryAsset, objectTrack, options, readEntries, rect } from '../../../../test/helpers/export-assets.js';
import type { Point, Track } from '../label-model.js';
import { parseCvatVideo } from './cvat-video-import.js';
import { cvatVideoExport } from './cvat-video.js';

type Shape = Record<string, string>;
interface Parsed { annotations: { meta: { task: { size: string; stop_frame: string; labels: { label: { name: string }[] }; original_size: { width: string; height: string } } }; track?: (Shape & { box?: Shape[]; polygon?: Shape[]; points?: Shape[] })[] } }

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['track', 'box', 'polygon', 'points', 'label'].includes(name), parseAttributeValue: false, parseTagValue: false });
const parse = (xml: string): Parsed => parser.parse(xml, true) as Parsed;

/** The boxes of a track as [frame, keyframe, outside, xtl, ytl, xbr, ybr] with numbers. */
const boxes = (track: { box?: Shape[] }) => (track.box ?? []).map((b) => [b.frame, b.keyframe, b.outside, b.xtl, b.ytl, b.xbr, b.ybr].map(Number));

const moving: Track = objectTrack('m1', 'rectangle', [key(0, 'CAR', rect(0.1, 0.2, 0.3, 0.4)), key(10, 'CAR', rect(0.5, 0.6, 0.7, 0.8))]);

async function exportOne(tracks: Track[], frameCount: number, overrides = {}, sizes?: Parameters<typeof memoryAsset>[3]): Promise<Parsed> {
  const files = await readEntries(cvatVideoExport(iterate([memoryAsset('clip.mp4', frameCount, tracks, sizes)]), options(overrides)));
  assert.deepEqual([...files.keys()], ['annotations.xml']);
  return parse(files.get('annotations.xml')!);
}

describe('CVAT for video export', () => {
  it('writes every frame of a track in pixels, keys marked, running to the last frame', async () => {
    const xml = await exportOne([moving], 12);
    const task = xml.annotations.meta.task;
    assert.equal(task.size, '12');
    assert.equal(task.stop_frame, '11');
    assert.deepEqual(task.labels.label.map((l) => l.name), ['Car', 'Truck & trailer']);
    assert.deepEqual([task.original_size.width, task.original_size.height], ['640', '480']);
    const [track] = xml.annotations.track!;
    assert.equal(track!.label, 'Car');
    assert.equal(track!.source, 'manual');
    const rows = boxes(track!);
    assert.equal(rows.length, 12);
    assert.deepEqual(rows[0], [0, 1, 0, 64, 96, 192, 192]);
    // Halfway between the keys: x 0.3–0.5 of 640, y 0.4–0.6 of 480.
    assert.deepEqual(rows[5], [5, 0, 0, 192, 192, 320, 288]);
    assert.deepEqual(rows[10], [10, 1, 0, 320, 288, 448, 384]);
    assert.deepEqual(rows[11], [11, 0, 0, 320, 288, 448, 384]);
  });

  it('writes key frames only when interpolation is off', async () => {
    const rows = boxes((await exportOne([moving], 12, { interpolate: false })).annotations.track![0]!);
    assert.deepEqual(rows.map((r) => r[0]), [0, 10]);
    assert.ok(rows.every((r) => r[1] === 1));
  });

  it('writes an outside key as outside="1" keyframe="1" with the last shape, and nothing in the gap', async () => {
    const a = rect(0.1, 0.1, 0.2, 0.2);
    const c = rect(0.5, 0.5, 0.75, 0.75);
    const track = objectTrack('m1', 'rectangle', [key(0, 'CAR', a), key(3, 'CAR', a, true), key(6, 'CAR', c), key(8, 'CAR', c, true)]);
    const rows = boxes((await exportOne([track], 10)).annotations.track![0]!);
    assert.deepEqual(rows, [
      [0, 1, 0, 64, 48, 128, 96], [1, 0, 0, 64, 48, 128, 96], [2, 0, 0, 64, 48, 128, 96],
      [3, 1, 1, 64, 48, 128, 96],
      [6, 1, 0, 320, 240, 480, 360], [7, 0, 0, 320, 240, 480, 360],
      [8, 1, 1, 320, 240, 480, 360],
    ]);
  });

  it('uses each frame\'s own size in a frame list', async () => {
    const held = objectTrack('m1', 'rectangle', [key(0, 'TRUCK', rect(0.1, 0.2, 0.3, 0.4))]);
    const xml = await exportOne([held], 2, {}, [{ width: 640, height: 480 }, { width: 1280, height: 720 }]);
    const track = xml.annotations.track![0]!;
    assert.equal(track.label, 'Truck & trailer');
    assert.deepEqual(boxes(track), [[0, 1, 0, 64, 96, 192, 192], [1, 0, 0, 128, 144, 384, 288]]);
  });

  it('writes polygons and markers as <polygon> and <points>, and skips classification tracks and tracks that show nothing', async () => {
    const polygon = objectTrack('p', 'polygon', [key(1, 'CAR', [{ x: 0.5, y: 0.5 }, { x: 0.75, y: 0.5 }, { x: 0.75, y: 0.25 }])]);
    const marker = objectTrack('k', 'marker', [key(0, 'CAR', [{ x: 0.25, y: 0.5 }]), key(2, 'CAR', [{ x: 0.75, y: 0.5 }])]);
    const answer: Track = { job: 'WEATHER', mid: 'WEATHER', kind: 'classification', tool: null, firstFrame: 0, lastFrame: 0, keys: [{ frame: 0, outside: false, value: { categories: [{ name: 'SUN' }] } }] };
    const pastTheEnd = objectTrack('late', 'rectangle', [key(5, 'CAR', rect(0, 0, 0.5, 0.5))]);
    const xml = await exportOne([polygon, answer, pastTheEnd, marker], 3);
    const [p, k] = xml.annotations.track!;
    assert.equal(xml.annotations.track!.length, 2);
    assert.deepEqual(p!.polygon!.map((s) => [s.frame, s.keyframe, s.points]), [['1', '1', '320,240;480,240;480,120'], ['2', '0', '320,240;480,240;480,120']]);
    assert.deepEqual(k!.points!.map((s) => [s.frame, s.keyframe, s.points]), [['0', '1', '160,240'], ['1', '0', '320,240'], ['2', '1', '480,240']]);
  });

  it('writes one escaped file per asset when there are several, and marks predictions as auto', async () => {
    const first = memoryAsset('cam <1> & "2"', 2, [moving]);
    const second = { ...memoryAsset('b.mp4', 2, []), labelType: 'PREDICTION' as const };
    const files = await readEntries(cvatVideoExport(iterate([first, second]), options()));
    const names = [...files.keys()];
    assert.equal(names.length, 2);
    assert.match(names[0]!, /^annotations\/cam _1_ & _2_-[0-9a-f]{8}\.xml$/);
    assert.equal(names[1], 'annotations/b.mp4.xml');
    assert.equal((parse(files.get(names[0]!)!).annotations.meta.task as unknown as { name: string }).name, 'cam <1> & "2"');
    const predicted = await readEntries(cvatVideoExport(iterate([{ ...memoryAsset('c', 1, [moving]), labelType: 'PREDICTION' as const }]), options()));
    assert.equal(parse(predicted.get('annotations.xml')!).annotations.track![0]!.source, 'auto');
  });
});

describe('CVAT for video import', () => {
  const near = (actual: readonly Point[], expected: readonly Point[], size: { width: number; height: number }) => {
    assert.equal(actual.length, expected.length);
    actual.forEach((p, i) => {
      assert.ok(Math.abs(p.x - expected[i]!.x) * size.width <= 0.005 + 1e-9 && Math.abs(p.y - expected[i]!.y) * size.height <= 0.005 + 1e-9, JSON.stringify({ i, p, expected: expected[i] }));
    });
  };

  it('reads back the same keys, outside flags and classes as were exported', async () => {
    const square = (cx: number, cy: number, degrees: number): Point[] => {
      const a = (degrees * Math.PI) / 180;
      return ([[-1, 1], [-1, -1], [1, -1], [1, 1]] as const).map(([sx, sy]) => ({
        x: cx + (0.1 * sx * Math.cos(a) - 0.1 * sy * Math.sin(a)) * 0.75,
        y: cy + 0.1 * sx * Math.sin(a) + 0.1 * sy * Math.cos(a),
      }));
    };
    const tracks: Track[] = [
      objectTrack('m1', 'rectangle', [key(0, 'CAR', rect(0.1, 0.2, 0.3, 0.4)), key(4, 'CAR', rect(0.11, 0.2, 0.3, 0.4), true), key(7, 'CAR', rect(0.5, 0.6, 0.7, 0.8)), key(20, 'CAR', rect(0.5, 0.6, 0.7, 0.8))]),
      objectTrack('m2', 'rectangle', [key(2, 'TRUCK', square(0.5, 0.5, 30)), key(10, 'TRUCK', square(0.4, 0.5, 300), true)]),
      objectTrack('m3', 'polyline', [key(5, 'CAR', [{ x: 0.123, y: 0.456 }, { x: 0.9, y: 0.1 }])]),
    ];
    // The rotated square is square in pixels on the 640 × 480 frames (even ones), where its keys are.
    const sizes = Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? { width: 640, height: 480 } : { width: 1280, height: 720 }));
    for (const interpolate of [true, false]) {
      const files = await readEntries(cvatVideoExport(iterate([memoryAsset('clip', 25, tracks, sizes)]), options({ interpolate })));
      const back = parseCvatVideo(files.get('annotations.xml')!, (frame) => sizes[frame]!, CLASSES);
      assert.equal(back.length, 3);
      back.forEach((track, t) => {
        const original = tracks[t]!;
        assert.deepEqual({ ...track, keys: undefined, mid: undefined }, { ...original, keys: undefined, mid: undefined });
        assert.deepEqual(track.keys.map((k) => [k.frame, k.outside, k.value.categories]), original.keys.map((k) => [k.frame, k.outside, k.value.categories]));
        track.keys.forEach((k, i) => near(k.value.points!, original.keys[i]!.value.points!, sizes[k.frame]!));
      });
    }
  });

  it('keeps an unknown label as the category with no job, and refuses what is not CVAT XML', () => {
    const xml = '<annotations><track id="3" label="Bus"><box frame="2" keyframe="1" outside="0" xtl="0" ytl="0" xbr="64" ybr="48"/><box frame="3" keyframe="0" outside="0" xtl="0" ytl="0" xbr="64" ybr="48"/></track></annotations>';
    const [track] = parseCvatVideo(xml, () => ({ width: 640, height: 480 }), CLASSES);
    assert.deepEqual(track, { job: '', mid: 'cvat-3', kind: 'object', tool: 'rectangle', firstFrame: 2, lastFrame: 2, keys: [{ frame: 2, outside: false, value: { categories: [{ name: 'Bus' }], points: rect(0, 0, 0.1, 0.1) } }] });
    assert.throws(() => parseCvatVideo('<annotations><track', () => ({ width: 1, height: 1 })), { code: 'CAMTROVE_ERR_BAD_REQUEST' });
    assert.throws(() => parseCvatVideo('<other/>', () => ({ width: 1, height: 1 })), /no <annotations>/);
    assert.throws(() => parseCvatVideo('<annotations><track id="1" label="x"><box frame="-1" keyframe="1" xtl="0" ytl="0" xbr="1" ybr="1"/></track></annotations>', () => ({ width: 1, height: 1 })), /frame "-1"/);
  });
});
