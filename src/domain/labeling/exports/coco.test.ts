import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iterate, key, memoryAsset, objectTrack, options, readEntries, rect } from '../../../../test/helpers/export-assets.js';
import { cocoExport } from './coco.js';

interface Coco {
  info: { frame_index_base: number };
  categories: { id: number; name: string; supercategory: string }[];
  images: { id: number; file_name: string; width: number; height: number; frame_index: number; video: string }[];
  annotations: { id: number; image_id: number; category_id: number; bbox: number[]; area: number; iscrowd: number; segmentation: number[][]; track_id: number; attributes: { keyframe: boolean; track_mid: string } }[];
}

async function exportCoco(assets: ReturnType<typeof memoryAsset>[], overrides = {}): Promise<Coco> {
  const files = await readEntries(cocoExport(iterate(assets), options(overrides)));
  assert.deepEqual([...files.keys()], ['annotations.json']);
  return JSON.parse(files.get('annotations.json')!) as Coco;
}

const moving = objectTrack('m1', 'rectangle', [key(0, 'CAR', rect(0.1, 0.2, 0.3, 0.4)), key(10, 'CAR', rect(0.5, 0.6, 0.7, 0.8))]);

describe('COCO export', () => {
  it('lists every frame as an image and every shown box as an annotation in pixels', async () => {
    const coco = await exportCoco([memoryAsset('cam1', 12, [moving])]);
    assert.equal(coco.info.frame_index_base, 0);
    assert.deepEqual(coco.categories, [{ id: 1, name: 'Car', supercategory: 'VEHICLE' }, { id: 2, name: 'Truck & trailer', supercategory: 'VEHICLE' }]);
    assert.equal(coco.images.length, 12);
    assert.deepEqual(coco.images[5], { id: 6, file_name: 'cam1_06.jpg', width: 640, height: 480, frame_index: 5, video: 'cam1' });
    assert.equal(coco.annotations.length, 12);
    assert.deepEqual(coco.annotations[5], {
      id: 6, image_id: 6, category_id: 1, bbox: [192, 192, 128, 96], area: 12288, iscrowd: 0, segmentation: [], track_id: 1,
      attributes: { keyframe: false, track_mid: 'm1' },
    });
    assert.equal(coco.annotations[10]!.attributes.keyframe, true);
  });

  it('numbers images and tracks across assets, each frame in its own size, polygons with their area', async () => {
    const polygon = objectTrack('p1', 'polygon', [key(1, 'TRUCK', [{ x: 0.5, y: 0.5 }, { x: 0.75, y: 0.5 }, { x: 0.75, y: 0.25 }])]);
    const marker = objectTrack('k1', 'marker', [key(0, 'CAR', [{ x: 0.5, y: 0.5 }])]);
    const first = memoryAsset('a', 2, [moving, polygon]);
    const second = memoryAsset('b', 2, [marker, moving], [{ width: 100, height: 100 }, { width: 1280, height: 720 }]);
    const coco = await exportCoco([first, second]);
    assert.deepEqual(coco.images.map((i) => [i.id, i.video, i.frame_index, i.width, i.height]), [[1, 'a', 0, 640, 480], [2, 'a', 1, 640, 480], [3, 'b', 0, 100, 100], [4, 'b', 1, 1280, 720]]);
    assert.deepEqual(coco.annotations.map((a) => [a.id, a.image_id, a.track_id]), [[1, 1, 1], [2, 2, 1], [3, 2, 2], [4, 3, 4], [5, 4, 4]]);
    // The triangle (320,240) (480,240) (480,120): half of 160 × 120.
    assert.deepEqual(coco.annotations[2], {
      id: 3, image_id: 2, category_id: 2, bbox: [320, 120, 160, 120], area: 9600, iscrowd: 0, segmentation: [[320, 240, 480, 240, 480, 120]], track_id: 2,
      attributes: { keyframe: true, track_mid: 'p1' },
    });
    // Frame index 1 of b is 1280 × 720: x 0.14–0.34, y 0.24–0.44.
    assert.deepEqual(coco.annotations[4]!.bbox, [179.2, 172.8, 256, 144]);
  });

  it('lists annotated frames only when asked, and key frames only without interpolation', async () => {
    const gap = objectTrack('g', 'rectangle', [key(1, 'CAR', rect(0, 0, 0.5, 0.5)), key(2, 'CAR', rect(0, 0, 0.5, 0.5), true), key(3, 'CAR', rect(0.5, 0.5, 1, 1))]);
    const coco = await exportCoco([memoryAsset('a', 5, [gap])], { annotatedOnly: true });
    assert.deepEqual(coco.images.map((i) => [i.id, i.frame_index]), [[1, 1], [2, 3], [3, 4]]);
    assert.deepEqual(coco.annotations.map((a) => [a.image_id, a.bbox]), [[1, [0, 0, 320, 240]], [2, [320, 240, 320, 240]], [3, [320, 240, 320, 240]]]);
    const keysOnly = await exportCoco([memoryAsset('a', 5, [gap])], { annotatedOnly: true, interpolate: false });
    assert.deepEqual(keysOnly.images.map((i) => i.frame_index), [1, 3]);
    assert.deepEqual(keysOnly.annotations.map((a) => a.image_id), [1, 2]);
  });
});
