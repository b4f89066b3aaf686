import { Connection, queryString, type QueryValues } from '../../../src/sdk/connection.js';
import type { Analysis, AnalysisPage, AnalysisState, Camera, CameraChanges, CameraFilters, CameraPage, EventDetail, EventPage, FilePage, FileUsage, FramePage, ImportJobDetail, ImportJobPage, LibrarySummary } from './types.js';

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

  cameras(options: CameraFilters & { limit?: number; after?: string | undefined } = {}): Promise<CameraPage> {
    return this.connection.json({ method: 'GET', path: '/api/cameras', query: { limit: 1000, ...options } });
  }

  camera(cameraId: string): Promise<Camera> {
    return this.connection.json({ method: 'GET', path: cameraPath(cameraId) });
  }

  updateCamera(cameraId: string, changes: CameraChanges): Promise<Camera> {
    return this.connection.json({ method: 'PATCH', path: cameraPath(cameraId), json: changes });
  }

  /** A page of a camera's archived frames, in [from, to), oldest first or (sort -time) newest first. */
  frames(cameraId: string, options: { from?: string | undefined; to?: string | undefined; sort?: 'time' | '-time'; limit: number }): Promise<FramePage> {
    return this.connection.json({ method: 'GET', path: `${cameraPath(cameraId)}/frames`, query: options });
  }

  recentEvents(limit: number): Promise<EventPage> {
    return this.connection.json({ method: 'GET', path: '/api/events', query: { sort: '-time', limit } });
  }

  /** A page of an event search: `search` holds the filters and sort of GET /api/events. */
  events(search: QueryValues, options: { limit: number; after?: string | undefined }): Promise<EventPage> {
    return this.connection.json({ method: 'GET', path: '/api/events', query: { ...search, ...options } });
  }

  event(eventId: string): Promise<EventDetail> {
    return this.connection.json({ method: 'GET', path: eventPath(eventId) });
  }

  addLabel(eventId: string, label: { name: string; score?: number | null }): Promise<EventDetail> {
    return this.connection.json({ method: 'POST', path: `${eventPath(eventId)}/labels`, json: label });
  }

  removeLabel(eventId: string, name: string): Promise<{ removed: boolean }> {
    return this.connection.json({ method: 'DELETE', path: `${eventPath(eventId)}/labels/${encodeURIComponent(name)}` });
  }

  /** Labels every event the filters match (`all` when there are none: the API wants it said). */
  labelMatching(filters: QueryValues, label: { name: string }): Promise<{ labelled: number }> {
    const all = Object.values(filters).every((value) => value === undefined || (Array.isArray(value) && value.length === 0));
    return this.connection.json({ method: 'POST', path: '/api/events/labels', query: all ? { all: true } : filters, json: label });
  }

  /** An export of a search, for a download that needs the token (a plain link cannot send it). */
  async exportBlob(search: QueryValues, format: string): Promise<Blob> {
    return (await this.connection.download({ method: 'GET', path: '/api/events/export', query: { ...search, format } })).blob();
  }

  importJobs(limit: number): Promise<ImportJobPage> {
    return this.connection.json({ method: 'GET', path: '/api/jobs', query: { limit } });
  }

  importJob(jobId: string): Promise<ImportJobDetail> {
    return this.connection.json({ method: 'GET', path: `/api/jobs/${encodeURIComponent(jobId)}` });
  }
}

/** Where a file downloads from. */
export function filePath(fileId: string): string {
  return `/api/files/${encodeURIComponent(fileId)}`;
}

/** Where a search's export downloads from. */
export function exportPath(search: QueryValues, format: string): string {
  return `/api/events/export${queryString({ ...search, format })}`;
}

function cameraPath(cameraId: string): string {
  return `/api/cameras/${encodeURIComponent(cameraId)}`;
}

function eventPath(eventId: string): string {
  return `/api/events/${encodeURIComponent(eventId)}`;
}
