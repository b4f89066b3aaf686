/**
 * What a label holds, as camtrove stores it: tracks of key frames. Kili's per-frame jsonResponse,
 * the exports and the web app are all derived from these by interpolation (interpolation.ts), so a
 * label written as key frames only and one written with every frame are stored the same way.
 *
 * Frame numbers are asset frame indexes (0-based, the k-th frame of the asset's frame table).
 * Coordinates are normalised 0–1 from the top-left corner of the frame as displayed (rotation
 * applied), the way Kili writes them.
 */

export type LabelType = 'DEFAULT' | 'AUTOSAVE' | 'REVIEW' | 'PREDICTION' | 'INFERENCE';
export const LABEL_TYPES: readonly LabelType[] = ['DEFAULT', 'AUTOSAVE', 'REVIEW', 'PREDICTION', 'INFERENCE'];

/** The drawing tools a track's shapes may come from (a job's `tools`). */
export type ShapeTool = 'rectangle' | 'polygon' | 'marker' | 'polyline' | 'semantic';

export interface Point { x: number; y: number }

export interface CategoryAnswer { name: string; confidence?: number }

/**
 * A track's value at one key frame. Object tracks carry `points` (a rectangle's four corners in
 * Kili's order: bottom-left, top-left, top-right, bottom-right; a marker's one point; a polygon's or
 * polyline's vertices). Classification tracks carry `categories` only, transcription tracks `text`.
 * `children` holds the answers of child jobs, in Kili's shape (`{JOB: {categories: [...]}}`), kept as
 * given and held until the next key.
 */
export interface KeyValue {
  categories?: CategoryAnswer[];
  points?: Point[];
  text?: string;
  children?: Record<string, unknown>;
}

/**
 * One key frame. `outside`: the object left the frame (or the answer stopped) here; nothing is shown
 * from this frame until the track's next key. An outside key keeps the last shown value, so formats
 * that store one (CVAT) interpolate nothing across the gap.
 */
export interface KeyFrame {
  frame: number;
  outside: boolean;
  value: KeyValue;
}

/**
 * One object (Kili's `mid`) or one job's per-frame answer. `kind`: `object` for OBJECT_DETECTION jobs
 * (then `tool` is set), `classification` or `transcription` for per-frame answers (then `mid` is the
 * job's name, since a job has one answer per frame).
 */
export interface TrackHeader {
  job: string;
  mid: string;
  kind: 'object' | 'classification' | 'transcription';
  tool: ShapeTool | null;
  /**
   * First and last key frame (an outside key included). A track shows nothing before its first key;
   * after its last key it runs to the asset's last frame unless that key is outside (as in CVAT).
   */
  firstFrame: number;
  lastFrame: number;
}

export interface Track extends TrackHeader {
  /** Sorted by frame, one per frame at most, the first one not outside. */
  keys: KeyFrame[];
}

/** What one frame shows of one track: its value there and whether that frame is a key. */
export interface TrackFrame {
  frame: number;
  isKeyFrame: boolean;
  value: KeyValue;
}

/** A label's content: whole-asset answers (Kili's `assetLevel`) and the tracks. */
export interface LabelContent {
  /** Whole-asset classification or transcription answers by job, as Kili writes them; null when none. */
  assetLevel: Record<string, unknown> | null;
  tracks: Track[];
}
