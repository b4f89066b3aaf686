import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import type { Static } from '@sinclair/typebox';
import { CamtroveError, errorCatalogue, type ErrorCode } from '../../domain/errors.js';
import type { ImportRequest } from '../../domain/import/import-request.js';
import { factsToWire, holderFromWire, IMPORT_LOCK_HEADER, itemFromWire, jobFromWire, shardStateFromWire, type ItemWire, type JobWire, type LockHolderWire, type PostedWire, type ShardStateWire } from '../../http/import-wire.js';
import type { ImportDestination, ImportJobStore } from '../../services/import/import-destination.js';
import type { ImportJobListing, ImportJobView, ImportJobViews } from '../../services/import/import.service.js';
import type { ImportTarget, ImportVideo, PostedVideo } from '../../services/import/import-target.js';
import type { LockPort } from '../../services/library-lock.js';
import type { ImportItemRecord } from '../db/import.repository.js';

/** Items listed and added per request: big jobs move in pages. */
const PAGE = 2000;

interface Call {
  method: Dispatcher.HttpMethod;
  path: string;
  json?: unknown;
  /** Raw bytes (application/octet-stream). */
  raw?: { body: Buffer | Readable; size: number };
  /** Answers with this status are returned as null instead of thrown. */
  nullOn?: number;
}

/**
 * A camtrove server as an import destination (`camtrove import --server URL`), through its import
 * protocol (/api/imports/…): the server keeps the job, the lock and the files; this side walks,
 * reads and hashes the folders and sends each file's bytes unless the server has them.
 */
export class RemoteLibrary implements ImportDestination {
  readonly name: string;
  /** The base URL, as the user gave it. */
  readonly address: string;
  private readonly agent = new Agent({ connections: 16, keepAliveTimeout: 10_000 });
  /** The holder id of the import lock this client holds: writes carry it. */
  private holder: string | null = null;

  constructor(
    private readonly base: URL,
    private readonly token: string | null,
  ) {
    this.address = base.href.replace(/\/+$/, '');
    this.name = `the library at ${this.address}`;
  }

  readonly locks: LockPort = {
    acquire: async (_name, claim, isGone) => {
      type Answer = { acquired: boolean; holder?: Static<typeof LockHolderWire> };
      let answer = await this.call<Answer>({ method: 'POST', path: '/api/imports/lock', json: claim });
      const current = answer.holder ? holderFromWire(answer.holder) : null;
      // A holder this client knows to be dead (a process of this host that is gone) is replaced at once.
      if (!answer.acquired && current && isGone(current)) {
        answer = await this.call<Answer>({ method: 'POST', path: '/api/imports/lock', json: { ...claim, replaces: { host: current.host, pid: current.pid } } });
      }
      if (answer.acquired) {
        this.holder = claim.holder;
        return { acquired: true };
      }
      return { acquired: false, holder: holderFromWire(answer.holder!) };
    },
    renew: async (_name, holder) => (await this.call<{ held: boolean }>({ method: 'PUT', path: `/api/imports/lock/${holder}` })).held,
    release: async (_name, holder) => {
      await this.call({ method: 'DELETE', path: `/api/imports/lock/${holder}` });
      this.holder = null;
    },
  };

  readonly store: ImportJobStore = {
    jobForRequest: async (requestKey) => {
      const { job } = await this.call<{ job: Static<typeof JobWire> | null }>({ method: 'GET', path: `/api/imports/requests/${encodeURIComponent(requestKey)}/job` });
      return job ? jobFromWire(job) : null;
    },
    getJob: async (id) => {
      const job = await this.call<Static<typeof JobWire>>({ method: 'GET', path: `/api/imports/jobs/${encodeURIComponent(id)}`, nullOn: 404 });
      return job ? jobFromWire(job) : null;
    },
    // The server sets the times: its clock, not this machine's.
    createJob: async (job) =>
      jobFromWire(await this.call<Static<typeof JobWire>>({ method: 'POST', path: '/api/imports/jobs', json: { job_id: job.id, request_key: job.requestKey, request: job.request, segment: job.segment, shard_size: job.shardSize } })),
    items: async (jobId) => {
      const all: ReturnType<typeof itemFromWire>[] = [];
      for (;;) {
        const after = all.at(-1)?.seq ?? -1;
        const { items } = await this.call<{ items: Static<typeof ItemWire>[] }>({ method: 'GET', path: `${this.jobPath(jobId)}/items?after=${after}&limit=${PAGE}` });
        all.push(...items.map(itemFromWire));
        if (items.length < PAGE) return all;
      }
    },
    // The server numbers the items and puts them in shards of the job's size.
    appendItems: async (job, facts) => {
      const records: ImportItemRecord[] = [];
      for (let at = 0; at < facts.length; at += PAGE) {
        const chunk = facts.slice(at, at + PAGE);
        const { items } = await this.call<{ items: { seq: number; shard: number }[] }>({ method: 'POST', path: `${this.jobPath(job.id)}/items`, json: { items: chunk.map(factsToWire) } });
        items.forEach(({ seq, shard }, k) => records.push({ ...chunk[k]!, jobId: job.id, seq, shard, cameraId: null, fileId: null, state: 'discovered', outcome: null, analysisId: null, error: null, updatedAt: Date.now() }));
      }
      return records;
    },
    rediscover: async (jobId, seq, facts) => {
      await this.call({ method: 'PUT', path: `${this.jobPath(jobId)}/items/${seq}`, json: factsToWire(facts) });
    },
    markFailed: async (jobId, seq, reason) => {
      await this.call({ method: 'POST', path: `${this.jobPath(jobId)}/items/${seq}/failure`, json: { reason } });
    },
    shardStateCounts: async (jobId) => {
      const { counts } = await this.call<{ counts: Static<typeof ShardStateWire>[] }>({ method: 'GET', path: `${this.jobPath(jobId)}/shard-states` });
      return counts.map(shardStateFromWire);
    },
    recordPosted: async (posted) => {
      await this.call({ method: 'POST', path: `${this.jobPath(posted.jobId)}/items/${posted.seq}/posted`, json: { file_id: posted.fileId, camera_id: posted.cameraId, captured_at_ms: posted.capturedAt, time_source: posted.timeSource } });
    },
  };

  target(_request: ImportRequest): ImportTarget {
    return {
      registerCamera: async (name) => ({ cameraId: (await this.call<{ camera_id: string }>({ method: 'POST', path: '/api/imports/cameras', json: { name } })).camera_id }),
      postVideoContent: (video) => this.post(video),
      segment: async (jobId, seq, fileId) => (await this.call<{ analysis_id: string }>({ method: 'POST', path: `${this.jobPath(jobId)}/items/${seq}/segmentation`, json: { file_id: fileId } })).analysis_id,
    };
  }

  /** The server's import jobs, as `GET /api/jobs` shows them. */
  readonly jobs: ImportJobViews = {
    listJobs: async (page) => {
      const query = new URLSearchParams({ limit: String(page.limit), ...(page.after ? { after: page.after } : {}) });
      const { jobs, next } = await this.call<{ jobs: ImportJobListing[]; next: string | null }>({ method: 'GET', path: `/api/jobs?${query.toString()}` });
      return { items: jobs, next };
    },
    getJob: (id) => this.call<ImportJobView>({ method: 'GET', path: `/api/jobs/${encodeURIComponent(id)}` }),
  };

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Sends the bytes unless the server has them (the server checks them against the hash), then records the file. */
  private async post(video: ImportVideo): Promise<PostedVideo> {
    let bytesWereNew = false;
    const content = `/api/imports/content/${video.sha256}`;
    if (!video.duplicate && (await this.call({ method: 'GET', path: content, nullOn: 404 })) === null) {
      const body = video.bytes ?? createReadStream(video.path);
      try {
        bytesWereNew = (await this.call<{ created: boolean }>({ method: 'PUT', path: content, raw: { body, size: video.size } })).created;
      } catch (error) {
        if (error instanceof CamtroveError && error.code === 'CAMTROVE_ERR_CONTENT_MISMATCH') {
          throw new Error('the file changed while it was sent (the bytes the server received are not the ones hashed); run the import again once it is complete', { cause: error });
        }
        throw error;
      }
    }
    const posted = await this.call<Static<typeof PostedWire>>({
      method: 'POST',
      path: `${this.jobPath(video.jobId)}/items/${video.seq}/stored`,
      json: {
        sha256: video.sha256,
        size: video.size,
        path: video.displayPath,
        camera_id: video.cameraId,
        time_from_name_ms: video.timeFromName,
        mtime_ms: video.mtimeMs,
        latitude: video.latitude,
        longitude: video.longitude,
        duplicate: video.duplicate,
        bytes_were_new: bytesWereNew,
      },
    });
    return { outcome: posted.outcome ?? 'imported', capturedAt: posted.captured_at_ms, timeSource: posted.time_source, analysisId: posted.analysis_id };
  }

  /** A path of the API under the base URL (which may itself have a path, behind a proxy). */
  private url(path: string): string {
    return `${this.address}${path}`;
  }

  private jobPath(jobId: string): string {
    return `/api/imports/jobs/${encodeURIComponent(jobId)}`;
  }

  /** One request; an error answer becomes the server's CamtroveError, a network failure SERVER_UNREACHABLE. */
  private async call<T = unknown>(call: Call): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    if (this.holder !== null) headers[IMPORT_LOCK_HEADER] = this.holder;
    let body: string | Buffer | Readable | undefined;
    if (call.raw) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(call.raw.size);
      body = call.raw.body;
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await request(this.url(call.path), { method: call.method, headers, body, dispatcher: this.agent, headersTimeout: 600_000, bodyTimeout: 600_000 });
    } catch (error) {
      // A file that cannot be read while it is sent is the file's problem, not the server's.
      if (call.raw && isFileError(error)) throw error;
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new CamtroveError('CAMTROVE_ERR_SERVER_UNREACHABLE', `cannot reach the camtrove server at ${this.address} (${reason})`, { cause: error });
    }
    const text = await response.body.text();
    if (response.statusCode === call.nullOn) return null as T;
    if (response.statusCode >= 400) throw answerError(response.statusCode, text, this.address, this.token !== null);
    return (text === '' ? null : JSON.parse(text)) as T;
  }
}

function isFileError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException).syscall === 'string' && ['open', 'read'].includes((error as NodeJS.ErrnoException).syscall!);
}

/** The server's own error when it answered one, else a message naming the status. */
function answerError(status: number, text: string, address: string, tokenGiven: boolean): CamtroveError {
  let body: { error?: { code?: string; message?: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not camtrove answering (a proxy's page): said below.
  }
  const code = body.error?.code;
  if (code === 'CAMTROVE_ERR_ROUTE_NOT_FOUND') {
    return new CamtroveError('CAMTROVE_ERR_SERVER_UNREACHABLE', `the camtrove server at ${address} does not offer imports (${body.error?.message ?? 'no such endpoint'}); it is older than this camtrove: update it`);
  }
  if (code && code in errorCatalogue && body.error?.message) {
    const message =
      code !== 'CAMTROVE_ERR_UNAUTHORIZED' ? body.error.message
      : tokenGiven ? `the server at ${address} refused the token: ${body.error.message}`
      : `the server at ${address} needs an API token: give it with --token, or in env CAMTROVE_TOKEN (\`camtrove token create\` on the server makes one)`;
    return new CamtroveError(code as ErrorCode, message);
  }
  return new CamtroveError('CAMTROVE_ERR_SERVER_UNREACHABLE', `${address} answered HTTP ${status} without a camtrove error; is it a camtrove server (of this version)?`);
}
