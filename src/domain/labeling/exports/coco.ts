import type { ExportAsset, ExportEntry, ExportFrame, ExportOptions } from '../export-source.js';
import { ClassIndex } from './classes.js';
import { frameFileName, safeEntryName } from './entry-names.js';
import { walkFrames, type ShownTrack } from './frame-walk.js';
import { boundsOf, polygonArea } from './geometry.js';
import { pixels, TextBuffer } from './text-buffer.js';

/**
 * COCO detection JSON, one `annotations.json` for all assets:
 * - `images`: one per frame (annotated frames only with annotatedOnly), each with its own size, its
 *   `frame_index` (0-based, as `info.frame_index_base` says) and `video` (the external id); ids
 *   count from 1 across all assets; `file_name` is `<externalId>_<frame index + 1>.jpg` (the names
 *   the YOLO export uses);
 * - `categories`: the classes, ids from 1, supercategory the job;
 * - `annotations`: rectangles as bbox (pixels, top-left x/y, width, height; rotated ones as their
 *   bounding box) with an empty segmentation; polygons and semantic shapes with their polygon in
 *   pixels and its area. Markers and polylines have no COCO detection form and are skipped, as are
 *   shapes whose category is not a class. `track_id` numbers the tracks from 1 across all assets;
 *   `attributes` tells whether the frame is a key frame and the track's mid.
 * The JSON is written as it goes: images in a first walk over the frames, annotations in a second,
 * rather than held. Only the asset objects (their track lists) are kept between the two walks.
 */
export async function* cocoExport(assets: AsyncIterable<ExportAsset>, options: ExportOptions): AsyncGenerator<ExportEntry> {
  yield { path: 'annotations.json', content: cocoJson(assets, options) };
}

interface CocoShape { shown: ShownTrack; categoryId: number; bbox: [number, number, number, number]; area: number; segmentation: number[][] }

async function* cocoJson(assets: AsyncIterable<ExportAsset>, options: ExportOptions): AsyncGenerator<string> {
  const list: ExportAsset[] = [];
  for await (const asset of assets) list.push(asset);
  const classIndex = new ClassIndex(options.classes);
  const out = new TextBuffer();
  out.add('{"info":{"description":"Exported by camtrove","frame_index_base":0},"licenses":[],\n"categories":[');
  out.add(options.classes.map((c, i) => `\n{"id":${i + 1},"name":${JSON.stringify(c.name)},"supercategory":${JSON.stringify(c.job)}}`).join(','));
  out.add('],\n"videos":[');
  out.add(list.map((a, i) => `\n{"id":${i + 1},"name":${JSON.stringify(a.externalId)},"frame_count":${a.frameCount}}`).join(','));
  out.add('],\n"images":[');
  let imageId = 0;
  for (const asset of list) {
    const name = safeEntryName(asset.externalId);
    const video = JSON.stringify(asset.externalId);
    for await (const frame of framesToList(asset, options, classIndex)) {
      imageId += 1;
      const image = `${imageId === 1 ? '' : ','}\n{"id":${imageId},"file_name":${JSON.stringify(`${frameFileName(name, frame.index, asset.frameCount)}.jpg`)},"width":${frame.width},"height":${frame.height},"frame_index":${frame.index},"video":${video}}`;
      if (out.add(image)) yield out.take();
    }
  }
  out.add('],\n"annotations":[');
  imageId = 0;
  let annotationId = 0;
  let trackBase = 0;
  for (const asset of list) {
    const objects = asset.tracks.filter((t) => t.kind === 'object');
    for await (const { frame, shown } of walkFrames(asset, objects, options.interpolate)) {
      const shapes = cocoShapes(frame, shown, classIndex);
      if (shapes.length === 0 && options.annotatedOnly) continue;
      imageId += 1;
      for (const s of shapes) {
        annotationId += 1;
        const segmentation = `[${s.segmentation.map((polygon) => `[${polygon.map(pixels).join(',')}]`).join(',')}]`;
        const attributes = `{"keyframe":${s.shown.shown.isKeyFrame},"track_mid":${JSON.stringify(s.shown.track.mid)}}`;
        const annotation = `${annotationId === 1 ? '' : ','}\n{"id":${annotationId},"image_id":${imageId},"category_id":${s.categoryId},"bbox":[${s.bbox.map(pixels).join(',')}],"area":${pixels(s.area)},"iscrowd":0,"segmentation":${segmentation},"track_id":${trackBase + s.shown.ordinal + 1},"attributes":${attributes}}`;
        if (out.add(annotation)) yield out.take();
      }
    }
    trackBase += objects.length;
  }
  out.add(']}\n');
  yield out.take();
}

/** The frames that become images: all of them, or (annotatedOnly) those with a shape, found by the same walk as the annotations'. */
async function* framesToList(asset: ExportAsset, options: ExportOptions, classIndex: ClassIndex): AsyncGenerator<ExportFrame> {
  if (!options.annotatedOnly) {
    yield* asset.frames();
    return;
  }
  const objects = asset.tracks.filter((t) => t.kind === 'object');
  for await (const { frame, shown } of walkFrames(asset, objects, options.interpolate)) {
    if (cocoShapes(frame, shown, classIndex).length > 0) yield frame;
  }
}

function cocoShapes(frame: ExportFrame, shown: readonly ShownTrack[], classIndex: ClassIndex): CocoShape[] {
  const shapes: CocoShape[] = [];
  for (const s of shown) {
    const points = s.shown.value.points;
    const id = classIndex.idOf(s.track, s.shown.value);
    if (!points || points.length === 0 || id === null) continue;
    const tool = s.track.tool;
    if (tool !== 'rectangle' && tool !== 'polygon' && tool !== 'semantic') continue;
    const inPixels = points.map((p) => ({ x: p.x * frame.width, y: p.y * frame.height }));
    const b = boundsOf(inPixels);
    const bbox: CocoShape['bbox'] = [b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY];
    if (tool === 'rectangle') shapes.push({ shown: s, categoryId: id + 1, bbox, area: bbox[2] * bbox[3], segmentation: [] });
    else shapes.push({ shown: s, categoryId: id + 1, bbox, area: polygonArea(inPixels), segmentation: [inPixels.flatMap((p) => [p.x, p.y])] });
  }
  return shapes;
}
