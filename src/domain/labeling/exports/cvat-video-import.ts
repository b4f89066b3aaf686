import { XMLParser } from 'fast-xml-parser';
import { CamtroveError } from '../../errors.js';
import type { KeyFrame, Point, ShapeTool, Track } from '../label-model.js';
import type { ExportClass } from '../export-source.js';
import { boxToRectangle } from './geometry.js';
import type { FrameSize } from './frame-sizes.js';

/**
 * Reads CVAT for video 1.1 XML back into tracks: the key frames only (keyframe="1"), each keeping its
 * outside flag, coordinates turned from pixels of `frameSize(frame)` into Kili's normalised points.
 * The frames between keys are dropped: camtrove derives them again the way CVAT does.
 *
 * A track's label is matched to a class by name, then by category key (`classes`, as for the
 * exports); a label matching none keeps its name as the category and has an empty job, for the
 * caller to refuse or map. `mid` is "cvat-<track id>". Outside keys before a track's first shown key
 * are dropped (a track starts shown). Attributes are not read.
 */
export function parseCvatVideo(xml: string, frameSize: (frame: number) => FrameSize, classes: readonly ExportClass[] = []): Track[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    processEntities: true,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['track', 'box', 'polygon', 'polyline', 'points'].includes(name),
  });
  let document: { annotations?: { track?: RawTrack[] } | string };
  try {
    document = parser.parse(xml, true) as typeof document;
  } catch (error) {
    throw invalid(`not well-formed XML (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!document.annotations || typeof document.annotations !== 'object') {
    if (document.annotations === undefined) throw invalid('no <annotations> element');
    return [];
  }
  return (document.annotations.track ?? []).map((raw) => toTrack(raw, frameSize, classes)).filter((t): t is Track => t !== null);
}

type RawShape = Record<string, string>;
interface RawTrack { id?: string; label?: string; box?: RawShape[]; polygon?: RawShape[]; polyline?: RawShape[]; points?: RawShape[] }

const TOOLS: [keyof RawTrack, ShapeTool][] = [['box', 'rectangle'], ['polygon', 'polygon'], ['polyline', 'polyline'], ['points', 'marker']];

function toTrack(raw: RawTrack, frameSize: (frame: number) => FrameSize, classes: readonly ExportClass[]): Track | null {
  const id = raw.id ?? '';
  const label = raw.label ?? '';
  const found = TOOLS.filter(([element]) => (raw[element] as RawShape[] | undefined)?.length);
  if (found.length === 0) return null;
  if (found.length > 1) throw invalid(`track ${id} mixes ${found.map(([e]) => `<${e}>`).join(' and ')}`);
  const [element, tool] = found[0]!;
  const match = classes.find((c) => c.name === label) ?? classes.find((c) => c.category === label);
  const category = match?.category ?? label;
  const keys: KeyFrame[] = [];
  const shapes = (raw[element] as RawShape[]).map((shape) => ({ shape, frame: wholeNumber(shape.frame, `track ${id}: frame`) })).sort((a, b) => a.frame - b.frame);
  for (const { shape, frame } of shapes) {
    if (shape.keyframe !== '1') continue;
    const outside = shape.outside === '1';
    if (outside && keys.length === 0) continue;
    const size = frameSize(frame);
    const points = element === 'box'
      ? boxToRectangle({
        xtl: decimal(shape.xtl, id, frame),
        ytl: decimal(shape.ytl, id, frame),
        xbr: decimal(shape.xbr, id, frame),
        ybr: decimal(shape.ybr, id, frame),
        rotation: shape.rotation === undefined ? 0 : decimal(shape.rotation, id, frame),
      }, size.width, size.height)
      : vertices(shape.points, id, frame, size);
    keys.push({ frame, outside, value: { categories: [{ name: category }], points } });
  }
  if (keys.length === 0) return null;
  for (let i = 1; i < keys.length; i++) if (keys[i]!.frame === keys[i - 1]!.frame) throw invalid(`track ${id} has two key frames at frame ${keys[i]!.frame}`);
  return { job: match?.job ?? '', mid: `cvat-${id}`, kind: 'object', tool, firstFrame: keys[0]!.frame, lastFrame: keys.at(-1)!.frame, keys };
}

function vertices(text: string | undefined, id: string, frame: number, size: FrameSize): Point[] {
  if (!text) throw invalid(`track ${id}, frame ${frame}: a shape without points`);
  return text.split(';').map((pair) => {
    const [x, y, extra] = pair.split(',');
    if (extra !== undefined) throw invalid(`track ${id}, frame ${frame}: a point is not "x,y": ${JSON.stringify(pair)}`);
    return { x: decimal(x, id, frame) / size.width, y: decimal(y, id, frame) / size.height };
  });
}

function decimal(text: string | undefined, id: string, frame: number): number {
  const value = text === undefined || text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) throw invalid(`track ${id}, frame ${frame}: ${JSON.stringify(text ?? null)} is not a number`);
  return value;
}

function wholeNumber(text: string | undefined, what: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(`${what} ${JSON.stringify(text ?? null)} is not a whole number of at least 0`);
  return value;
}

function invalid(why: string): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `CVAT XML: ${why}`);
}
