import { CamtroveError } from '../errors.js';
import type { JobDefinition, JsonInterface } from './json-interface.js';
import type { CategoryAnswer, KeyValue, LabelContent, Point, ShapeTool, Track } from './label-model.js';

/**
 * Kili's jsonResponse read into tracks of key frames, checked against the project's interface.
 *
 * A video jsonResponse is keyed by frame index ("0"…"N-1"), plus `assetLevel` for whole-asset
 * answers; an image's (or a one-frame asset's) is the jobs themselves. Either every frame is given
 * or only some (key frames): frames not given are derived. In the frames given:
 * - an answer is a key frame unless it says `isKeyFrame: false` and continues a run of its track
 *   from the frame just before (so per-frame detections without the flag become key frames);
 * - a track shown on one given frame and missing from the next one given ends there (an `outside`
 *   key), which is how Kili's every-frame format says an object left.
 * Every problem found is reported, naming the asset, frame, job and annotation, up to a limit.
 */

export interface JsonResponseContext {
  jsonInterface: JsonInterface;
  /** Frames the asset has (frame indexes run 0…frameCount-1). */
  frameCount: number;
  /** How the asset is named in errors (its externalId). */
  assetName: string;
  /** Makes a track id for an image annotation given without `mid`. */
  newMid: () => string;
}

const MAX_PROBLEMS = 20;
const FRAME_KEY = /^(0|[1-9]\d*)$/;
const ASSET_LEVEL = 'assetLevel';

interface FrameAnswer { mid: string; job: string; kind: Track['kind']; tool: ShapeTool | null; key: boolean; value: KeyValue; where: string }

export function readJsonResponse(jsonResponse: unknown, context: JsonResponseContext): LabelContent {
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  if (!isObject(jsonResponse)) throw invalid(context, [`jsonResponse must be an object keyed by frame index, got ${describe(jsonResponse)}`]);
  const jobs = context.jsonInterface.jobs;
  const keys = Object.keys(jsonResponse);
  const framed = keys.some((k) => FRAME_KEY.test(k) || k === ASSET_LEVEL) || keys.length === 0;
  const frames: [number, Record<string, unknown>][] = [];
  let assetLevel: Record<string, unknown> | null = null;
  if (!framed) {
    frames.push([0, jsonResponse]);
  } else {
    for (const key of keys) {
      const value = jsonResponse[key];
      if (key === ASSET_LEVEL) {
        if (!isObject(value)) problem(`assetLevel must be an object of job answers, got ${describe(value)}`);
        else {
          for (const job of Object.keys(value)) if (!Object.hasOwn(jobs, job)) problem(`assetLevel: unknown job "${job}"`);
          assetLevel = value;
        }
        continue;
      }
      if (!FRAME_KEY.test(key)) {
        problem(`"${key}" is not a frame index (frames are "0"…"${context.frameCount - 1}")`);
        continue;
      }
      const index = Number(key);
      if (index >= context.frameCount) problem(`frame ${index}: beyond the asset's last frame (${context.frameCount - 1})`);
      else if (!isObject(value)) problem(`frame ${index}: must be an object of job answers, got ${describe(value)}`);
      else frames.push([index, value]);
    }
  }
  frames.sort((a, b) => a[0] - b[0]);

  const tracks = new Map<string, Track>();
  /** The tracks shown on the frame given last, and that frame. */
  let shownBefore = new Set<string>();
  let previousFrame = -2;
  for (const [index, content] of frames) {
    const answers: FrameAnswer[] = [];
    for (const [job, answer] of Object.entries(content)) {
      const definition = Object.hasOwn(jobs, job) ? jobs[job] : undefined;
      const at = `frame ${index}, job ${job}`;
      if (!definition) {
        problem(`${at}: unknown job (the interface has ${Object.keys(jobs).join(', ') || 'no jobs'})`);
        continue;
      }
      if (definition.isChild) {
        problem(`${at}: a child job is answered inside its parent's annotation ("children"), not on its own`);
        continue;
      }
      readJobAnswer(job, definition, answer, at, jobs, context, answers, problem);
    }
    const shownHere = new Set<string>();
    for (const answer of answers) {
      const id = trackId(answer.job, answer.mid);
      if (shownHere.has(id)) {
        problem(`${answer.where}: mid "${answer.mid}" appears twice on this frame`);
        continue;
      }
      shownHere.add(id);
      let track = tracks.get(id);
      if (!track) {
        track = { job: answer.job, mid: answer.mid, kind: answer.kind, tool: answer.tool, firstFrame: index, lastFrame: index, keys: [] };
        tracks.set(id, track);
      } else if (track.tool !== answer.tool || track.kind !== answer.kind) {
        problem(`${answer.where}: mid "${answer.mid}" is a ${track.tool ?? track.kind} on frame ${track.firstFrame} and a ${answer.tool ?? answer.kind} here`);
        continue;
      }
      const continues = previousFrame === index - 1 && shownBefore.has(id);
      const lastKey = track.keys.at(-1);
      if (answer.key || !continues || !lastKey || lastKey.outside) track.keys.push({ frame: index, outside: false, value: answer.value });
    }
    // Tracks shown on the frame given just before and not on this one left here.
    if (previousFrame === index - 1) {
      for (const id of shownBefore) {
        if (shownHere.has(id)) continue;
        const track = tracks.get(id)!;
        track.keys.push({ frame: index, outside: true, value: track.keys.at(-1)!.value });
      }
    }
    shownBefore = shownHere;
    previousFrame = index;
  }
  if (problems.length > 0) throw invalid(context, problems);
  const result = [...tracks.values()];
  for (const track of result) track.lastFrame = track.keys.at(-1)!.frame;
  return { assetLevel, tracks: result };
}

const trackId = (job: string, mid: string): string => `${job}\u0000${mid}`;

function readJobAnswer(
  job: string,
  definition: JobDefinition,
  answer: unknown,
  at: string,
  jobs: JsonInterface['jobs'],
  context: JsonResponseContext,
  out: FrameAnswer[],
  problem: (text: string) => void,
): void {
  if (!isObject(answer)) {
    problem(`${at}: must be an object, got ${describe(answer)}`);
    return;
  }
  const key = answer.isKeyFrame !== false;
  if (definition.mlTask === 'CLASSIFICATION') {
    const categories = readCategories(answer.categories, definition, at, problem);
    if (categories) out.push({ mid: job, job, kind: 'classification', tool: null, key, value: withChildren({ categories }, answer, definition, at, jobs, problem), where: at });
    return;
  }
  if (definition.mlTask === 'TRANSCRIPTION') {
    if (typeof answer.text !== 'string') problem(`${at}: a transcription needs "text", a string`);
    else out.push({ mid: job, job, kind: 'transcription', tool: null, key, value: { text: answer.text }, where: at });
    return;
  }
  if (!Array.isArray(answer.annotations)) {
    problem(`${at}: an object detection answer needs "annotations", an array`);
    return;
  }
  answer.annotations.forEach((annotation: unknown, n: number) => {
    const where = `${at}, annotation ${isObject(annotation) && typeof annotation.mid === 'string' ? `"${annotation.mid}"` : n}`;
    if (!isObject(annotation)) {
      problem(`${where}: must be an object`);
      return;
    }
    let mid = annotation.mid;
    if (mid === undefined && context.frameCount === 1) mid = context.newMid();
    if (typeof mid !== 'string' || mid === '') {
      problem(`${where}: needs "mid", the object's id, the same on every frame it is on`);
      return;
    }
    const tool = annotation.type;
    const tools = definition.tools ?? [];
    if (typeof tool !== 'string' || !tools.includes(tool)) {
      problem(`${where}: type ${JSON.stringify(tool)} is not a tool of this job (${tools.join(', ')})`);
      return;
    }
    const categories = readCategories(annotation.categories, definition, where, problem);
    const points = readPoints(tool as ShapeTool, annotation, where, problem);
    if (!categories || !points) return;
    const value = withChildren({ categories, points }, annotation, definition, where, jobs, problem);
    out.push({ mid, job, kind: 'object', tool: tool as ShapeTool, key: annotation.isKeyFrame !== false, value, where });
  });
}

function readCategories(value: unknown, definition: JobDefinition, at: string, problem: (text: string) => void): CategoryAnswer[] | null {
  if (!Array.isArray(value) || value.length === 0) {
    problem(`${at}: needs "categories", a non-empty array of {name}`);
    return null;
  }
  const known = definition.content?.categories ?? {};
  const answers: CategoryAnswer[] = [];
  for (const category of value) {
    if (!isObject(category) || typeof category.name !== 'string') {
      problem(`${at}: each category must be {name, confidence?}, got ${describe(category)}`);
      return null;
    }
    if (!Object.hasOwn(known, category.name)) {
      problem(`${at}: unknown category "${category.name}" (this job has ${Object.keys(known).join(', ') || 'none'})`);
      return null;
    }
    if (category.confidence !== undefined && (typeof category.confidence !== 'number' || !(category.confidence >= 0 && category.confidence <= 100))) {
      problem(`${at}: category "${category.name}": confidence must be a number from 0 to 100`);
      return null;
    }
    answers.push(category.confidence === undefined ? { name: category.name } : { name: category.name, confidence: category.confidence });
  }
  return answers;
}

const MIN_VERTICES: Record<ShapeTool, number> = { rectangle: 4, polygon: 3, semantic: 3, polyline: 2, marker: 1 };

function readPoints(tool: ShapeTool, annotation: Record<string, unknown>, at: string, problem: (text: string) => void): Point[] | null {
  let raw: unknown;
  if (tool === 'marker') raw = annotation.point === undefined ? undefined : [annotation.point];
  else if (tool === 'polyline') raw = annotation.polyline;
  else {
    const poly = annotation.boundingPoly;
    raw = Array.isArray(poly) && poly.length > 0 && isObject(poly[0]) ? poly[0].normalizedVertices : undefined;
  }
  const field = tool === 'marker' ? '"point": {x, y}' : tool === 'polyline' ? '"polyline": [{x, y}, ...]' : '"boundingPoly": [{normalizedVertices: [{x, y}, ...]}]';
  if (!Array.isArray(raw)) {
    problem(`${at}: a ${tool} needs ${field}`);
    return null;
  }
  const points: Point[] = [];
  for (const vertex of raw) {
    if (!isObject(vertex) || typeof vertex.x !== 'number' || typeof vertex.y !== 'number') {
      problem(`${at}: each vertex must be {x, y} numbers, got ${describe(vertex)}`);
      return null;
    }
    if (!(vertex.x >= 0 && vertex.x <= 1 && vertex.y >= 0 && vertex.y <= 1)) {
      problem(`${at}: vertex (${vertex.x}, ${vertex.y}) is outside the frame: coordinates are normalised from 0 to 1`);
      return null;
    }
    points.push({ x: vertex.x, y: vertex.y });
  }
  if (tool === 'rectangle' ? points.length !== 4 : points.length < MIN_VERTICES[tool]) {
    problem(`${at}: a ${tool} has ${tool === 'rectangle' ? 'exactly 4' : `at least ${MIN_VERTICES[tool]}`} vertices, got ${points.length}`);
    return null;
  }
  return points;
}

/** Child answers are kept as given, once their jobs are checked to be children of this job's categories. */
function withChildren(
  value: KeyValue,
  answer: Record<string, unknown>,
  definition: JobDefinition,
  at: string,
  jobs: JsonInterface['jobs'],
  problem: (text: string) => void,
): KeyValue {
  const children = answer.children;
  if (children === undefined) return value;
  if (!isObject(children)) {
    problem(`${at}: "children" must be an object of child job answers`);
    return value;
  }
  const allowed = new Set(Object.values(definition.content?.categories ?? {}).flatMap((c) => c.children ?? []));
  for (const [child, childAnswer] of Object.entries(children)) {
    if (!allowed.has(child) || !Object.hasOwn(jobs, child)) {
      problem(`${at}: "${child}" is not a child job of this job's categories`);
      continue;
    }
    const childDefinition = jobs[child]!;
    if (childDefinition.mlTask === 'CLASSIFICATION' && isObject(childAnswer)) readCategories(childAnswer.categories, childDefinition, `${at}, child ${child}`, problem);
  }
  return { ...value, children };
}

function invalid(context: JsonResponseContext, problems: readonly string[]): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `invalid label for asset "${context.assetName}": ${problems.join('; ')}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const text = JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : (text ?? typeof value).slice(0, 40);
}

