import type { Static, TObject } from '@sinclair/typebox';
import type { MediaTools } from '../adapters/media/ffmpeg.js';
import type { VideoInfo } from '../domain/video-info.js';
import type { SegmentationStore } from '../services/segmentation-store.js';
import type { Segmenter } from '../services/segmenter.js';

/** What an analysis gets to do its work. Everything with a side effect comes through here. */
export interface AnalysisContext<P> {
  analysisId: string;
  params: P;
  model: string | null;
  /** The file the analysis reads, as a local path; null for analyses whose input is 'none'. */
  input: { fileId: string; path: string } | null;
  media: MediaTools;
  /** Motion segmentation, and where its events are kept. */
  segmenter: Segmenter;
  segmentations: SegmentationStore;
  /** ffprobe facts of the input, probed once and shared. */
  probe: () => Promise<VideoInfo>;
  /** An empty folder for intermediate files, removed when the analysis ends. */
  workDir: string;
  /** Stores a result file in the library and returns its file id. */
  storeFile: (path: string, meta: { name: string; contentType: string }) => Promise<string>;
  /** Reports progress, 0 to 1; cheap to call often. */
  progress: (fraction: number) => void;
  signal: AbortSignal;
}

/**
 * One analysis: a name, typed parameters (a TypeBox object schema with defaults; it validates
 * requests and documents the API), and `run`, which returns the result JSON. Every file in this
 * folder named `*.analysis.ts` exporting `analysis` is found at start-up.
 */
export interface AnalysisDefinition<S extends TObject = TObject> {
  name: string;
  description: string;
  /** 'media': needs a `file_id`; 'none': runs without input (e.g. sleep). */
  input: 'media' | 'none';
  models?: { names: readonly string[]; default: string };
  params: S;
  /** Rules across parameters that the schema cannot express, checked when the analysis is requested; returns the problem or null. */
  checkParams?(params: Static<S>): string | null;
  run(context: AnalysisContext<Static<S>>): Promise<unknown>;
}

export function defineAnalysis<S extends TObject>(definition: AnalysisDefinition<S>): AnalysisDefinition<S> {
  return definition;
}
