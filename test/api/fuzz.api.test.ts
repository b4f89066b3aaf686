import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { errorCatalogue } from '../../src/domain/errors.js';
import { buildApp } from '../../src/http/app.js';
import { fileForm } from '../helpers/http.js';
import { operationsOf, RequestGenerator, type FuzzRequest } from '../helpers/openapi-fuzz.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { openTestLibrary } from '../helpers/test-library.js';

/** Set CAMTROVE_FUZZ_SEED to replay a run; CAMTROVE_FUZZ_REQUESTS to send more. */
const SEED = process.env.CAMTROVE_FUZZ_SEED ? Number(process.env.CAMTROVE_FUZZ_SEED) : randomInt(2 ** 31);
const REQUESTS = Number(process.env.CAMTROVE_FUZZ_REQUESTS ?? 2000);

/** What is wrong with an answer, or null: no 5xx, and every 4xx has a catalogue body whose code has this status. */
function problemWith(status: number, body: string): string | null {
  if (status >= 500) return `answered ${status}: ${body.slice(0, 300)}`;
  if (status < 400) return null;
  let parsed: { error?: { code?: unknown; message?: unknown } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return `answered ${status} with a body that is not JSON: ${body.slice(0, 300)}`;
  }
  const code = parsed.error?.code;
  if (typeof code !== 'string' || typeof parsed.error?.message !== 'string') return `answered ${status} without {error: {code, message}}: ${body.slice(0, 300)}`;
  const entry = errorCatalogue[code as keyof typeof errorCatalogue];
  if (!entry) return `answered ${status} with ${code}, which is not in the catalogue`;
  if (entry.status !== status) return `answered ${status} with ${code}, whose status in the catalogue is ${entry.status}`;
  return null;
}

describe('fuzzing every route of the OpenAPI document', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let app: FastifyInstance;
  const ids: string[] = [];

  before(async () => {
    // No workers: analyses the fuzz starts only queue, so every route can be called, POST /api/analyses too.
    library = await openTestLibrary({ maxUploadBytes: 64 * 1024 });
    app = await buildApp({ ...library, logger: false });
    await app.ready();
    // Things that exist, so that requests naming them reach past "not found".
    const upload = await app.inject({ method: 'POST', url: '/api/files', body: fileForm(randomBytes(2048), 'seed.mp4') as unknown as string });
    const fileId = (upload.json<{ file_id: string }>()).file_id;
    const analysis = await app.inject({ method: 'POST', url: '/api/analyses', payload: { analysis: 'sleep', time: 0 } });
    const camera = await app.inject({ method: 'POST', url: '/api/cameras', payload: { id: 'fuzz-cam', type: 'snapshot', snapshot_url: 'http://192.0.2.1/snap.jpg' } });
    assert.equal(camera.statusCode, 201, camera.body);
    ids.push(fileId, fileId.slice(0, 8), analysis.json<{ analysis_id: string }>().analysis_id, 'fuzz-cam', 'a'.repeat(32), 'b'.repeat(64));
  });
  after(async () => {
    await app.close();
    await library.dispose();
  });

  it(`sends ${REQUESTS} generated requests: no 5xx, and every 4xx answers a catalogue error with its status`, async (t) => {
    t.diagnostic(`seed ${SEED} (replay with CAMTROVE_FUZZ_SEED=${SEED})`);
    const document = app.swagger() as Parameters<typeof operationsOf>[0];
    const operations = operationsOf(document);
    assert.ok(operations.length >= 40, `the OpenAPI document lists ${operations.length} operations`);
    const lock = await app.inject({ method: 'POST', url: '/api/imports/lock', payload: { holder: 'f'.repeat(32), host: 'fuzz', pid: 1, purpose: 'fuzz' } });
    assert.equal(lock.statusCode, 200);
    const generator = new RequestGenerator(seededRandom(SEED), { ids, lockHolder: 'f'.repeat(32) });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i += 1) {
      const operation = operations[i % operations.length]!;
      const request: FuzzRequest = generator.request(operation);
      const response = await app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, payload: request.payload });
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const problem = problemWith(response.statusCode, response.body);
      if (problem && failures.length < 10) {
        failures.push(`#${i} ${operation.method} ${operation.path}: ${request.method} ${request.url.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 300)} (${request.note}) body ${JSON.stringify(String(request.payload ?? '').slice(0, 200))}\n  ${problem}`);
      }
    }
    t.diagnostic(`statuses: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    assert.deepEqual(failures, [], `seed ${SEED} (replay with CAMTROVE_FUZZ_SEED=${SEED}):\n${failures.join('\n')}`);
    // Still alive and answering.
    assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  });
});

describe('requests the fuzz found answering 500', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let app: FastifyInstance;
  const holder = 'c'.repeat(32);
  const locked = { 'x-camtrove-import-lock': holder };

  before(async () => {
    library = await openTestLibrary();
    app = await buildApp({ ...library, logger: false });
    const lock = await app.inject({ method: 'POST', url: '/api/imports/lock', payload: { holder, host: 'test', pid: 1, purpose: 'regressions' } });
    assert.equal(lock.statusCode, 200);
  });
  after(async () => {
    await app.close();
    await library.dispose();
  });

  const codeOf = (response: { json<T>(): T }) => response.json<{ error: { code: string } }>().error.code;

  it('PUT /api/imports/content/{sha256} with a form instead of bytes answers 400', async () => {
    const response = await app.inject({ method: 'PUT', url: `/api/imports/content/${'d'.repeat(64)}`, headers: { ...locked, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' });
    assert.deepEqual([response.statusCode, codeOf(response)], [400, 'CAMTROVE_ERR_BAD_REQUEST']);
  });

  it('an imported camera named without a letter or digit answers 400 INVALID_CAMERA', async () => {
    for (const name of ['😀', '---', '\u007f']) {
      const response = await app.inject({ method: 'POST', url: '/api/imports/cameras', headers: locked, payload: { name } });
      assert.deepEqual([response.statusCode, codeOf(response)], [400, 'CAMTROVE_ERR_INVALID_CAMERA'], JSON.stringify(name));
    }
  });

  it('items whose path key the job already has answer 400 INVALID_IMPORT, and nothing is added', async () => {
    const job = await app.inject({ method: 'POST', url: '/api/imports/jobs', headers: locked, payload: { job_id: 'e'.repeat(32), request_key: 'f'.repeat(64), request: {}, segment: false, shard_size: 10 } });
    assert.equal(job.statusCode, 200, job.body);
    const item = { path: 'a.mp4', path_key: 'a'.repeat(64), size: 1, mtime_ms: 0, camera_name: null, captured_at_ms: null, time_source: null, latitude: null, longitude: null };
    const first = await app.inject({ method: 'POST', url: `/api/imports/jobs/${'e'.repeat(32)}/items`, headers: locked, payload: { items: [item] } });
    assert.equal(first.statusCode, 200, first.body);
    for (const items of [[item], [{ ...item, path_key: 'b'.repeat(64) }, { ...item, path_key: 'b'.repeat(64) }]]) {
      const again = await app.inject({ method: 'POST', url: `/api/imports/jobs/${'e'.repeat(32)}/items`, headers: locked, payload: { items } });
      assert.deepEqual([again.statusCode, codeOf(again)], [400, 'CAMTROVE_ERR_INVALID_IMPORT']);
    }
    const listed = await app.inject({ url: `/api/imports/jobs/${'e'.repeat(32)}/items` });
    assert.equal(listed.json<{ items: unknown[] }>().items.length, 1);
  });

  it('a NUL character in a path segment, the query or a body answers 400 (PostgreSQL cannot store one)', async () => {
    for (const [method, url, payload] of [
      ['GET', '/api/cameras/a%00b', undefined],
      ['DELETE', '/api/imports/lock/%00', undefined],
      ['GET', '/api/imports/requests/%00/job', undefined],
      ['GET', '/api/cameras?state=%00', undefined],
      ['POST', '/api/imports/cameras', { name: 'cam\u0000era' }],
    ] as const) {
      const response = await app.inject({ method, url, headers: locked, payload });
      assert.deepEqual([response.statusCode, codeOf(response)], [400, 'CAMTROVE_ERR_BAD_REQUEST'], `${method} ${url}`);
      assert.match(response.json<{ error: { message: string } }>().error.message, /NUL character/);
    }
  });

  it('values larger than the database columns answer 400 on both databases', async () => {
    const job = await app.inject({ method: 'POST', url: '/api/imports/jobs', headers: locked, payload: { job_id: 'j'.repeat(65), request_key: 'k'.repeat(64), request: {}, segment: false, shard_size: 10 } });
    assert.deepEqual([job.statusCode, codeOf(job)], [400, 'CAMTROVE_ERR_BAD_REQUEST']);
    const seq = await app.inject({ method: 'POST', url: `/api/imports/jobs/${'e'.repeat(32)}/items/4294967296/failure`, headers: locked, payload: { reason: 'x' } });
    assert.deepEqual([seq.statusCode, codeOf(seq)], [400, 'CAMTROVE_ERR_BAD_REQUEST']);
    const pid = await app.inject({ method: 'POST', url: '/api/imports/lock', payload: { holder: 'g'.repeat(32), host: 'x', pid: 2 ** 32, purpose: 'x' } });
    assert.deepEqual([pid.statusCode, codeOf(pid)], [400, 'CAMTROVE_ERR_BAD_REQUEST']);
  });
});
