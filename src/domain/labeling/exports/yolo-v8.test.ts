import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iterate, key, memoryAsset, objectTrack, options, readEntries, rect } from '../../../../test/helpers/export-assets.js';
import { yoloFrameName, yoloV8Export } from './yolo-v8.js';

/** A label file's lines as arrays of numbers. */
const lines = (text: string) => text.split('\n').filter(Boolean).map((line) => line.split(' ').map(Number));

const moving = objectTrack('m1', 'rectangle', [key(0, 'CAR', rect(0.1, 0.2, 0.3, 0.4)), key(10, 'CAR', rect(0.5, 0.6, 0.7, 0.8))]);

describe('YOLO v8 export', () => {
  it('writes data.yaml, a label file per frame named by frame index + 1, and video_meta.json', async () => {
    const files = await readEntries(yoloV8Export(iterate([memoryAsset('cam1', 12, [moving])]), options()));
    const names = [...files.keys()];
    assert.equal(names[0], 'data.yaml');
    assert.equal(names.at(-1), 'video_meta.json');
    assert.deepEqual(names.slice(1, -1), Array.from({ length: 12 }, (_, i) => `labels/cam1_${String(i + 1).padStart(2, '0')}.txt`));
    const yaml = files.get('data.yaml')!.split('\n');
    assert.ok(yaml.includes('nc: 2'));
    assert.deepEqual(yaml.slice(yaml.indexOf('names:') + 1, yaml.indexOf('names:') + 3), ['  0: "Car"', '  1: "Truck & trailer"']);
    assert.deepEqual(lines(files.get('labels/cam1_01.txt')!), [[0, 0.2, 0.3, 0.2, 0.2]]);
    // Frame index 5, halfway: x 0.3–0.5, y 0.4–0.6.
    assert.deepEqual(lines(files.get('labels/cam1_06.txt')!), [[0, 0.4, 0.5, 0.2, 0.2]]);
    assert.deepEqual(JSON.parse(files.get('video_meta.json')!), { cam1: { frameCount: 12, files: 'labels/cam1_%02d.txt', frameIndexBase: 0, fileNumberBase: 1 } });
    assert.equal(yoloFrameName('cam1', 5, 12), 'cam1_06');
  });

  it('writes empty files for frames without objects, or skips them with annotatedOnly', async () => {
    const gap = objectTrack('m1', 'rectangle', [key(1, 'TRUCK', rect(0, 0, 0.5, 0.5)), key(2, 'TRUCK', rect(0, 0, 0.5, 0.5), true), key(3, 'TRUCK', rect(0.5, 0.5, 1, 1)), key(4, 'TRUCK', rect(0.5, 0.5, 1, 1), true)]);
    const all = await readEntries(yoloV8Export(iterate([memoryAsset('a', 5, [gap])]), options()));
    assert.deepEqual([...all].filter(([name]) => name.startsWith('labels/')).map(([name, text]) => [name, lines(text)]), [
      ['labels/a_1.txt', []],
      ['labels/a_2.txt', [[1, 0.25, 0.25, 0.5, 0.5]]],
      ['labels/a_3.txt', []],
      ['labels/a_4.txt', [[1, 0.75, 0.75, 0.5, 0.5]]],
      ['labels/a_5.txt', []],
    ]);
    const annotated = await readEntries(yoloV8Export(iterate([memoryAsset('a', 5, [gap])]), options({ annotatedOnly: true })));
    assert.deepEqual([...annotated.keys()], ['data.yaml', 'labels/a_2.txt', 'labels/a_4.txt', 'video_meta.json']);
  });

  it('writes key frames only when interpolation is off', async () => {
    const files = await readEntries(yoloV8Export(iterate([memoryAsset('v', 12, [moving])]), options({ interpolate: false, annotatedOnly: true })));
    assert.deepEqual([...files.keys()].filter((n) => n.startsWith('labels/')), ['labels/v_01.txt', 'labels/v_11.txt']);
  });

  it('writes polygons as segments, cuts boxes to the frame, and skips markers and unknown classes', async () => {
    const tracks = [
      objectTrack('p', 'polygon', [key(0, 'TRUCK', [{ x: 0.5, y: 0.5 }, { x: 0.75, y: 0.5 }, { x: 1.25, y: 0.25 }])]),
      objectTrack('r', 'rectangle', [key(0, 'CAR', rect(-0.1, 0.5, 0.2, 1.2))]),
      objectTrack('k', 'marker', [key(0, 'CAR', [{ x: 0.5, y: 0.5 }])]),
      objectTrack('u', 'rectangle', [key(0, 'BUS', rect(0, 0, 0.1, 0.1))]),
    ];
    const files = await readEntries(yoloV8Export(iterate([memoryAsset('s', 1, tracks)]), options()));
    assert.deepEqual(lines(files.get('labels/s_1.txt')!), [[1, 0.5, 0.5, 0.75, 0.5, 1, 0.25], [0, 0.1, 0.75, 0.2, 0.5]]);
  });

  it('gives each asset its own files, names made safe', async () => {
    const files = await readEntries(yoloV8Export(iterate([memoryAsset('x', 1, [moving]), memoryAsset('site/cam 2', 1, [moving])]), options()));
    const names = [...files.keys()];
    assert.equal(names[1], 'labels/x_1.txt');
    assert.match(names[2]!, /^labels\/site_cam 2-[0-9a-f]{8}_1\.txt$/);
    assert.equal(names[2], `labels/${yoloFrameName('site/cam 2', 0, 1)}.txt`);
    assert.deepEqual(Object.keys(JSON.parse(files.get('video_meta.json')!) as object), ['x', 'site/cam 2']);
  });
});
