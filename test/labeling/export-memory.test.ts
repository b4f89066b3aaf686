import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cocoExport } from '../../src/domain/labeling/exports/coco.js';
import { cvatVideoExport } from '../../src/domain/labeling/exports/cvat-video.js';
import { motExport } from '../../src/domain/labeling/exports/mot.js';
import { yoloV8Export } from '../../src/domain/labeling/exports/yolo-v8.js';
import type { Exporter } from '../../src/domain/labeling/export-source.js';
import { generatedAsset, iterate, measureExport, options } from '../helpers/export-assets.js';

// The contract's asset: 50 rectangle tracks over the whole asset, a key every 30 frames.
const TRACKS = 50;
const KEY_EVERY = 30;
const FORMATS: [string, Exporter][] = [['cvat_video', cvatVideoExport], ['mot', motExport], ['yolo_v8', yoloV8Export], ['coco', cocoExport]];

describe('label exports keep memory flat', () => {
  for (const [name, exporter] of FORMATS) {
    it(`${name}: the heap while exporting 100,000 frames is within 20 % of the heap at 10,000`, async (t) => {
      const small = await measureExport(exporter(iterate([generatedAsset('clip', 10_000, TRACKS, KEY_EVERY)]), options()));
      const large = await measureExport(exporter(iterate([generatedAsset('clip', 100_000, TRACKS, KEY_EVERY)]), options()));
      t.diagnostic(`${name}: 100,000 frames × ${TRACKS} tracks in ${large.seconds.toFixed(1)} s (${Math.round(100_000 / large.seconds)} frames/s), ${(large.bytes / 2 ** 20).toFixed(0)} MiB of text in ${large.entries} entries; heap after GC ${small.heapAfterGcMiB.toFixed(1)} MiB at 10,000 frames, ${large.heapAfterGcMiB.toFixed(1)} MiB at 100,000; peak RSS ${large.peakRssMiB.toFixed(0)} MiB`);
      // The output grows tenfold; what the exporter holds must not.
      assert.ok(large.bytes > 9 * small.bytes, 'the large export wrote ten times as much');
      assert.ok(large.heapAfterGcMiB <= small.heapAfterGcMiB * 1.2, `heap ${large.heapAfterGcMiB.toFixed(2)} MiB at 100,000 frames against ${small.heapAfterGcMiB.toFixed(2)} MiB at 10,000`);
    });
  }
});
