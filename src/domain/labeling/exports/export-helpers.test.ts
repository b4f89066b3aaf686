import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { key, memoryAsset, objectTrack, rect } from '../../../../test/helpers/export-assets.js';
import type { KeyFrame, Track } from '../label-model.js';
import { ClassIndex, exportClasses } from './classes.js';
import { isLabelExportFormat, LABEL_EXPORT_FORMATS } from './export-formats.js';
import { frameFileName, frameFilePattern, safeEntryName } from './entry-names.js';
import { FrameSizes } from './frame-sizes.js';
import { walkFrames } from './frame-walk.js';
import { boxToRectangle, polygonArea, rectangleToBox } from './geometry.js';

describe('export classes', () => {
  it('lists the categories of object detection jobs in interface order, and finds a shape\'s class by job and category', () => {
    const classes = exportClasses({
      jobs: {
        WEATHER: { mlTask: 'CLASSIFICATION', content: { categories: { SUN: { name: 'Sun' } } } },
        VEHICLE: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], content: { categories: { CAR: { name: 'Car' }, BUS: { name: 'Bus' } } } },
        PERSON: { mlTask: 'OBJECT_DETECTION', tools: ['polygon'], content: { categories: { CAR: { name: 'Car seat' } } } },
      },
    });
    assert.deepEqual(classes, [{ job: 'VEHICLE', category: 'CAR', name: 'Car' }, { job: 'VEHICLE', category: 'BUS', name: 'Bus' }, { job: 'PERSON', category: 'CAR', name: 'Car seat' }]);
    const index = new ClassIndex(classes);
    const header = (job: string) => objectTrack('m', 'rectangle', [key(0, 'CAR', rect(0, 0, 1, 1))], job);
    assert.equal(index.idOf(header('PERSON'), { categories: [{ name: 'CAR' }] }), 2);
    assert.equal(index.idOf(header('VEHICLE'), { categories: [{ name: 'BUS' }] }), 1);
    assert.equal(index.idOf(header('VEHICLE'), { categories: [{ name: 'TRAM' }] }), null);
    assert.equal(index.idOf(header('VEHICLE'), {}), null);
  });
});

describe('export file names', () => {
  it('keeps a safe external id as it is and gives a changed one a hash of the original', () => {
    assert.equal(safeEntryName('cam1_2024-05-01.mp4'), 'cam1_2024-05-01.mp4');
    assert.match(safeEntryName('a/b'), /^a_b-[0-9a-f]{8}$/);
    assert.notEqual(safeEntryName('a/b'), safeEntryName('a\\b'));
    assert.notEqual(safeEntryName('a/b'), 'a_b');
    assert.match(safeEntryName('..'), /^_-[0-9a-f]{8}$/);
    assert.match(safeEntryName('x\u0000:y'), /^x__y-[0-9a-f]{8}$/);
  });

  it('numbers frames from 1, padded to the digits of the frame count', () => {
    assert.equal(frameFileName('cam', 0, 9), 'cam_1');
    assert.equal(frameFileName('cam', 6, 120), 'cam_007');
    assert.equal(frameFileName('cam', 99_999, 100_000), 'cam_100000');
    assert.equal(frameFilePattern('cam', 120), 'cam_%03d');
    assert.equal(frameFilePattern('50%', 10), '50%%_%02d');
  });
});

describe('frame sizes', () => {
  it('keeps runs of equal sizes and answers any frame', async () => {
    const sizes = await FrameSizes.of(memoryAsset('f', 5, [], [{ width: 640, height: 480 }, { width: 640, height: 480 }, { width: 100, height: 50 }, { width: 640, height: 480 }, { width: 640, height: 480 }]));
    assert.deepEqual([0, 1, 2, 3, 4].map((f) => sizes.at(f)), [{ width: 640, height: 480 }, { width: 640, height: 480 }, { width: 100, height: 50 }, { width: 640, height: 480 }, { width: 640, height: 480 }]);
    assert.deepEqual(sizes.first(), { width: 640, height: 480 });
  });
});

describe('CVAT boxes', () => {
  it('turns an upright rectangle into its corners in pixels, and a rotated one into its unrotated box and angle', () => {
    assert.deepEqual(rectangleToBox(rect(0.1, 0.2, 0.3, 0.4), 640, 480), { xtl: 64, ytl: 96, xbr: 192, ybr: 192, rotation: 0 });
    // A 100 × 50 pixel box centred on (320, 240), turned 90° clockwise: its bottom edge (bottom-left to
    // bottom-right) points down, and its top-left corner is right of its bottom-left one.
    const turned = [{ x: 295, y: 190 }, { x: 345, y: 190 }, { x: 345, y: 290 }, { x: 295, y: 290 }].map((p) => ({ x: p.x / 640, y: p.y / 480 }));
    const box = rectangleToBox(turned, 640, 480);
    assert.deepEqual([box.xtl, box.ytl, box.xbr, box.ybr, box.rotation].map((v) => Math.round(v * 1e9) / 1e9), [270, 215, 370, 265, 90]);
    boxToRectangle(box, 640, 480).forEach((p, i) => assert.ok(Math.abs(p.x - turned[i]!.x) < 1e-12 && Math.abs(p.y - turned[i]!.y) < 1e-12));
  });

  it('measures a polygon\'s area', () => {
    assert.equal(polygonArea([{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 3 }]), 6);
  });
});

describe('the frame-by-frame walk', () => {
  it('reads a track\'s keys only from its first frame, and closes them when the walk stops early', async () => {
    const opened: number[] = [];
    let closed = 0;
    const late: Track = objectTrack('late', 'rectangle', [key(3, 'CAR', rect(0, 0, 0.5, 0.5)), key(5, 'CAR', rect(0, 0, 0.5, 0.5), true)]);
    const early: Track = objectTrack('early', 'rectangle', [key(0, 'CAR', rect(0.5, 0.5, 1, 1))]);
    const asset = memoryAsset('w', 10, [late, early]);
    let frame = -1;
    asset.keys = async function* (track): AsyncGenerator<KeyFrame> {
      opened.push(frame);
      try {
        yield* (track as Track).keys;
      } finally {
        closed += 1;
      }
    };
    const seen: [number, string[]][] = [];
    for await (const step of walkFrames(asset, asset.tracks, true)) {
      frame = step.frame.index;
      seen.push([step.frame.index, step.shown.map((s) => `${s.ordinal}${s.shown.isKeyFrame ? '*' : ''}`)]);
      if (frame === 6) break;
    }
    // Ordered by the tracks' order, not by when they started; the late track ends at its outside key.
    assert.deepEqual(seen, [[0, ['1*']], [1, ['1']], [2, ['1']], [3, ['0*', '1']], [4, ['0', '1']], [5, ['1']], [6, ['1']]]);
    assert.deepEqual(opened, [-1, 2], 'the late track\'s keys are opened when the walk reaches frame 3');
    assert.equal(closed, 2);
  });
});

describe('export format names', () => {
  it('knows the four formats and nothing else', () => {
    assert.deepEqual(Object.keys(LABEL_EXPORT_FORMATS), ['cvat_video', 'mot', 'yolo_v8', 'coco']);
    assert.equal(isLabelExportFormat('coco'), true);
    assert.equal(isLabelExportFormat('toString'), false);
    assert.equal(isLabelExportFormat('yolo'), false);
  });
});
