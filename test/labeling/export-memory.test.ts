import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ExportMeasure } from '../helpers/export-assets.js';
import { EXPORTERS, TRACKS } from '../helpers/measure-export.js';

const script = join(import.meta.dirname, '..', 'helpers', 'measure-export.ts');

/** Exports of 10,000 then 100,000 generated frames in a process of their own (see measure-export.ts for why). */
async function measure(format: string): Promise<[ExportMeasure, ExportMeasure]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, format, '10000', '100000'], { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout) as [ExportMeasure, ExportMeasure];
}

describe('label exports keep memory flat', () => {
  for (const name of Object.keys(EXPORTERS)) {
    it(`${name}: the heap while exporting 100,000 frames is within 20 % (or 2 MiB) of the heap at 10,000`, async (t) => {
      const [small, large] = await measure(name);
      t.diagnostic(`${name}: 100,000 frames × ${TRACKS} tracks in ${large.seconds.toFixed(1)} s (${Math.round(100_000 / large.seconds)} frames/s), ${(large.bytes / 2 ** 20).toFixed(0)} MiB of text in ${large.entries} entries; heap after GC ${small.heapAfterGcMiB.toFixed(1)} MiB at 10,000 frames, ${large.heapAfterGcMiB.toFixed(1)} MiB at 100,000; peak RSS ${large.peakRssMiB.toFixed(0)} MiB`);
      // The output grows tenfold; what the exporter holds must not. The heap is some 6 MiB, on which
      // V8's own bookkeeping moves by a MiB or two from run to run: 2 MiB is allowed for that, where
      // holding 30 bytes per frame would add more.
      assert.ok(large.bytes > 9 * small.bytes, 'the large export wrote ten times as much');
      assert.ok(large.heapAfterGcMiB <= Math.max(small.heapAfterGcMiB * 1.2, small.heapAfterGcMiB + 2), `heap ${large.heapAfterGcMiB.toFixed(2)} MiB at 100,000 frames against ${small.heapAfterGcMiB.toFixed(2)} MiB at 10,000`);
    });
  }
});
