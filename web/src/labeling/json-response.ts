// Kili's video jsonResponse both ways for the labeling tool: object tracks (rectangles, polygons,
// markers), per-frame classification answers and whole-asset answers (`assetLevel`), and what the
// tool does not edit, kept as read. Pure.
import { answerAt, type AnswerTrack, type AssetAnswers } from './answers.js';
import { SHAPE_TOOLS, shapeAt, type KeyFrame, type Point, type ShapeTool, type Track } from './tracks.js';

interface Annotation {
  mid?: unknown;
  type?: unknown;
  categories?: { name?: unknown }[];
  isKeyFrame?: unknown;
  children?: unknown;
  boundingPoly?: { normalizedVertices?: Point[] }[];
  point?: Point;
}

type FrameContent = Record<string, { annotations?: Annotation[]; categories?: { name?: unknown }[]; isKeyFrame?: unknown } | undefined>;

/** What one frame gives of one track (an object or a job's answer): its value and whether it is a key. */
interface Given<V> {
  id: string;
  value: V;
  isKeyFrame: boolean;
}

/** The frames a jsonResponse gives, in order ("assetLevel" left out). */
function givenFrames(json: Record<string, unknown>): [number, FrameContent][] {
  return Object.keys(json)
    .filter((key) => /^\d+$/.test(key))
    .map(Number)
    .sort((a, b) => a - b)
    .map((frame) => [frame, (json[String(frame)] ?? {}) as FrameContent]);
}

/**
 * Each track's keys from the frames given, the way the server reads them: an answer is a key unless
 * it says `isKeyFrame: false` and continues its track from the frame before; a track shown on one
 * frame and missing from the next one given leaves there (an outside key, holding its last value).
 */
function readKeys<V>(json: Record<string, unknown>, read: (content: FrameContent) => Given<V>[]): Map<string, { frame: number; value: V; outside?: true }[]> {
  const tracks = new Map<string, { frame: number; value: V; outside?: true }[]>();
  let shownBefore = new Map<string, V>();
  let previous = -2;
  for (const [frame, content] of givenFrames(json)) {
    const shownHere = new Map<string, V>();
    for (const given of read(content)) {
      if (shownHere.has(given.id)) continue;
      shownHere.set(given.id, given.value);
      const keys = tracks.get(given.id) ?? [];
      const continues = previous === frame - 1 && shownBefore.has(given.id) && keys.at(-1)?.outside !== true;
      if (given.isKeyFrame || !continues) keys.push({ frame, value: given.value });
      tracks.set(given.id, keys);
    }
    if (previous === frame - 1) {
      for (const [id, value] of shownBefore) if (!shownHere.has(id)) tracks.get(id)!.push({ frame, value, outside: true });
    }
    shownBefore = shownHere;
    previous = frame;
  }
  return tracks;
}

function categoryOf(answer: { categories?: { name?: unknown }[] }): string[] {
  return (answer.categories ?? []).map((c) => c.name).filter((name): name is string => typeof name === 'string');
}

function pointsOf(tool: ShapeTool, annotation: Annotation): Point[] | null {
  const points = tool === 'marker' ? (annotation.point ? [annotation.point] : null) : annotation.boundingPoly?.[0]?.normalizedVertices;
  return points ? points.map((p) => ({ x: p.x, y: p.y })) : null;
}

/** The object tracks (rectangles, polygons, markers) of the jobs named, from a video jsonResponse. */
export function tracksFromJsonResponse(json: Record<string, unknown>, jobs: readonly string[]): Track[] {
  const headers = new Map<string, Omit<Track, 'keys'>>();
  const keys = readKeys<Point[]>(json, (content) => {
    const given: Given<Point[]>[] = [];
    for (const job of jobs) {
      for (const annotation of content[job]?.annotations ?? []) {
        const tool = SHAPE_TOOLS.find((t) => t === annotation.type);
        const points = tool && pointsOf(tool, annotation);
        if (!tool || !points || typeof annotation.mid !== 'string') continue;
        const children = annotation.children && typeof annotation.children === 'object' && Object.keys(annotation.children).length > 0 ? (annotation.children as Record<string, unknown>) : undefined;
        const header = headers.get(annotation.mid);
        if (!header) headers.set(annotation.mid, { mid: annotation.mid, job, tool, category: categoryOf(annotation)[0] ?? '', ...(children ? { children } : {}) });
        else if (children) header.children = children;
        given.push({ id: annotation.mid, value: points, isKeyFrame: annotation.isKeyFrame !== false });
      }
    }
    return given;
  });
  return [...headers.values()].map((header) => ({ ...header, keys: keys.get(header.mid)!.map(({ frame, value, outside }): KeyFrame => (outside ? { frame, points: value, outside } : { frame, points: value })) }));
}

/** The per-frame answers of the classification jobs named: a key where the answer is drawn, an empty key where it stops. */
export function answerTracksFromJsonResponse(json: Record<string, unknown>, jobs: readonly string[]): AnswerTrack[] {
  const keys = readKeys<string[]>(json, (content) =>
    jobs.flatMap((job) => {
      const answer = content[job];
      const categories = answer ? categoryOf(answer) : [];
      return categories.length > 0 ? [{ id: job, value: categories, isKeyFrame: answer?.isKeyFrame !== false }] : [];
    }),
  );
  return [...keys].map(([job, list]) => ({ job, keys: list.map(({ frame, value, outside }) => ({ frame, categories: outside ? [] : value })) }));
}

/** The whole-asset answers (`assetLevel`) of the classification jobs named. */
export function assetAnswersFromJsonResponse(json: Record<string, unknown>, jobs: readonly string[]): AssetAnswers {
  const level = (json.assetLevel ?? {}) as FrameContent;
  const answers: Record<string, string[]> = {};
  for (const job of jobs) {
    const categories = level[job] ? categoryOf(level[job]) : [];
    if (categories.length > 0) answers[job] = categories;
  }
  return answers;
}

/**
 * What a label holds that the tool does not edit (polylines, semantic shapes, transcriptions, jobs
 * it does not show): each object or job answer a track of the values read on its key frames, so a
 * save writes it back as it was.
 */
export interface KeptTrack {
  job: string;
  /** The object's mid; none for a job's answer. */
  mid?: string;
  keys: { frame: number; value: Record<string, unknown>; outside?: true }[];
}

export interface Kept {
  tracks: readonly KeptTrack[];
  /** The whole-asset answers of the jobs the tool does not show. */
  assetLevel: Record<string, unknown>;
}

const KEPT_ID = '\u0000';

/** What the tool leaves alone in a jsonResponse, given the object and classification jobs it edits. */
export function keptFromJsonResponse(json: Record<string, unknown>, jobs: { objects: readonly string[]; classifications: readonly string[] }): Kept {
  const edited = new Set([...jobs.objects, ...jobs.classifications]);
  const keys = readKeys<Record<string, unknown>>(json, (content) => {
    const given: Given<Record<string, unknown>>[] = [];
    for (const [job, answer] of Object.entries(content)) {
      if (!answer || typeof answer !== 'object' || jobs.classifications.includes(job)) continue;
      if (Array.isArray(answer.annotations)) {
        for (const annotation of answer.annotations) {
          const shown = jobs.objects.includes(job) && SHAPE_TOOLS.some((tool) => tool === annotation.type);
          if (shown || typeof annotation.mid !== 'string') continue;
          given.push({ id: `${job}${KEPT_ID}${annotation.mid}`, value: annotation as Record<string, unknown>, isKeyFrame: annotation.isKeyFrame !== false });
        }
      } else if (!edited.has(job)) given.push({ id: job, value: answer, isKeyFrame: answer.isKeyFrame !== false });
    }
    return given;
  });
  const tracks = [...keys].map(([id, list]): KeptTrack => {
    const [job, mid] = id.split(KEPT_ID) as [string, string | undefined];
    return { job, ...(mid === undefined ? {} : { mid }), keys: list };
  });
  const level = (json.assetLevel ?? {}) as Record<string, unknown>;
  return { tracks, assetLevel: Object.fromEntries(Object.entries(level).filter(([job]) => !edited.has(job))) };
}

/** One track as it is written: its keys, what it shows on a frame, and where that goes in the frame's answers. */
interface Written {
  keys: readonly { frame: number; outside: boolean }[];
  at: (frame: number) => { isKeyFrame: boolean; answer: object } | null;
  on: (answers: Record<string, unknown>) => boolean;
  put: (answers: Record<string, unknown>, answer: object) => void;
}

function writtenObject(track: Track): Written {
  const annotationsOf = (answers: Record<string, unknown>) => ((answers[track.job] ??= { annotations: [] }) as { annotations: { mid: string }[] }).annotations;
  return {
    keys: track.keys.map((key) => ({ frame: key.frame, outside: key.outside === true })),
    at: (frame) => {
      const shown = shapeAt(track, frame);
      if (!shown) return null;
      const geometry = track.tool === 'marker' ? { point: shown.points[0] } : { boundingPoly: [{ normalizedVertices: shown.points }] };
      return { isKeyFrame: shown.isKeyFrame, answer: { mid: track.mid, type: track.tool, categories: [{ name: track.category }], isKeyFrame: shown.isKeyFrame, children: track.children ?? {}, ...geometry } };
    },
    on: (answers) => (answers[track.job] as { annotations?: { mid: string }[] } | undefined)?.annotations?.some((a) => a.mid === track.mid) ?? false,
    put: (answers, answer) => void annotationsOf(answers).push(answer as { mid: string }),
  };
}

function writtenAnswer(track: AnswerTrack): Written {
  return {
    keys: track.keys.map((key) => ({ frame: key.frame, outside: key.categories.length === 0 })),
    at: (frame) => {
      const shown = answerAt(track, frame);
      return shown.categories.length === 0 ? null : { isKeyFrame: shown.isKeyFrame, answer: { categories: shown.categories.map((name) => ({ name })), isKeyFrame: shown.isKeyFrame } };
    },
    on: (answers) => track.job in answers,
    put: (answers, answer) => void (answers[track.job] = answer),
  };
}

/** A kept object or answer: its value held from each key to the next (the server derives the frames between again). */
function writtenKept(track: KeptTrack): Written {
  const annotationsOf = (answers: Record<string, unknown>) => (answers[track.job] as { annotations?: { mid?: string }[] } | undefined)?.annotations;
  return {
    keys: track.keys.map((key) => ({ frame: key.frame, outside: key.outside === true })),
    at: (frame) => {
      const key = track.keys.findLast((k) => k.frame <= frame);
      if (!key || key.outside) return null;
      return { isKeyFrame: key.frame === frame, answer: { ...key.value, isKeyFrame: key.frame === frame } };
    },
    on: (answers) => (track.mid === undefined ? track.job in answers : (annotationsOf(answers)?.some((a) => a.mid === track.mid) ?? false)),
    put: (answers, answer) => {
      if (track.mid === undefined) answers[track.job] = answer;
      else ((answers[track.job] ??= { annotations: [] }) as { annotations: object[] }).annotations.push(answer);
    },
  };
}

/**
 * A video jsonResponse with the key frames of the object tracks and per-frame answers (the server
 * derives the frames between), and the whole-asset answers under `assetLevel`. An outside key at
 * frame f (an answer cleared at f) is written as the value on frame f-1 and frame f given without
 * it: how Kili's format says an object left. What the tool keeps without editing goes back the same way.
 */
export function keyFramesJsonResponse(tracks: readonly Track[], answers: readonly AnswerTrack[] = [], assetAnswers: AssetAnswers = {}, kept: Kept = NOTHING_KEPT): Record<string, Record<string, unknown>> {
  const json: Record<string, Record<string, unknown>> = {};
  const written = [...tracks.map(writtenObject), ...answers.map(writtenAnswer), ...kept.tracks.map(writtenKept)];
  const put = (frame: number, track: Written) => {
    const shown = track.at(frame);
    if (!shown) return;
    const answers = (json[String(frame)] ??= {});
    if (!track.on(answers)) track.put(answers, shown.answer);
  };
  for (const track of written) {
    for (const key of track.keys) if (!key.outside) put(key.frame, track);
    for (const key of track.keys) {
      if (!key.outside) continue;
      if (key.frame > 0) put(key.frame - 1, track);
      json[String(key.frame)] ??= {};
    }
  }
  // A track on one frame given and missing from the next given frame ends there: where it goes on
  // (another track's key frame follows one of its own), it is written on that frame too, as derived.
  const given = Object.keys(json).map(Number).sort((a, b) => a - b);
  for (const frame of given) {
    const before = json[String(frame - 1)];
    if (!before) continue;
    for (const track of written) if (track.on(before) && !track.on(json[String(frame)]!)) put(frame, track);
  }
  const answered = Object.entries(assetAnswers).filter(([, categories]) => categories.length > 0);
  const level: [string, unknown][] = [...answered.map(([job, categories]): [string, unknown] => [job, { categories: categories.map((name) => ({ name })) }]), ...Object.entries(kept.assetLevel)];
  if (level.length > 0) json.assetLevel = Object.fromEntries(level);
  return json;
}

/** All the labeling tool edits in a label: object tracks, per-frame answers and whole-asset answers; and what it keeps as read. */
export interface Labeling {
  tracks: readonly Track[];
  answers: readonly AnswerTrack[];
  assetAnswers: AssetAnswers;
  kept?: Kept;
}

const NOTHING_KEPT: Kept = { tracks: [], assetLevel: {} };

/** Whether two states hold the same labeling: edits make new objects, so identity says it (other state beside it, such as predictions rejected, does not count). */
export function sameLabeling(a: Labeling, b: Labeling): boolean {
  return a.tracks === b.tracks && a.answers === b.answers && a.assetAnswers === b.assetAnswers;
}

/** A saved label's jsonResponse read for the jobs the tool shows. */
export function labelingFromJsonResponse(json: Record<string, unknown> | null | undefined, jobs: { objects: readonly string[]; classifications: readonly string[] }): Labeling {
  if (!json) return { tracks: [], answers: [], assetAnswers: {} };
  const kept = keptFromJsonResponse(json, jobs);
  return {
    tracks: tracksFromJsonResponse(json, jobs.objects),
    answers: answerTracksFromJsonResponse(json, jobs.classifications),
    assetAnswers: assetAnswersFromJsonResponse(json, jobs.classifications),
    ...(kept.tracks.length > 0 || Object.keys(kept.assetLevel).length > 0 ? { kept } : {}),
  };
}

/** The jsonResponse a save sends: key frames only. */
export function labelingJsonResponse(labeling: Labeling): Record<string, Record<string, unknown>> {
  return keyFramesJsonResponse(labeling.tracks, labeling.answers, labeling.assetAnswers, labeling.kept);
}
