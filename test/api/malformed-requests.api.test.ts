import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { errorCatalogue } from '../../src/domain/errors.js';
import { installStallGuard } from '../../src/http/upload-stall.js';
import { eventually, filesBelow, type ApiError } from '../helpers/api.js';
import { servedLibrary } from '../helpers/http.js';

type TestLibrary = ReturnType<typeof servedLibrary>['library'];

const STALL_MS = 300;

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  /** When the server closed the connection, in ms after the request was sent; null if it did not within the wait. */
  closedAfterMs: number | null;
}

/**
 * Sends bytes as they are on a fresh loopback connection (pieces with pauses between them where
 * given), then reads until the server closes the connection or `waitMs` passes.
 */
async function rawRequest(url: string, pieces: (string | Buffer | { pauseMs: number })[], waitMs = 5000): Promise<RawAnswer> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => undefined);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const started = Date.now();
  for (const piece of pieces) {
    if (typeof piece === 'object' && !Buffer.isBuffer(piece)) await new Promise((r) => setTimeout(r, piece.pauseMs));
    else socket.write(piece);
  }
  let closedAfterMs: number | null = null;
  const timer = new Promise<void>((resolve) => setTimeout(resolve, waitMs).unref());
  await Promise.race([closed.then(() => void (closedAfterMs = Date.now() - started)), timer]);
  socket.destroy();
  const text = Buffer.concat(chunks).toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), headers: text.slice(0, split).toLowerCase(), body: text.slice(split + 4), closedAfterMs };
}

/** The answer's catalogue error, checked against the catalogue: a known code whose status is the answer's. */
function catalogueError(answer: { status: number; body: string }, where: string): { code: string; message: string } {
  let parsed: ApiError;
  try {
    parsed = JSON.parse(answer.body) as ApiError;
  } catch {
    assert.fail(`${where}: ${answer.status} with a body that is not JSON: ${answer.body.slice(0, 200)}`);
  }
  assert.ok(parsed.error && typeof parsed.error.message === 'string', `${where}: ${answer.body.slice(0, 200)}`);
  const entry = errorCatalogue[parsed.error.code as keyof typeof errorCatalogue];
  assert.ok(entry, `${where}: ${parsed.error.code} is not in the catalogue`);
  assert.equal(entry.status, answer.status, `${where}: ${parsed.error.code} answered ${answer.status}, the catalogue says ${entry.status}`);
  return parsed.error;
}

function post(path: string, contentType: string, body: string | Buffer, extraHeaders = ''): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: ${contentType}\r\nContent-Length: ${bytes.length}\r\n${extraHeaders}\r\n`), bytes]);
}

function tempFiles(library: TestLibrary): Promise<string[]> {
  return filesBelow(join(library.config.dataDir, 'blobs', 'tmp'));
}

async function fileRows(library: TestLibrary): Promise<number> {
  return (await library.database.db.selectFrom('files').select('id').execute()).length;
}

describe('issue 15, item 10: malformed requests answer 500', () => {
  const served = servedLibrary({ uploadStallTimeoutMs: STALL_MS });

  it('a multipart body with a broken boundary, a truncated part or no boundary answers 400 and stores nothing', async () => {
    const part = (boundary: string, name: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n`;
    const cases: [string, string, string][] = [
      ['a body whose boundary is not the declared one', 'multipart/form-data; boundary=declared', `${part('other', 'file')}bytes\r\n--other--\r\n`],
      ['a file part cut short (no closing boundary)', 'multipart/form-data; boundary=XyZ', `${part('XyZ', 'file')}bytes that stop`],
      ['part headers cut short', 'multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-da'],
      ['no boundary parameter', 'multipart/form-data', `${part('XyZ', 'file')}bytes\r\n--XyZ--\r\n`],
      ['a boundary longer than 70 characters', `multipart/form-data; boundary=${'b'.repeat(300)}`, `${part('b'.repeat(300), 'file')}bytes\r\n--${'b'.repeat(300)}--\r\n`],
    ];
    for (const path of ['/api/files', '/api/analyses']) {
      for (const [what, type, body] of cases) {
        const answer = await rawRequest(served.server.url, [post(path, type, body)], 3000);
        const where = `POST ${path}, ${what}`;
        assert.equal(answer.status, 400, `${where}: ${answer.body}`);
        assert.equal(catalogueError(answer, where).code, 'CAMTROVE_ERR_BAD_REQUEST', where);
      }
    }
    assert.equal(await fileRows(served.library), 0);
    await eventually('no temp file is left', async () => (await tempFiles(served.library)).length === 0);
  });

  it('a JSON body nested 200,000 levels deep answers 400 on every route that takes JSON, and the server lives on', async () => {
    const arrays = '['.repeat(200_000) + ']'.repeat(200_000);
    const objects = '{"a":'.repeat(150_000) + '1' + '}'.repeat(150_000);
    const bodies = [arrays, `{"analysis":"sleep","params":${arrays}}`, `[${objects}]`, `{"name":"x","score":${arrays}}`];
    const routes = ['/api/analyses', '/api/cameras', '/api/cameras/import', '/api/events/labels?all=true', '/api/imports/lock', '/api/imports/jobs'];
    for (const route of routes) {
      for (const body of bodies) {
        const answer = await rawRequest(served.server.url, [post(route, 'application/json', body)]);
        const where = `POST ${route} with ${body.slice(0, 30)}… (${body.length} bytes)`;
        assert.ok(answer.status === 400 || answer.status === 413, `${where}: ${answer.status} ${answer.body.slice(0, 200)}`);
        const error = catalogueError(answer, where);
        if (answer.status === 400) assert.match(error.message, /deeper than 64 levels/, where);
      }
    }
    // A multipart field sent as application/json arrives parsed: 30,000 levels fit its 64 KiB.
    const deepField = '['.repeat(30_000) + ']'.repeat(30_000);
    for (const field of ['params', 'time']) {
      const form = `--b\r\nContent-Disposition: form-data; name="analysis"\r\n\r\nsleep\r\n--b\r\nContent-Disposition: form-data; name="${field}"\r\nContent-Type: application/json\r\n\r\n${field === 'params' ? `{"time":${deepField}}` : deepField}\r\n--b--\r\n`;
      const answer = await rawRequest(served.server.url, [post('/api/analyses', 'multipart/form-data; boundary=b', form)]);
      assert.equal(answer.status, 400, `multipart field ${field}: ${answer.body.slice(0, 200)}`);
      assert.match(catalogueError(answer, `multipart field ${field}`).message, /deeper than 64 levels/);
    }
    // Nesting within the limit is still read.
    const shallow = await fetch(`${served.server.url}/api/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ analysis: 'sleep', params: { time: 0 } }) });
    assert.equal(shallow.status, 200);
    assert.equal((await fetch(`${served.server.url}/health`)).status, 200);
  });

  it('a JSON body over the body limit answers 413 BODY_TOO_LARGE, not 400', async () => {
    const big = JSON.stringify({ analysis: 'sleep', pad: 'x'.repeat(2 * 1024 * 1024) });
    const declared = await rawRequest(served.server.url, [post('/api/analyses', 'application/json', big)]);
    assert.equal(declared.status, 413);
    assert.equal(catalogueError(declared, 'a declared length over the limit').code, 'CAMTROVE_ERR_BODY_TOO_LARGE');
    // Without a length, the limit is met while reading.
    const chunked = await fetch(`${served.server.url}/api/analyses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.toWeb(Readable.from([Buffer.from(big)])) as ReadableStream,
      duplex: 'half',
    });
    assert.equal(chunked.status, 413);
    assert.equal(((await chunked.json()) as ApiError).error.code, 'CAMTROVE_ERR_BODY_TOO_LARGE');
  });

  it('an upload that stalls is aborted with 408 and leaves no temp file and no row (POST /api/files)', async () => {
    const boundary = `----camtrove${randomBytes(6).toString('hex')}`;
    const head = `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`;
    const part = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="stalls.mp4"\r\nContent-Type: video/mp4\r\n\r\n`;
    // Stalls in the middle of the file (a temp file is being written), and before the body starts.
    for (const pieces of [[head, part, randomBytes(512 * 1024)], [head]]) {
      const answer = await rawRequest(served.server.url, pieces, 10 * STALL_MS);
      assert.equal(answer.status, 408, answer.body);
      assert.equal(catalogueError(answer, 'stalled upload').code, 'CAMTROVE_ERR_REQUEST_TIMEOUT');
      assert.ok(answer.closedAfterMs !== null && answer.closedAfterMs < 8 * STALL_MS, `the server closed the connection (${answer.closedAfterMs} ms)`);
      assert.match(answer.headers, /connection: close/);
    }
    await eventually('no temp file is left', async () => (await tempFiles(served.library)).length === 0);
    assert.equal(await fileRows(served.library), 0);
    // A client that pauses for less than the limit is not cut off.
    const slow = await rawRequest(served.server.url, [head.replace(String(8 * 1024 * 1024), String(part.length + 5 + `\r\n--${boundary}--\r\n`.length)), part, { pauseMs: STALL_MS / 2 }, 'bytes', { pauseMs: STALL_MS / 2 }, `\r\n--${boundary}--\r\n`], 3000);
    assert.equal(slow.status, 200, slow.body);
  });

  it('an upload that stalls is aborted with 408 and leaves no temp file (PUT /api/imports/content/{sha256})', async () => {
    const holder = randomBytes(16).toString('hex');
    const lock = await fetch(`${served.server.url}/api/imports/lock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ holder, host: 'test', pid: 1, purpose: 'stall test' }) });
    assert.deepEqual(await lock.json(), { acquired: true });
    const sha = 'ab'.repeat(32);
    const size = 16 * 1024 * 1024; // over the 4 MiB read into memory: streamed into a temp file
    const head = `PUT /api/imports/content/${sha} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\nx-camtrove-import-lock: ${holder}\r\n\r\n`;
    let sawTemp = false;
    const watching = setInterval(() => void tempFiles(served.library).then((files) => (sawTemp ||= files.length > 0)), 20);
    try {
      const answer = await rawRequest(served.server.url, [head, randomBytes(1024 * 1024)], 10 * STALL_MS);
      assert.equal(answer.status, 408, answer.body);
      assert.equal(catalogueError(answer, 'stalled content').code, 'CAMTROVE_ERR_REQUEST_TIMEOUT');
    } finally {
      clearInterval(watching);
    }
    assert.ok(sawTemp, 'the bytes reached a temp file before the stall (the check below can fail)');
    await eventually('no temp file is left', async () => (await tempFiles(served.library)).length === 0);
    assert.equal((await fetch(`${served.server.url}/api/imports/content/${sha}`)).status, 404);
    await fetch(`${served.server.url}/api/imports/lock/${holder}`, { method: 'DELETE' });
  });

  it('a JSON body that stalls is aborted with 408 too', async () => {
    const answer = await rawRequest(served.server.url, [`POST /api/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":`], 10 * STALL_MS);
    assert.equal(answer.status, 408);
    assert.equal(catalogueError(answer, 'stalled JSON').code, 'CAMTROVE_ERR_REQUEST_TIMEOUT');
  });

  it('numbers in query strings, path segments and form fields parse strictly, naming the field', async () => {
    const refused = ['0x10', '1e3', ' 5', '5abc', '', '+5', '1.0', '007'];
    for (const value of refused) {
      const files = await fetch(`${served.server.url}/api/files?limit=${encodeURIComponent(value)}`);
      assert.equal(files.status, 400, `limit=${JSON.stringify(value)}`);
      assert.match(((await files.json()) as ApiError).error.message, /limit/);
      const items = await fetch(`${served.server.url}/api/imports/jobs/${'a'.repeat(32)}/items/${encodeURIComponent(value)}/failure`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"x"}' });
      assert.equal(items.status, 400, `seq=${JSON.stringify(value)}`);
      const sleep = await fetch(`${served.server.url}/api/analyses`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `analysis=sleep&time=${encodeURIComponent(value)}` });
      const error = ((await sleep.json()) as ApiError).error;
      // time is a number: 1e3 and 1.0 are decimal numbers, the rest are not.
      if (value === '1e3' || value === '1.0') assert.equal(sleep.status, 200, `time=${value}`);
      else assert.deepEqual([sleep.status, error.code], [400, 'CAMTROVE_ERR_INVALID_PARAMS'], `time=${JSON.stringify(value)}`);
      if (sleep.status === 400) assert.match(error.message, /time: /);
    }
    const cameras = await fetch(`${served.server.url}/api/cameras?lat=0x10&lon=1&radius_km=5`);
    assert.equal(cameras.status, 400);
    assert.match(((await cameras.json()) as ApiError).error.message, /lat: "0x10" is not a number/);
    const events = await fetch(`${served.server.url}/api/events?min_score=0x0`);
    assert.equal(events.status, 400);
    assert.match(((await events.json()) as ApiError).error.message, /^min_score: /);
    // Plain decimal is read as before.
    assert.equal((await fetch(`${served.server.url}/api/files?limit=10`)).status, 200);
    assert.equal((await fetch(`${served.server.url}/api/cameras?lat=-33.5&lon=151&radius_km=5`)).status, 200);
  });

  it('every error answers the catalogue body: 404, 414, 431, malformed URLs and HTTP, 413', async () => {
    const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers}\r\n`;
    const cases: [string, string | Buffer, number, string][] = [
      ['an unknown route', get('/nowhere'), 404, 'CAMTROVE_ERR_ROUTE_NOT_FOUND'],
      ['a path segment of 2,000 characters', get(`/api/files/${'a'.repeat(2000)}`), 414, 'CAMTROVE_ERR_URI_TOO_LONG'],
      ['a query of 10,000 characters', get(`/api/files?after=${'a'.repeat(10_000)}`), 414, 'CAMTROVE_ERR_URI_TOO_LONG'],
      ['a request line of 20,000 characters', get(`/api/files?after=${'a'.repeat(20_000)}`), 414, 'CAMTROVE_ERR_URI_TOO_LONG'],
      ['20 KiB of headers', get('/api/files', `X-Big: ${'a'.repeat(20_000)}\r\n`), 431, 'CAMTROVE_ERR_HEADERS_TOO_LARGE'],
      ['malformed percent-encoding in the path', get('/api/files/%E0%A4%A'), 400, 'CAMTROVE_ERR_BAD_REQUEST'],
      ['a NUL in the path', get('/api/files/abc%00def'), 400, 'CAMTROVE_ERR_BAD_REQUEST'],
      ['a request line that is not HTTP', 'BLAH\r\n\r\n', 400, 'CAMTROVE_ERR_BAD_REQUEST'],
      ['a header without a colon', get('/api/files', 'broken header\r\n'), 400, 'CAMTROVE_ERR_BAD_REQUEST'],
      ['a Content-Length that is not a number', `POST /api/analyses HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`, 400, 'CAMTROVE_ERR_BAD_REQUEST'],
      ['a body over the limit', post('/api/cameras', 'application/json', `{"id":"${'x'.repeat(1100 * 1024)}"}`), 413, 'CAMTROVE_ERR_BODY_TOO_LARGE'],
      ['malformed JSON', post('/api/cameras', 'application/json', '{"id":'), 400, 'CAMTROVE_ERR_BAD_REQUEST'],
      ['an unknown content type', post('/api/cameras', 'application/xml', '<camera/>'), 400, 'CAMTROVE_ERR_BAD_REQUEST'],
      ['a content type that does not parse', post('/api/cameras', '/;;', '{}'), 400, 'CAMTROVE_ERR_BAD_REQUEST'],
    ];
    for (const [what, request, status, code] of cases) {
      const answer = await rawRequest(served.server.url, [request], 3000);
      assert.equal(answer.status, status, `${what}: ${answer.body.slice(0, 200)}`);
      assert.equal(catalogueError(answer, what).code, code, what);
      assert.match(answer.headers, /content-type: application\/json/, what);
      assert.match(answer.headers, /x-content-type-options: nosniff/, what);
    }
  });

  it('path segments as long as the longest camera id and label name are accepted', async () => {
    const id = `c${'a'.repeat(127)}`;
    const camera = await fetch(`${served.server.url}/api/cameras/${id}`);
    assert.deepEqual([camera.status, ((await camera.json()) as ApiError).error.code], [404, 'CAMTROVE_ERR_CAMERA_NOT_FOUND']);
    const label = encodeURIComponent('标'.repeat(100));
    const removed = await fetch(`${served.server.url}/api/events/${'e'.repeat(32)}/labels/${label}`, { method: 'DELETE' });
    assert.deepEqual([removed.status, ((await removed.json()) as ApiError).error.code], [404, 'CAMTROVE_ERR_EVENT_NOT_FOUND']);
  });
});

describe('upload stall: time the server spends not reading is not the client\'s stall', () => {
  it('a consumer that holds the body back for several stall timeouts still gets all of it', async () => {
    const app = Fastify();
    installStallGuard(app, 150);
    app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    app.put('/slow', async (request) => {
      // The handler waits before reading: the socket's buffers fill and it stops reading.
      await new Promise((r) => setTimeout(r, 1000));
      let bytes = 0;
      for await (const chunk of request.body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        // And reads slowly too.
        if (bytes % (1024 * 1024) < chunk.length) await new Promise((r) => setTimeout(r, 200));
      }
      return { bytes };
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const size = 8 * 1024 * 1024;
      const response = await fetch(`${url}/slow`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(size) });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { bytes: size });
    } finally {
      await app.close();
    }
  });
});
