import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iterate, key, memoryAsset, objectTrack, options, readEntries, rect } from '../../../../test/helpers/export-assets.js';
import type { Track } from '../label-model.js';
import { motExport } from './mot.js';

/** gt.txt split back into rows of numbers. */
const rows = (text: string) => text.trim().split('\n').filter(Boolean).map((line) => line.split(',').map(Number));

const moving = objectTrack('m1', 'rectangle', [key(0, 'CAR', rect(0.1, 0.2, 0.3, 0.4)), key(10, 'CAR', rect(0.5, 0.6, 0.7, 0.8))]);
const polygon = objectTrack('p1', 'polygon', [key(0, 'CAR', [{ x: 0.1, y: 0.1 }, { x: 0.2, y: 0.1 }, { x: 0.2, y: 0.2 }])]);

describe('MOTChallenge export', () => {
  it('writes boxes per frame in pixels, 1-based frames, ordered by frame then track', async () => {
    // The truck starts at frame 2, before the car's second key; it is listed after the polygon (which MOT skips).
    const truck = objectTrack('t1', 'rectangle', [key(2, 'TRUCK', rect(0.5, 0.5, 0.75, 1)), key(4, 'TRUCK', rect(0.5, 0.5, 0.75, 1), true)]);
    const asset = { ...memoryAsset('cam1.mp4', 12, [moving, polygon, truck]), frameRate: 25 };
    const files = await readEntries(motExport(iterate([asset]), options()));
    assert.deepEqual([...files.keys()], ['cam1.mp4/gt/gt.txt', 'cam1.mp4/gt/labels.txt', 'cam1.mp4/seqinfo.ini']);
    const gt = rows(files.get('cam1.mp4/gt/gt.txt')!);
    assert.equal(gt.length, 12 + 2);
    assert.deepEqual(gt.slice(0, 5), [
      [1, 1, 64, 96, 128, 96, 1, 1, 1],
      [2, 1, 89.6, 115.2, 128, 96, 1, 1, 1],
      [3, 1, 115.2, 134.4, 128, 96, 1, 1, 1],
      [3, 2, 320, 240, 160, 240, 1, 2, 1],
      [4, 1, 140.8, 153.6, 128, 96, 1, 1, 1],
    ]);
    assert.deepEqual(gt[5], [4, 2, 320, 240, 160, 240, 1, 2, 1]);
    // Frame index 5 is halfway: x 192–320, y 192–288.
    assert.deepEqual(gt.find((r) => r[0] === 6), [6, 1, 192, 192, 128, 96, 1, 1, 1]);
    assert.deepEqual(gt.at(-1), [12, 1, 320, 288, 128, 96, 1, 1, 1]);
    assert.equal(files.get('cam1.mp4/gt/labels.txt'), 'Car\nTruck & trailer\n');
    assert.equal(files.get('cam1.mp4/seqinfo.ini'), [
      '; Exported by camtrove. gt.txt frames are 1-based: frame 1 is the asset\'s frame index 0.',
      '; Not written (MOT holds boxes only): 1 polygon track.',
      '[Sequence]', 'name=cam1.mp4', 'frameRate=25', 'seqLength=12', 'imWidth=640', 'imHeight=480', '',
    ].join('\n'));
  });

  it('writes key frames only when interpolation is off, each frame in its own size, and counts shapes without a class', async () => {
    const unknown: Track = objectTrack('u', 'rectangle', [key(1, 'BUS', rect(0, 0, 0.5, 0.5))]);
    const sizes = [{ width: 640, height: 480 }, { width: 1280, height: 720 }, { width: 100, height: 100 }, { width: 100, height: 100 }, { width: 100, height: 100 }, { width: 100, height: 100 }, { width: 100, height: 100 }, { width: 100, height: 100 }, { width: 100, height: 100 }, { width: 100, height: 100 }, { width: 200, height: 100 }];
    const files = await readEntries(motExport(iterate([memoryAsset('frames', 11, [moving, unknown], sizes)]), options({ interpolate: false })));
    assert.deepEqual(rows(files.get('frames/gt/gt.txt')!), [
      [1, 1, 64, 96, 128, 96, 1, 1, 1],
      [11, 1, 100, 60, 40, 20, 1, 1, 1],
    ]);
    const info = files.get('frames/seqinfo.ini')!;
    assert.match(info, /; Not written: 1 box whose category is not a class\./);
    assert.doesNotMatch(info, /frameRate/);
    assert.match(info, /imWidth=640\nimHeight=480/);
  });
});
