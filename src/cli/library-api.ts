import type { Readable } from 'node:stream';
import type { ExportFormat } from '../domain/events/event-export.js';
import type { EventQueryInput } from '../domain/events/event-query.js';
import type { analysisBody } from '../http/routes/analysis.routes.js';
import type { cascadedBody, fileBody } from '../http/routes/file.routes.js';
import type { Library } from '../main.js';
import type { EventView, LabelInput } from '../services/event.service.js';
import type { FailedJobService } from '../services/failed-jobs.service.js';
import type { ImportJobViews } from '../services/import/import.service.js';

/**
 * What the `files`, `analyze`, `events` and `jobs` commands ask of a library, in the API's own
 * shapes: a local library (cli/local-api.ts) and a camtrove server (`--server`,
 * adapters/remote/library-client.ts) answer the same, so each command prints the same either way.
 */
export interface LibraryApi {
  files: FilesApi;
  analyses: AnalysesApi;
  events: EventsApi;
  jobs: ImportJobViews;
  /** The queue's failed jobs. */
  failedJobs: Pick<FailedJobService, 'list' | 'retry'>;
  /** The local library, when the work can run in this process (`analyze --wait`); null for a server. */
  local: Library | null;
}

export type FileBody = ReturnType<typeof fileBody>;
/** A file as a download or an upload describes it. */
export type FileSummary = Omit<FileBody, 'created_at'>;
export type AnalysisBody = ReturnType<typeof analysisBody>;
export type CascadedCounts = ReturnType<typeof cascadedBody>;

export interface FilesApi {
  add(path: string, onProgress: (bytes: number) => void): Promise<{ file: FileSummary; created: boolean }>;
  list(page: { limit: number; after?: string }): Promise<{ files: FileBody[]; next: string | null }>;
  download(id: string): Promise<{ file: FileSummary; content: Readable }>;
  remove(id: string, cascade: boolean): Promise<{ file: FileSummary; cascaded: CascadedCounts | null }>;
}

export interface StartAnalysis {
  analysis: string;
  /** A file id or prefix; null for analyses without input. */
  fileId: string | null;
  model: string | null;
  params: Record<string, unknown>;
}

export interface AnalysesApi {
  start(input: StartAnalysis): Promise<AnalysisBody>;
  get(id: string): Promise<AnalysisBody>;
  cancel(id: string): Promise<void>;
}

export type EventSearch = EventQueryInput & { sort?: string; limit?: string; after?: string };

/** An export as it is sent: its pieces, and the count of events once known (a server does not say). */
export interface EventsExport {
  pieces: AsyncIterable<string | Buffer> | Iterable<string>;
  count(): number | null;
}

export interface EventsApi {
  search(input: EventSearch): Promise<{ events: EventView[]; next: string | null }>;
  get(id: string): Promise<EventView>;
  addLabel(id: string, label: LabelInput): Promise<EventView>;
  removeLabel(id: string, name: string): Promise<{ removed: boolean }>;
  labelMatching(input: EventQueryInput & { all?: boolean }, label: LabelInput): Promise<{ labelled: number }>;
  /** Every matching event in a format, or (`by-date`) their labels grouped by day. */
  export(input: EventQueryInput & { sort?: string }, format: ExportFormat | 'by-date'): Promise<EventsExport>;
}
