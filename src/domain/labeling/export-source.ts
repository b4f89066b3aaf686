import type { KeyFrame, LabelType, TrackHeader } from './label-model.js';

/**
 * What a label exporter reads and what it writes. Exporters are pure: they read assets through these
 * interfaces (built from the database in production, generated in tests) and produce entries
 * (a path and its content) that a sink writes to a folder or a zip (adapters/labeling/export-sink.ts).
 *
 * Everything is lazy so memory stays flat however many frames an asset has: entries are produced one
 * at a time and each entry's content is streamed. A consumer must read an entry's content to its end
 * before asking for the next entry (as with a tar stream): exporters produce both from one walk.
 */

export interface ExportFrame {
  /** The asset frame index (0-based). */
  index: number;
  /** Size as displayed (rotation applied), in pixels. */
  width: number;
  height: number;
  /** Presentation time in seconds, when known. */
  pts: number | null;
}

export interface ExportAsset {
  id: string;
  externalId: string;
  frameCount: number;
  /** Frames in index order (sizes may differ per frame for frame lists). May be called more than once. */
  frames(): AsyncIterable<ExportFrame>;
  /** The tracks of the label being exported for this asset (object tracks and classification tracks). */
  tracks: readonly TrackHeader[];
  /** A track's key frames in frame order, read lazily (from the database in production). May be called more than once. */
  keys(track: TrackHeader): AsyncIterable<KeyFrame>;
  assetLevel: Record<string, unknown> | null;
  /** Frames per second, when known (MOT's seqinfo.ini states it; omitted otherwise). */
  frameRate?: number | null;
  /** The exported label's type: CVAT marks tracks of PREDICTION and INFERENCE labels source="auto". */
  labelType?: LabelType;
}

/** One class of the exports: a category of an OBJECT_DETECTION job. Its class id is its position in the list. */
export interface ExportClass {
  job: string;
  /** The category key, as answers name it (`categories: [{name: KEY}]`). */
  category: string;
  /** The category's display name, written in class lists. */
  name: string;
}

export interface ExportOptions {
  /** true: every frame a track shows (interpolated between keys); false: key frames only. */
  interpolate: boolean;
  /** Skip frames without any annotation (formats with per-frame files or images: YOLO, COCO). */
  annotatedOnly: boolean;
  /** Class id = position in this list (0-based), in the order of the interface's OBJECT_DETECTION categories (see `exportClasses`). */
  classes: readonly ExportClass[];
}

export const DEFAULT_EXPORT_OPTIONS: Omit<ExportOptions, 'classes'> = { interpolate: true, annotatedOnly: false };

export interface ExportEntry {
  /** A relative path with `/` separators, never `..` nor absolute. */
  path: string;
  content: AsyncIterable<string | Uint8Array>;
}

export type Exporter = (assets: AsyncIterable<ExportAsset>, options: ExportOptions) => AsyncIterable<ExportEntry>;
