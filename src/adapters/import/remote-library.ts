import { createReadStream } from 'node:fs';
import type { Static } from '@sinclair/typebox';
import { CamtroveError } from '../../domain/errors.js';
import type { ImportRequest } from '../../domain/import/import-request.js';
import { factsToWire, holderFromWire, IMPORT_LOCK_HEADER, itemFromWire, jobFromWire, shardStateFromWire, type ItemWire, type JobWire, type LockHolderWire, type PostedWire, type ShardStateWire } from '../../http/import-wire.js';
import type { ImportDestination, ImportJobStore } from '../../services/import/import-destination.js';
import type { ImportPreviewSource } from '../../services/import/importer.js';
import type { ImportTarget, ImportVideo, PostedVideo } from '../../services/import/import-target.js';
import type { LockPort } from '../../services/library-lock.js';
import type { ImportItemRecord } from '../db/import.repository.js';
import { ServerConnection, type ServerCall } from '../remote/server-connection.js';

/** Items listed and added per request: big jobs move in pages. */
const PAGE = 2000;

/**
 * A camtrove server as an import destination (`camtrove import --server URL`), through its import
 * protocol (/api/imports/…): the server keeps the job, the lock and the files; this side walks,
 * reads and hashes the folders and sends each file's bytes unless the server has them.
 */
export class RemoteLibrary implements ImportDestination {
  readonly name: string;
  /** The base URL, as the user gave it. */
  readonly address: string;
  private readonly connection: ServerConnection;
  /** The holder id of the import lock this client holds: writes carry it. */
  private holder: string | null = null;

  constructor(base: URL, token: string | null) {
    this.connection = new ServerConnection(base, token, 'imports');
    this.address = this.connection.address;
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

  /** What `import --dry-run --server` reads of the server: the request's earlier job there, and whether it has the bytes. */
  previewSource(): ImportPreviewSource {
    return { store: this.store, hasMedia: async (sha256) => (await this.call({ method: 'GET', path: `/api/imports/content/${sha256}`, nullOn: 404 })) !== null };
  }

  close(): Promise<void> {
    return this.connection.close();
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

  private jobPath(jobId: string): string {
    return `/api/imports/jobs/${encodeURIComponent(jobId)}`;
  }

  /** One request, with the import lock's holder id once this client holds the lock. */
  private call<T = unknown>(call: ServerCall): Promise<T> {
    return this.connection.json<T>({ ...call, headers: this.holder !== null ? { [IMPORT_LOCK_HEADER]: this.holder } : {} });
  }
}
