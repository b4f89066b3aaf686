import type { ExportAsset, ExportEntry, ExportOptions } from '../export-source.js';
import { ClassIndex } from './classes.js';
import { frameFileName, frameFilePattern, safeEntryName } from './entry-names.js';
import { walkFrames } from './frame-walk.js';
import { boundsOf, clipToFrame } from './geometry.js';
import { normalised } from './text-buffer.js';

/**
 * YOLO (Ultralytics v8 and later) labels:
 * - `data.yaml`: `nc` and `names` (class id -> name), `train`/`val` pointing at `images`;
 * - `labels/<name>.txt` per frame, `<name>` from `yoloFrameName` (the external id, then the frame
 *   index + 1 zero-padded): `class cx cy w h` for rectangles (normalised, cut to the frame, as
 *   Ultralytics rejects coordinates outside 0–1), `class x1 y1 x2 y2 ...` segment lines for polygons
 *   and semantic shapes. Markers and polylines have no YOLO form and are skipped, as are shapes whose
 *   category is not a class. With annotatedOnly=false every frame gets a file, empty when it shows no
 *   object (YOLO's background images);
 * - `video_meta.json`: per external id, frameCount and how file names map to frames.
 * Frame images are not written here: a caller exporting them adds `images/<same name>.jpg`.
 */
export async function* yoloV8Export(assets: AsyncIterable<ExportAsset>, options: ExportOptions): AsyncGenerator<ExportEntry> {
  yield { path: 'data.yaml', content: once(dataYaml(options)) };
  const classIndex = new ClassIndex(options.classes);
  const meta: Record<string, { frameCount: number; files: string; frameIndexBase: 0; fileNumberBase: 1 }> = {};
  for await (const asset of assets) {
    const name = safeEntryName(asset.externalId);
    meta[asset.externalId] = { frameCount: asset.frameCount, files: `labels/${frameFilePattern(name, asset.frameCount)}.txt`, frameIndexBase: 0, fileNumberBase: 1 };
    const objects = asset.tracks.filter((t) => t.kind === 'object');
    for await (const { frame, shown } of walkFrames(asset, objects, options.interpolate)) {
      let text = '';
      for (const { track, shown: value } of shown) {
        const points = value.value.points;
        const id = classIndex.idOf(track, value.value);
        if (!points || points.length === 0 || id === null) continue;
        if (track.tool === 'rectangle') {
          const b = clipToFrame(boundsOf(points));
          if (b) text += `${id} ${normalised((b.minX + b.maxX) / 2)} ${normalised((b.minY + b.maxY) / 2)} ${normalised(b.maxX - b.minX)} ${normalised(b.maxY - b.minY)}\n`;
        } else if ((track.tool === 'polygon' || track.tool === 'semantic') && points.length >= 3) {
          text += `${id}${points.map((p) => ` ${normalised(clamp(p.x))} ${normalised(clamp(p.y))}`).join('')}\n`;
        }
      }
      if (text === '' && options.annotatedOnly) continue;
      yield { path: `labels/${frameFileName(name, frame.index, asset.frameCount)}.txt`, content: once(text) };
    }
  }
  yield { path: 'video_meta.json', content: once(`${JSON.stringify(meta, null, 2)}\n`) };
}

/** The file name (without extension) YOLO uses for a frame of an asset, for labels and images alike. */
export function yoloFrameName(externalId: string, frame: number, frameCount: number): string {
  return frameFileName(safeEntryName(externalId), frame, frameCount);
}

function dataYaml(options: ExportOptions): string {
  const lines = [
    '# Exported by camtrove. labels/<video>_<n>.txt holds frame index n - 1 (see video_meta.json);',
    '# frame images, when exported, are images/<video>_<n>.jpg.',
    'path: .',
    'train: images',
    'val: images',
    `nc: ${options.classes.length}`,
    'names:',
    // JSON strings are valid YAML double-quoted scalars, so any name is safe this way.
    ...options.classes.map((c, id) => `  ${id}: ${JSON.stringify(c.name)}`),
  ];
  return `${lines.join('\n')}\n`;
}

const clamp = (v: number): number => Math.min(1, Math.max(0, v));

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}
