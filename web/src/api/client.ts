import { Connection } from '../../../src/sdk/connection.js';
import type { Analysis, AnalysisPage, AnalysisState, CameraPage, EventPage, FilePage, FileUsage, ImportJobPage, LibrarySummary } from './types.js';

/**
 * The REST calls of the web app, over the SDK's connection (bearer token, JSON, the server's errors
 * as the SDK's typed errors: an AuthError on 401). Only documented routes (operations.ts).
 */
export class CamtroveClient {
  /** Also for the calls of other modules (labeling.ts). */
  readonly connection: Connection;

  constructor(
    /** The session's API token, or null while the server needs none. */
    readonly token: string | null,
    endpoint: string = window.location.origin,
  ) {
    this.connection = new Connection(endpoint, token, globalThis.fetch.bind(globalThis));
  }

  library(): Promise<LibrarySummary> {
    return this.connection.json({ method: 'GET', path: '/api/library' });
  }

  files(options: { limit: number; after?: string | undefined }): Promise<FilePage> {
    return this.connection.json({ method: 'GET', path: '/api/files', query: options });
  }

  fileUsage(fileId: string): Promise<FileUsage> {
    return this.connection.json({ method: 'GET', path: `${filePath(fileId)}/usage` });
  }

  deleteFile(fileId: string, cascade: boolean): Promise<{ file_id: string; deleted: boolean }> {
    return this.connection.json({ method: 'DELETE', path: filePath(fileId), query: { cascade } });
  }

  /** The file's bytes, for a download that needs the token (a plain link cannot send it). */
  async fileBlob(fileId: string): Promise<Blob> {
    return (await this.connection.download({ method: 'GET', path: filePath(fileId) })).blob();
  }

  analyses(options: { state: AnalysisState; limit: number }): Promise<AnalysisPage> {
    return this.connection.json({ method: 'GET', path: '/api/analyses', query: options });
  }

  /** Starts the same analysis again, on the same file with the same model and parameters. */
  retryAnalysis(analysis: Analysis): Promise<{ analysis_id: string }> {
    const json = { analysis: analysis.analysis, ...(analysis.file_id ? { file_id: analysis.file_id } : {}), ...(analysis.model ? { model: analysis.model } : {}), params: analysis.params };
    return this.connection.json({ method: 'POST', path: '/api/analyses', json });
  }

  cancelAnalysis(analysisId: string): Promise<{ analysis_id: string; state: string }> {
    return this.connection.json({ method: 'DELETE', path: `/api/analyses/${encodeURIComponent(analysisId)}` });
  }

  cameras(): Promise<CameraPage> {
    return this.connection.json({ method: 'GET', path: '/api/cameras', query: { limit: 1000 } });
  }

  recentEvents(limit: number): Promise<EventPage> {
    return this.connection.json({ method: 'GET', path: '/api/events', query: { sort: '-time', limit } });
  }

  importJobs(limit: number): Promise<ImportJobPage> {
    return this.connection.json({ method: 'GET', path: '/api/jobs', query: { limit } });
  }
}

/** Where a file downloads from. */
export function filePath(fileId: string): string {
  return `/api/files/${encodeURIComponent(fileId)}`;
}
