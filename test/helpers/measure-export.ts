// Measures one label export of a generated asset and prints the figures as JSON:
// `node --import tsx test/helpers/measure-export.ts <format> <frames> [<frames>...]`.
// It runs in a process of its own because Node's test runner tracks every promise of a test, which
// makes an export of millions of awaited steps several times slower than it is.
import type { Exporter } from '../../src/domain/labeling/export-source.js';
import { LABEL_EXPORT_FORMATS } from '../../src/domain/labeling/exports/export-formats.js';
import { generatedAsset, iterate, measureExport, options } from './export-assets.js';

export const EXPORTERS: Record<string, Exporter> = LABEL_EXPORT_FORMATS;
/** The contract's asset: 50 rectangle tracks over the whole asset, a key every 30 frames. */
export const TRACKS = 50;
export const KEY_EVERY = 30;

if (import.meta.url === `file://${process.argv[1]}`) {
  const [format, ...counts] = process.argv.slice(2);
  const exporter = EXPORTERS[format ?? ''];
  if (!exporter || counts.length === 0) throw new Error(`usage: measure-export.ts <${Object.keys(EXPORTERS).join('|')}> <frames>...`);
  const results = [];
  for (const frames of counts.map(Number)) {
    results.push({ frames, ...(await measureExport(exporter(iterate([generatedAsset('clip', frames, TRACKS, KEY_EVERY)]), options()))) });
  }
  console.log(JSON.stringify(results));
}
