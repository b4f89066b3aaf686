import { trackFrames } from '../interpolation.js';
import type { KeyFrame, Point, ShapeTool, TrackHeader } from '../label-model.js';
import type { ExportAsset, ExportEntry, ExportOptions } from '../export-source.js';
import { ClassIndex } from './classes.js';
import { safeEntryName } from './entry-names.js';
import { FrameSizes } from './frame-sizes.js';
import { rectangleToBox } from './geometry.js';
import { pixels, TextBuffer } from './text-buffer.js';
import { xmlEscape } from './xml-text.js';

/**
 * CVAT for video 1.1 (the XML CVAT imports as "CVAT 1.1" into a video task): one `<track>` per object
 * track, its shapes in pixels of each frame's own size. Frames are the asset's frame indexes, 0-based,
 * as CVAT counts them.
 *
 * Every frame a track shows is written (key frames only with interpolate=false), keys with
 * keyframe="1"; an outside key is written as outside="1" keyframe="1" with the last shape, which is
 * how CVAT ends a track or opens a gap. A track whose last key is not outside gets nothing after it:
 * CVAT runs it to the end, as camtrove does.
 *
 * Decisions:
 * - rectangles are `<box>` (a rotated one with CVAT's `rotation`), polygons and semantic shapes
 *   `<polygon>`, polylines `<polyline>`, markers `<points>`;
 * - a track's label is the class name of the category at its first key (a CVAT track has one label);
 *   a category outside the classes is written under its key, and listed among the labels;
 * - classification and transcription tracks, asset-level answers and child-job answers are not
 *   written (CVAT attributes would have to be declared per label; the other formats carry none either);
 * - one file per asset, `annotations/<externalId>.xml`; a single asset gives `annotations.xml`,
 *   the name CVAT looks for in an uploaded zip.
 */
export async function* cvatVideoExport(assets: AsyncIterable<ExportAsset>, options: ExportOptions): AsyncGenerator<ExportEntry> {
  const source = assets[Symbol.asyncIterator]();
  let current = await source.next();
  if (current.done) return;
  // One asset ahead, to know whether there is a second one.
  let next = await source.next();
  if (next.done) {
    yield { path: 'annotations.xml', content: cvatVideoXml(current.value, options) };
    return;
  }
  while (!current.done) {
    yield { path: `annotations/${safeEntryName(current.value.externalId)}.xml`, content: cvatVideoXml(current.value, options) };
    current = next;
    if (!next.done) next = await source.next();
  }
}

const ELEMENT: Record<ShapeTool, string> = { rectangle: 'box', polygon: 'polygon', semantic: 'polygon', polyline: 'polyline', marker: 'points' };

/** One asset's CVAT XML, streamed. */
export async function* cvatVideoXml(asset: ExportAsset, options: ExportOptions): AsyncGenerator<string> {
  const sizes = await FrameSizes.of(asset);
  const classIndex = new ClassIndex(options.classes);
  const tracks = asset.tracks.filter((t) => t.kind === 'object' && t.tool !== null);
  const labels: string[] = [];
  for (const track of tracks) labels.push(await labelOf(asset, track, classIndex));
  const labelNames = [...new Set([...options.classes.map((c) => c.name), ...labels])];
  const { width, height } = sizes.first();
  const out = new TextBuffer();
  out.add('<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n');
  out.add(`  <!-- Exported by camtrove. Frames are 0-based asset frame indexes; coordinates in pixels of each frame as displayed. -->\n`);
  out.add(`  <meta>\n    <task>\n      <name>${xmlEscape(asset.externalId)}</name>\n      <size>${asset.frameCount}</size>\n      <mode>interpolation</mode>\n      <overlap>0</overlap>\n`);
  out.add(`      <start_frame>0</start_frame>\n      <stop_frame>${Math.max(0, asset.frameCount - 1)}</stop_frame>\n      <labels>\n`);
  for (const name of labelNames) out.add(`        <label>\n          <name>${xmlEscape(name)}</name>\n          <attributes>\n          </attributes>\n        </label>\n`);
  out.add(`      </labels>\n      <original_size>\n        <width>${width}</width>\n        <height>${height}</height>\n      </original_size>\n    </task>\n  </meta>\n`);
  const source = asset.labelType === 'PREDICTION' || asset.labelType === 'INFERENCE' ? 'auto' : 'manual';
  for (const [id, track] of tracks.entries()) {
    // Opened at the first shape: a track that shows nothing (its keys lie past the last frame) is left out.
    const openTag = `  <track id="${id}" label="${xmlEscape(labels[id]!)}" source="${source}">\n`;
    let opened = false;
    const element = ELEMENT[track.tool!];
    let last: readonly Point[] | null = null;
    const shape = (frame: number, points: readonly Point[], keyframe: boolean, outside: boolean): string => {
      const flags = `frame="${frame}" keyframe="${keyframe ? 1 : 0}" outside="${outside ? 1 : 0}" occluded="0"`;
      const size = sizes.at(frame);
      if (element === 'box') {
        const b = rectangleToBox(points, size.width, size.height);
        const rotation = b.rotation === 0 ? '' : ` rotation="${pixels(b.rotation)}"`;
        return `    <box ${flags} xtl="${pixels(b.xtl)}" ytl="${pixels(b.ytl)}" xbr="${pixels(b.xbr)}" ybr="${pixels(b.ybr)}"${rotation} z_order="0"/>\n`;
      }
      return `    <${element} ${flags} points="${points.map((p) => `${pixels(p.x * size.width)},${pixels(p.y * size.height)}`).join(';')}" z_order="0"/>\n`;
    };
    // A second reader of the keys finds the outside keys, which show nothing and so are not among the frames.
    const keys = asset.keys(track)[Symbol.asyncIterator]();
    let key = await nextKey(keys);
    try {
      const frames = trackFrames(track, asset.keys(track), asset.frameCount, {
        interpolate: options.interpolate,
        aspectOf: (frame) => {
          const s = sizes.at(frame);
          return s.height > 0 ? s.width / s.height : 1;
        },
      });
      for await (const f of frames) {
        while (key && key.frame < f.frame) {
          if (key.outside && last && out.add(shape(key.frame, key.value.points?.length ? key.value.points : last, true, true))) yield out.take();
          key = await nextKey(keys);
        }
        const points = f.value.points;
        if (!points || points.length === 0) continue;
        last = points;
        if (!opened) {
          out.add(openTag);
          opened = true;
        }
        if (out.add(shape(f.frame, points, f.isKeyFrame, false))) yield out.take();
      }
      for (; key; key = await nextKey(keys)) {
        if (key.outside && last && out.add(shape(key.frame, key.value.points?.length ? key.value.points : last, true, true))) yield out.take();
      }
    } finally {
      await keys.return?.();
    }
    if (opened) out.add('  </track>\n');
  }
  out.add('</annotations>\n');
  yield out.take();
}

async function nextKey(keys: AsyncIterator<KeyFrame>): Promise<KeyFrame | null> {
  const result = await keys.next();
  return result.done ? null : result.value;
}

/** A track's CVAT label: the class name of its first key's category (or the category key itself). */
async function labelOf(asset: ExportAsset, track: TrackHeader, classIndex: ClassIndex): Promise<string> {
  const keys = asset.keys(track)[Symbol.asyncIterator]();
  try {
    const first = await nextKey(keys);
    if (!first) return track.job;
    const id = classIndex.idOf(track, first.value);
    return id === null ? (first.value.categories?.[0]?.name ?? track.job) : classIndex.classes[id]!.name;
  } finally {
    await keys.return?.();
  }
}
