import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileForm } from './http.js';

const run = promisify(execFile);

export interface ApiError {
  error: { code: string; message: string };
}

export interface AnalysisRecordBody {
  analysis_id: string;
  file_id: string | null;
  analysis: string;
  model: string | null;
  params: Record<string, unknown>;
  state: 'PENDING' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELLED';
  progress: number;
  attempts: number;
  error: { code: string; message: string } | null;
  result: unknown;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A small client for the HTTP API of one server, with optional fixed headers (e.g. a token). */
export function apiClient(url: string, headers: Record<string, string> = {}) {
  const client = {
    url,
    async upload(content: Uint8Array | string, name = 'clip.mp4'): Promise<string> {
      const response = await fetch(`${url}/api/files`, { method: 'POST', body: fileForm(content, name), headers });
      const body = (await response.json()) as { file_id: string } & Partial<ApiError>;
      assert.equal(response.status, 200, `upload of ${name} answered ${response.status}: ${JSON.stringify(body)}`);
      return body.file_id;
    },
    /** POST /api/analyses with a JSON body; returns the status and parsed body. */
    async post(fields: Record<string, unknown>): Promise<{ status: number; body: { analysis_id: string } & Partial<ApiError> }> {
      const response = await fetch(`${url}/api/analyses`, { method: 'POST', body: JSON.stringify(fields), headers: { ...headers, 'content-type': 'application/json' } });
      return { status: response.status, body: (await response.json()) as { analysis_id: string } & Partial<ApiError> };
    },
    /** Starts an analysis that must be accepted; returns its id. */
    async start(fields: Record<string, unknown>): Promise<string> {
      const { status, body } = await client.post(fields);
      assert.equal(status, 200, `POST /api/analyses ${JSON.stringify(fields)} answered ${status}: ${JSON.stringify(body)}`);
      return body.analysis_id;
    },
    async record(id: string): Promise<AnalysisRecordBody> {
      const response = await fetch(`${url}/api/analyses/${id}`, { headers });
      assert.equal(response.status, 200);
      return (await response.json()) as AnalysisRecordBody;
    },
    /** Polls the full record until `done(record)` holds, failing after `timeoutMs`. */
    async waitFor(id: string, done: (r: AnalysisRecordBody) => boolean, timeoutMs = 30_000): Promise<AnalysisRecordBody> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const record = await client.record(id);
        if (done(record)) return record;
        if (Date.now() > deadline) throw new Error(`analysis ${id} did not reach the expected state within ${timeoutMs} ms: ${JSON.stringify(record)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** Waits until the analysis finished (SUCCESS, FAILURE or CANCELLED). */
    waitFinished(id: string, timeoutMs = 30_000): Promise<AnalysisRecordBody> {
      return client.waitFor(id, (r) => r.state === 'SUCCESS' || r.state === 'FAILURE' || r.state === 'CANCELLED', timeoutMs);
    },
    /** Runs an analysis to SUCCESS and returns its result JSON as GET /api/analyses/:id/result gives it. */
    async succeed<T>(fields: Record<string, unknown>, timeoutMs = 30_000): Promise<T> {
      const id = await client.start(fields);
      const record = await client.waitFinished(id, timeoutMs);
      assert.equal(record.state, 'SUCCESS', `${JSON.stringify(fields)} ended ${record.state}: ${JSON.stringify(record.error)}`);
      const response = await fetch(`${url}/api/analyses/${id}/result`, { headers });
      assert.equal(response.status, 200);
      return (await response.json()) as T;
    },
    async download(id: string): Promise<{ status: number; contentType: string | null; bytes: Buffer }> {
      const response = await fetch(`${url}/api/files/${id}`, { headers });
      return { status: response.status, contentType: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
    },
  };
  return client;
}

/** Stream facts of a media file straight from ffprobe, independent of camtrove's own probe. */
export async function ffprobeStreams(path: string): Promise<{ codec_type: string; codec_name: string; codec_tag_string?: string; pix_fmt?: string; width?: number; height?: number }[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', path]);
  return (JSON.parse(stdout) as { streams: [] }).streams;
}

/** Every file below `dir` (relative paths), or [] when it does not exist. */
export async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: still not true after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
