import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { EventQueryInput } from '../../domain/events/event-query.js';
import type { AnalysesApi, AnalysisBody, EventsApi, FileBody, FilesApi, FileSummary, LibraryApi } from '../../cli/library-api.js';
import type { EventView } from '../../services/event.service.js';
import type { FailedJobView } from '../../services/failed-jobs.service.js';
import type { ImportJobListing, ImportJobView, ImportJobViews } from '../../services/import/import.service.js';
import { API_PATHS, withQuery } from './api-paths.js';
import { ServerConnection } from './server-connection.js';

/**
 * A camtrove server's library behind the commands' LibraryApi (`--server URL`): one method per
 * operation of its HTTP API, answering in the same shapes as a local library. The server resolves
 * id prefixes and runs the work; its errors come back as the same CamtroveErrors.
 */
export class LibraryClient implements LibraryApi {
  readonly local = null;
  readonly address: string;
  private readonly connection: ServerConnection;

  constructor(base: URL, token: string | null) {
    this.connection = new ServerConnection(base, token, 'this command');
    this.address = this.connection.address;
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  readonly files: FilesApi = {
    add: async (path, onProgress) => {
      const { size } = await stat(path);
      const upload = multipartFile(path, size, onProgress);
      const { file_id: fileId, created } = await this.connection.json<{ file_id: string; created: boolean }>({ method: 'POST', path: API_PATHS.files, raw: upload });
      return { file: await this.fileSummary(fileId), created };
    },
    list: (page) => this.connection.json<{ files: FileBody[]; next: string | null }>({ method: 'GET', path: withQuery(API_PATHS.files, page) }),
    download: async (id) => {
      const { headers, body } = await this.connection.stream({ method: 'GET', path: API_PATHS.file(id) });
      return { file: summaryFromHeaders(headers), content: body };
    },
    // The answer names the file by id only; the name is asked first, for the same message as a local removal.
    remove: async (id, cascade) => {
      const file = await this.fileSummary(id);
      const { cascaded } = await this.connection.json<{ cascaded: Awaited<ReturnType<FilesApi['remove']>>['cascaded'] }>({ method: 'DELETE', path: withQuery(API_PATHS.file(file.file_id), { cascade }) });
      return { file, cascaded };
    },
  };

  readonly analyses: AnalysesApi = {
    start: async (input) => {
      const json = { analysis: input.analysis, ...(input.fileId !== null ? { file_id: input.fileId } : {}), ...(input.model !== null ? { model: input.model } : {}), params: input.params };
      const { analysis_id: id } = await this.connection.json<{ analysis_id: string }>({ method: 'POST', path: API_PATHS.analyses, json });
      return this.analyses.get(id);
    },
    get: (id) => this.connection.json<AnalysisBody>({ method: 'GET', path: API_PATHS.analysis(id) }),
    cancel: async (id) => {
      await this.connection.json({ method: 'DELETE', path: API_PATHS.cancelAnalysis(id) });
    },
  };

  readonly events: EventsApi = {
    search: (input) => this.connection.json<{ events: EventView[]; next: string | null }>({ method: 'GET', path: withQuery(API_PATHS.events, filterQuery(input)) }),
    get: (id) => this.connection.json<EventView>({ method: 'GET', path: API_PATHS.event(id) }),
    addLabel: (id, label) => this.connection.json<EventView>({ method: 'POST', path: API_PATHS.eventLabels(id), json: label }),
    removeLabel: (id, name) => this.connection.json<{ removed: boolean }>({ method: 'DELETE', path: API_PATHS.eventLabel(id, name) }),
    labelMatching: (input, label) => this.connection.json<{ labelled: number }>({ method: 'POST', path: withQuery(API_PATHS.labelMatching, filterQuery(input)), json: label }),
    export: async (input, format) => {
      const query = format === 'by-date' ? { ...filterQuery(input), by_date: true } : { ...filterQuery(input), format };
      const { body } = await this.connection.stream({ method: 'GET', path: withQuery(API_PATHS.eventsExport, query) });
      return { pieces: body, count: () => null };
    },
  };

  readonly jobs: ImportJobViews = {
    listJobs: async (page) => {
      const { jobs, next } = await this.connection.json<{ jobs: ImportJobListing[]; next: string | null }>({ method: 'GET', path: withQuery(API_PATHS.jobs, page) });
      return { items: jobs, next };
    },
    getJob: (id) => this.connection.json<ImportJobView>({ method: 'GET', path: API_PATHS.job(id) }),
  };

  readonly failedJobs: LibraryApi['failedJobs'] = {
    list: async (page) => {
      const { jobs, next } = await this.connection.json<{ jobs: FailedJobView[]; next: string | null }>({ method: 'GET', path: withQuery(API_PATHS.failedJobs, { limit: page.limit, after: page.after }) });
      return { items: jobs, next };
    },
    retry: (jobId) => this.connection.json({ method: 'POST', path: API_PATHS.retryJob(jobId) }),
  };

  /** A file's name, size and type, from the headers of its download (HEAD sends no bytes). */
  private async fileSummary(id: string): Promise<FileSummary> {
    const { headers, body } = await this.connection.stream({ method: 'HEAD', path: API_PATHS.file(id) });
    body.resume();
    return summaryFromHeaders(headers);
  }
}

/** The filters (and sort, page) of an event search as its query string. */
function filterQuery(input: EventQueryInput & { sort?: string; after?: string; all?: boolean }): Record<string, string | boolean | readonly string[] | undefined> {
  const list = (value: string | string[] | undefined) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);
  const { camera, color, zone, label, limit, ...rest } = input;
  return { ...rest, camera: list(camera), color: list(color), zone: list(zone), label: list(label), limit: limit === undefined ? undefined : String(limit) };
}

/** The file a download describes: its id (the ETag), name (Content-Disposition), type and size. */
function summaryFromHeaders(headers: Record<string, string | string[] | undefined>): FileSummary {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  };
  const disposition = header('content-disposition');
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="([^"]*)"/i.exec(disposition)?.[1];
  return {
    file_id: header('etag').replace(/"/g, ''),
    name: encoded ? decodeURIComponent(encoded) : (plain ?? ''),
    size: Number(header('content-length')),
    content_type: header('content-type'),
  };
}

/**
 * A file as multipart/form-data in the field `file`, streamed from disk with its progress; the
 * server names it by the last path segment, and types it by its name as a local add does.
 */
function multipartFile(path: string, size: number, onProgress: (bytes: number) => void): { body: Readable; size: number; contentType: string } {
  const boundary = `camtrove-${randomBytes(12).toString('hex')}`;
  const name = basename(path).replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    let sent = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      sent += chunk.length;
      onProgress(sent);
      yield chunk;
    }
    yield tail;
  }
  return { body: Readable.from(parts()), size: head.length + size + tail.length, contentType: `multipart/form-data; boundary=${boundary}` };
}
