import { TrackStepper } from './interpolation.js';
import type { KeyFrame, LabelContent, TrackFrame, TrackHeader } from './label-model.js';

/**
 * Kili's per-frame jsonResponse derived from stored tracks: every frame "0"…"N-1" present (`{}` when
 * nothing is on it), each track's value on every frame it shows, interpolated between key frames,
 * with `isKeyFrame` telling which frames were drawn. Frames are produced one at a time, so a
 * 100,000-frame label streams without being held whole.
 */

export interface LabelSource {
  assetLevel: LabelContent['assetLevel'];
  /** In the order they first appear; a frame lists its annotations in this order. */
  tracks: readonly TrackHeader[];
  keys(track: TrackHeader): AsyncIterable<KeyFrame> | Iterable<KeyFrame>;
  frameCount: number;
  /** Each frame's width ÷ height as displayed (rotated rectangles turn in pixels). */
  aspectOf?: (frame: number) => number;
}

export type FrameJson = Record<string, unknown>;

/** Each frame's jobs and what they show there, in frame order, with interpolation. */
export async function* jsonResponseFrames(source: LabelSource, interpolate = true): AsyncGenerator<[number, FrameJson]> {
  const waiting = [...source.tracks].sort((a, b) => a.firstFrame - b.firstFrame);
  let nextWaiting = 0;
  let active: TrackStepper[] = [];
  const options = { interpolate, ...(source.aspectOf ? { aspectOf: source.aspectOf } : {}) };
  const order = new Map(source.tracks.map((t, i) => [t, i]));
  for (let frame = 0; frame < source.frameCount; frame++) {
    let joined = false;
    while (nextWaiting < waiting.length && waiting[nextWaiting]!.firstFrame <= frame) {
      const track = waiting[nextWaiting++]!;
      const keys = source.keys(track);
      active.push(new TrackStepper(track, Symbol.asyncIterator in keys ? keys[Symbol.asyncIterator]() : keys[Symbol.iterator](), options));
      joined = true;
    }
    if (joined) active.sort((a, b) => order.get(a.track)! - order.get(b.track)!);
    const content: FrameJson = {};
    let ended = false;
    for (const stepper of active) {
      const ready = stepper.atIfRead(frame);
      const shown = ready === undefined ? await stepper.at(frame) : ready;
      if (shown) addToFrame(content, stepper.track, shown);
      else if (stepper.ended(frame)) ended = true;
    }
    if (ended) active = active.filter((s) => !s.ended(frame));
    yield [frame, content];
  }
}

function addToFrame(content: FrameJson, track: TrackHeader, shown: TrackFrame): void {
  const { value } = shown;
  if (track.kind === 'classification') {
    content[track.job] = { ...(value.children !== undefined ? { children: value.children } : {}), categories: value.categories ?? [], isKeyFrame: shown.isKeyFrame };
    return;
  }
  if (track.kind === 'transcription') {
    content[track.job] = { text: value.text ?? '', isKeyFrame: shown.isKeyFrame };
    return;
  }
  const job = (content[track.job] ??= { annotations: [] }) as { annotations: unknown[] };
  const points = value.points ?? [];
  const geometry =
    track.tool === 'marker' ? { point: points[0] }
      : track.tool === 'polyline' ? { polyline: points }
        : { boundingPoly: [{ normalizedVertices: points }] };
  job.annotations.push({
    ...(value.children !== undefined ? { children: value.children } : {}),
    isKeyFrame: shown.isKeyFrame,
    categories: value.categories ?? [],
    mid: track.mid,
    type: track.tool,
    ...geometry,
  });
}

/**
 * The whole jsonResponse as one object (for labels small enough to hold: the SDK's `labels`).
 * `singleFrame`: an image project's label is the jobs of its one frame, without frame keys.
 */
export async function renderJsonResponse(source: LabelSource, options: { singleFrame?: boolean; interpolate?: boolean } = {}): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for await (const [frame, content] of jsonResponseFrames(source, options.interpolate ?? true)) {
    if (options.singleFrame) return { ...(source.assetLevel ?? {}), ...content };
    out[String(frame)] = content;
  }
  if (source.assetLevel) out.assetLevel = source.assetLevel;
  return out;
}

/** The same as JSON text, produced a frame at a time (for answers and exports of long videos). */
export async function* jsonResponseText(source: LabelSource, options: { singleFrame?: boolean; interpolate?: boolean } = {}): AsyncGenerator<string> {
  if (options.singleFrame) {
    yield JSON.stringify(await renderJsonResponse(source, options));
    return;
  }
  let first = true;
  let pending = '';
  for await (const [frame, content] of jsonResponseFrames(source, options.interpolate ?? true)) {
    pending += `${first ? '{' : ','}${JSON.stringify(String(frame))}:${JSON.stringify(content)}`;
    first = false;
    // Chunks of about 64 KiB: fewer writes than a frame each, bounded memory.
    if (pending.length >= 65_536) {
      yield pending;
      pending = '';
    }
  }
  if (source.assetLevel) pending += `${first ? '{' : ','}"assetLevel":${JSON.stringify(source.assetLevel)}`;
  else if (first) pending += '{';
  yield `${pending}}`;
}
