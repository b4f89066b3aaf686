// The labeling tool's predictions layer: which predicted tracks are still to review, and accepting
// them into the labeler's tracks. A prediction is accepted by copying its track, mid and all, so a
// track already in the label (accepted earlier, even in an earlier session) is not offered again.
// Pure: tracks are passed through whole, never looked into beyond their `mid`.

/** What this module needs of a track. */
interface Identified {
  mid: string;
}

/** One predicted track and the model that made it. */
export interface PredictedTrack<T extends Identified> {
  /** Unique among all models' predictions: the model and the track's mid. */
  id: string;
  modelName: string;
  track: T;
}

/** What undo and redo step through that this module looks at: the labeler's tracks, and the predictions rejected. */
export interface Work<T> {
  tracks: readonly T[];
  rejected: ReadonlySet<string>;
}

/** Every model's tracks as predicted tracks. */
export function predictedTracks<T extends Identified>(models: readonly { modelName: string; tracks: readonly T[] }[]): PredictedTrack<T>[] {
  return models.flatMap(({ modelName, tracks }) => tracks.map((track) => ({ id: `${modelName}/${track.mid}`, modelName, track })));
}

/** The predictions still to review: not rejected, and not already among the labeler's tracks. */
export function pendingPredictions<T extends Identified>(predictions: readonly PredictedTrack<T>[], work: Work<T>): PredictedTrack<T>[] {
  const labelled = new Set(work.tracks.map((track) => track.mid));
  return predictions.filter((p) => !work.rejected.has(p.id) && !labelled.has(p.track.mid));
}

/** The work with these predictions' tracks added to the labeler's (their key frames as they are); the rest of it kept. */
export function accept<T extends Identified, W extends Work<T>>(work: W, accepted: readonly PredictedTrack<T>[]): W {
  const labelled = new Set(work.tracks.map((track) => track.mid));
  const added: T[] = [];
  for (const { track } of accepted) {
    if (labelled.has(track.mid)) continue;
    labelled.add(track.mid);
    added.push(track);
  }
  return added.length === 0 ? work : { ...work, tracks: [...work.tracks, ...added] };
}

/** The work with this prediction hidden from the layer and the list. */
export function reject<W extends Work<unknown>>(work: W, prediction: { id: string }): W {
  return { ...work, rejected: new Set([...work.rejected, prediction.id]) };
}
