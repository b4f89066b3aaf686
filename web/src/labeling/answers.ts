// The labeling tool's classification answers: per frame (a track of key frames per job, held until
// the next key, as the server derives them) and for the whole asset. Pure.

export interface AnswerKey {
  frame: number;
  /** The categories chosen from this frame on; none: the job is unanswered from here. */
  categories: readonly string[];
}

/** One classification job's per-frame answers (camtrove stores them as a classification track). */
export interface AnswerTrack {
  job: string;
  /** Sorted by frame, one per frame. */
  keys: readonly AnswerKey[];
}

/** Whole-asset answers (Kili's `assetLevel`): the categories chosen, by job. */
export type AssetAnswers = Readonly<Record<string, readonly string[]>>;

/** The job's categories on `frame`: its key there, else the key before held; none before the first key. */
export function answerAt(track: AnswerTrack | undefined, frame: number): { categories: readonly string[]; isKeyFrame: boolean } {
  const key = track?.keys.filter((k) => k.frame <= frame).at(-1);
  return { categories: key?.categories ?? [], isKeyFrame: key?.frame === frame };
}

/**
 * `category` chosen or unchosen on `frame`: one category for a single-choice job (`radio`), any
 * number for a `checkbox` one. The result is a key frame there.
 */
export function toggled(categories: readonly string[], category: string, multiple: boolean): string[] {
  if (categories.includes(category)) return categories.filter((c) => c !== category);
  return multiple ? [...categories, category] : [category];
}

/** The job's answers with `categories` as a key on `frame`. */
export function withAnswer(tracks: readonly AnswerTrack[], job: string, frame: number, categories: readonly string[]): AnswerTrack[] {
  const track = tracks.find((t) => t.job === job) ?? { job, keys: [] };
  const others = track.keys.filter((k) => k.frame !== frame);
  // Cleared where nothing was answered before: no key is needed.
  const unneeded = categories.length === 0 && answerAt({ job, keys: others }, frame).categories.length === 0;
  const keys = unneeded ? others : [...others, { frame, categories }].sort((a, b) => a.frame - b.frame);
  const changed = { job, keys };
  return tracks.some((t) => t.job === job) ? tracks.map((t) => (t.job === job ? changed : t)) : [...tracks, changed];
}
