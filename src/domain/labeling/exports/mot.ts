import type { TrackHeader } from '../label-model.js';
import type { ExportAsset, ExportEntry, ExportOptions } from '../export-source.js';
import { ClassIndex } from './classes.js';
import { safeEntryName } from './entry-names.js';
import { walkFrames } from './frame-walk.js';
import { boundsOf } from './geometry.js';
import { pixels, TextBuffer } from './text-buffer.js';

/**
 * MOTChallenge ground truth, per asset:
 * - `<externalId>/gt/gt.txt`: `frame,id,x,y,w,h,1,class,visibility` rows ordered by frame then id;
 *   frames 1-based (row frame 1 = asset frame index 0), pixels of that frame, x/y the box's top-left
 *   corner, id the 1-based number of the track among the asset's rectangle tracks, class the 1-based
 *   class id (line number in labels.txt), visibility 1 (camtrove records no occlusion);
 * - `<externalId>/gt/labels.txt`: the class names, one a line;
 * - `<externalId>/seqinfo.ini`: name, frameRate (when known), seqLength, imWidth, imHeight of the
 *   first frame; its comments state the frame base and the tracks not written.
 * MOT holds boxes only: tracks drawn with other tools are skipped and counted in seqinfo.ini; so are
 * shapes whose category is not among the classes. A rotated rectangle is written as its bounding box.
 */
export async function* motExport(assets: AsyncIterable<ExportAsset>, options: ExportOptions): AsyncGenerator<ExportEntry> {
  for await (const asset of assets) {
    const name = safeEntryName(asset.externalId);
    const summary = { shapesWithoutClass: 0, width: 0, height: 0 };
    yield { path: `${name}/gt/gt.txt`, content: motRows(asset, options, summary) };
    yield { path: `${name}/gt/labels.txt`, content: lines(options.classes.map((c) => oneLine(c.name))) };
    yield { path: `${name}/seqinfo.ini`, content: lines(seqInfo(asset, summary)) };
  }
}

/** Whether a track is written to MOT (object tracks drawn as rectangles). */
export function isMotTrack(track: TrackHeader): boolean {
  return track.kind === 'object' && track.tool === 'rectangle';
}

async function* motRows(asset: ExportAsset, options: ExportOptions, summary: { shapesWithoutClass: number; width: number; height: number }): AsyncGenerator<string> {
  const classIndex = new ClassIndex(options.classes);
  const out = new TextBuffer();
  for await (const { frame, shown } of walkFrames(asset, asset.tracks.filter(isMotTrack), options.interpolate)) {
    if (summary.width === 0) Object.assign(summary, { width: frame.width, height: frame.height });
    for (const { track, ordinal, shown: value } of shown) {
      const points = value.value.points;
      if (!points || points.length === 0) continue;
      const id = classIndex.idOf(track, value.value);
      if (id === null) {
        summary.shapesWithoutClass += 1;
        continue;
      }
      const b = boundsOf(points);
      const x = b.minX * frame.width;
      const y = b.minY * frame.height;
      const row = `${frame.index + 1},${ordinal + 1},${pixels(x)},${pixels(y)},${pixels(b.maxX * frame.width - x)},${pixels(b.maxY * frame.height - y)},1,${id + 1},1\n`;
      if (out.add(row)) yield out.take();
    }
  }
  yield out.take();
}

/** seqinfo.ini, read after gt.txt was written (its sizes and counts come from that walk). */
function* seqInfo(asset: ExportAsset, summary: { shapesWithoutClass: number; width: number; height: number }): Generator<string> {
  const skipped = new Map<string, number>();
  for (const t of asset.tracks) if (t.kind === 'object' && !isMotTrack(t)) skipped.set(t.tool ?? 'none', (skipped.get(t.tool ?? 'none') ?? 0) + 1);
  yield '; Exported by camtrove. gt.txt frames are 1-based: frame 1 is the asset\'s frame index 0.';
  if (skipped.size > 0) yield `; Not written (MOT holds boxes only): ${[...skipped].map(([tool, n]) => `${n} ${tool} track${n === 1 ? '' : 's'}`).join(', ')}.`;
  if (summary.shapesWithoutClass > 0) yield `; Not written: ${summary.shapesWithoutClass} box${summary.shapesWithoutClass === 1 ? '' : 'es'} whose category is not a class.`;
  yield '[Sequence]';
  yield `name=${oneLine(asset.externalId)}`;
  if (asset.frameRate && Number.isFinite(asset.frameRate)) yield `frameRate=${Math.round(asset.frameRate * 1000) / 1000}`;
  yield `seqLength=${asset.frameCount}`;
  yield `imWidth=${summary.width}`;
  yield `imHeight=${summary.height}`;
}

async function* lines(source: Iterable<string>): AsyncGenerator<string> {
  let text = '';
  for (const line of source) text += `${line}\n`;
  yield text;
}

/** A name on one line (names are free text; a line break would shift every class id after it). */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
