// The labeling tool's tracks: each object (Kili's `mid`) with its key frames, the boxes derived
// between them, and the conversion to and from Kili's video jsonResponse. Pure: no DOM, no I/O.

/** A rectangle in normalised coordinates (0–1 from the frame's top-left corner). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface KeyFrame {
  frame: number;
  /** On an `outside` key, the box the object had when it left. */
  box: Box;
  /** The object left the picture here: no box from this key until the track's next key. */
  outside?: true;
}

export interface Track {
  mid: string;
  job: string;
  category: string;
  /** Sorted by frame, one per frame. */
  keys: readonly KeyFrame[];
}

/** A track's box on one frame: drawn there (a key frame) or derived from the keys around it. */
export interface ShownBox {
  box: Box;
  isKeyFrame: boolean;
}

/**
 * The track's box on `frame`: its key there, else linear corner by corner between the keys before
 * and after, else the last key's box held; nothing before the first key.
 */
export function boxAt(track: Track, frame: number): ShownBox | null {
  let before: KeyFrame | undefined;
  let after: KeyFrame | undefined;
  for (const key of track.keys) {
    if (key.frame === frame) return key.outside ? null : { box: key.box, isKeyFrame: true };
    if (key.frame < frame) before = key;
    else {
      after = key;
      break;
    }
  }
  if (!before || before.outside) return null;
  if (!after || after.outside) return { box: before.box, isKeyFrame: false };
  const t = (frame - before.frame) / (after.frame - before.frame);
  return { box: lerpBox(before.box, after.box, t), isKeyFrame: false };
}

export function lerpBox(a: Box, b: Box, t: number): Box {
  const lerp = (p: number, q: number) => p + (q - p) * t;
  return { x0: lerp(a.x0, b.x0), y0: lerp(a.y0, b.y0), x1: lerp(a.x1, b.x1), y1: lerp(a.y1, b.y1) };
}

/** The track with `box` as its key on `frame` (replacing a key there: an edit on a derived frame makes a key). */
export function withKey(track: Track, frame: number, box: Box): Track {
  const keys = track.keys.filter((key) => key.frame !== frame);
  keys.push({ frame, box: normalise(box) });
  keys.sort((a, b) => a.frame - b.frame);
  return { ...track, keys };
}

/**
 * `O` on a frame: an outside key there is removed; a shown box leaves here (an outside key); a track
 * hidden by an earlier outside key comes back here with the box it left with.
 */
export function toggleOutside(track: Track, frame: number): Track {
  const here = track.keys.find((key) => key.frame === frame);
  if (here?.outside) return { ...track, keys: track.keys.filter((key) => key !== here) };
  const shown = boxAt(track, frame);
  if (shown) return { ...track, keys: [...track.keys.filter((key) => key.frame !== frame), { frame, box: shown.box, outside: true as const }].sort((a, b) => a.frame - b.frame) };
  const left = track.keys.filter((key) => key.frame < frame).at(-1);
  return left ? withKey(track, frame, left.box) : track;
}

/** The box with its corners ordered and kept inside the frame. */
export function normalise(box: Box): Box {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return { x0: clamp(Math.min(box.x0, box.x1)), y0: clamp(Math.min(box.y0, box.y1)), x1: clamp(Math.max(box.x0, box.x1)), y1: clamp(Math.max(box.y0, box.y1)) };
}

/** The box moved by (dx, dy), kept whole inside the frame. */
export function moveBox(box: Box, dx: number, dy: number): Box {
  const width = box.x1 - box.x0;
  const height = box.y1 - box.y0;
  const x0 = Math.min(1 - width, Math.max(0, box.x0 + dx));
  const y0 = Math.min(1 - height, Math.max(0, box.y0 + dy));
  return { x0, y0, x1: x0 + width, y1: y0 + height };
}

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** The box with one corner dragged to `point`, the opposite corner staying put. */
export function resizeBox(box: Box, corner: Corner, point: { x: number; y: number }): Box {
  const [vertical, horizontal] = corner.split('-') as ['top' | 'bottom', 'left' | 'right'];
  return normalise({
    x0: horizontal === 'left' ? point.x : box.x0,
    x1: horizontal === 'right' ? point.x : box.x1,
    y0: vertical === 'top' ? point.y : box.y0,
    y1: vertical === 'bottom' ? point.y : box.y1,
  });
}

/** The corner of `box` within `reach` of `point` (each axis), if any. */
export function cornerNear(box: Box, point: { x: number; y: number }, reach: { x: number; y: number }): Corner | null {
  const corners: [Corner, number, number][] = [
    ['top-left', box.x0, box.y0],
    ['top-right', box.x1, box.y0],
    ['bottom-left', box.x0, box.y1],
    ['bottom-right', box.x1, box.y1],
  ];
  return corners.find(([, x, y]) => Math.abs(point.x - x) <= reach.x && Math.abs(point.y - y) <= reach.y)?.[0] ?? null;
}

interface Vertex {
  x: number;
  y: number;
}

/** Kili's rectangle vertices: bottom-left, top-left, top-right, bottom-right. */
export function toVertices(box: Box): Vertex[] {
  return [
    { x: box.x0, y: box.y1 },
    { x: box.x0, y: box.y0 },
    { x: box.x1, y: box.y0 },
    { x: box.x1, y: box.y1 },
  ];
}

export function fromVertices(vertices: readonly Vertex[]): Box {
  const xs = vertices.map((v) => v.x);
  const ys = vertices.map((v) => v.y);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

interface Annotation {
  mid?: unknown;
  type?: unknown;
  categories?: { name?: unknown }[];
  isKeyFrame?: unknown;
  boundingPoly?: { normalizedVertices?: Vertex[] }[];
}

/**
 * The rectangle tracks of the jobs named, from a video jsonResponse: their key frames, and an
 * outside key where a track shown on one frame is missing from the next (the server's every-frame
 * answer says so that way).
 */
export function tracksFromJsonResponse(json: Record<string, unknown>, jobs: readonly string[]): Track[] {
  const tracks = new Map<string, { mid: string; job: string; category: string; keys: KeyFrame[]; last: { frame: number; box: Box } }>();
  const frames = Object.keys(json)
    .filter((key) => /^\d+$/.test(key))
    .map(Number)
    .sort((a, b) => a - b);
  for (const frame of frames) {
    const answers = json[String(frame)] as Record<string, { annotations?: Annotation[] }> | undefined;
    const seen = new Set<string>();
    for (const job of jobs) {
      for (const annotation of answers?.[job]?.annotations ?? []) {
        const vertices = annotation.boundingPoly?.[0]?.normalizedVertices;
        if (annotation.type !== 'rectangle' || typeof annotation.mid !== 'string' || !vertices) continue;
        const box = fromVertices(vertices);
        const category = annotation.categories?.[0]?.name;
        const track = tracks.get(annotation.mid) ?? { mid: annotation.mid, job, category: typeof category === 'string' ? category : '', keys: [], last: { frame, box } };
        const back = track.keys.at(-1)?.outside === true || track.keys.length === 0;
        if (annotation.isKeyFrame !== false || back) track.keys.push({ frame, box });
        track.last = { frame, box };
        tracks.set(annotation.mid, track);
        seen.add(annotation.mid);
      }
    }
    for (const track of tracks.values()) {
      if (!seen.has(track.mid) && track.last.frame === frame - 1 && track.keys.at(-1)?.outside !== true) track.keys.push({ frame, box: track.last.box, outside: true });
    }
  }
  return [...tracks.values()].map(({ last: _last, ...track }) => track);
}

/**
 * A video jsonResponse with the tracks' key frames (the server derives the frames between). An
 * outside key at frame f is written as the box on frame f-1 and frame f given without it: how
 * Kili's format says an object left.
 */
export function keyFramesJsonResponse(tracks: readonly Track[]): Record<string, Record<string, { annotations: object[] }>> {
  const json: Record<string, Record<string, { annotations: object[] }>> = {};
  const put = (frame: number, track: Track, box: Box, isKeyFrame: boolean) => {
    const answers = (json[String(frame)] ??= {});
    const job = (answers[track.job] ??= { annotations: [] });
    if (job.annotations.some((a) => (a as { mid: string }).mid === track.mid)) return;
    job.annotations.push({ mid: track.mid, type: 'rectangle', categories: [{ name: track.category }], isKeyFrame, children: {}, boundingPoly: [{ normalizedVertices: toVertices(box) }] });
  };
  for (const track of tracks) {
    for (const key of track.keys) {
      if (!key.outside) put(key.frame, track, key.box, true);
    }
    for (const key of track.keys) {
      if (!key.outside) continue;
      const before = boxAt(track, key.frame - 1);
      if (before) put(key.frame - 1, track, before.box, before.isKeyFrame);
      json[String(key.frame)] ??= {};
    }
  }
  // A track on one frame given and missing from the next given frame ends there: where it goes on
  // (another track's key frame follows one of its own), it is written on that frame too, as derived.
  const given = Object.keys(json).map(Number).sort((a, b) => a - b);
  const on = (frame: number, track: Track) => json[String(frame)]?.[track.job]?.annotations.some((a) => (a as { mid: string }).mid === track.mid) ?? false;
  for (const frame of given) {
    if (!(String(frame - 1) in json)) continue;
    for (const track of tracks) {
      const shown = on(frame - 1, track) && !on(frame, track) ? boxAt(track, frame) : null;
      if (shown) put(frame, track, shown.box, shown.isKeyFrame);
    }
  }
  return json;
}
