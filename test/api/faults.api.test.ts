import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, readFile, stat, truncate } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { buildApp } from '../../src/http/app.js';
import { apiClient, eventually, filesBelow, type AnalysisRecordBody, type ApiError } from '../helpers/api.js';
import { fileForm, listen } from '../helpers/http.js';
import { makeVideo, sampleClips } from '../helpers/media.js';
import { openTestLibrary } from '../helpers/test-library.js';

type TestLibrary = Awaited<ReturnType<typeof openTestLibrary>>;

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as ApiError;
  assert.ok(body.error, `expected an error body, got ${JSON.stringify(body)}`);
  return { status: response.status, code: body.error.code, message: body.error.message };
}

/** Files in the blob store's temp folder (uploads in progress or left behind). */
function tempFiles(library: TestLibrary): Promise<string[]> {
  return filesBelow(join(library.config.dataDir, 'blobs', 'tmp'));
}

/** Stored blobs (everything under blobs/ but the temp folder). */
async function storedBlobs(library: TestLibrary): Promise<string[]> {
  return (await filesBelow(join(library.config.dataDir, 'blobs'))).filter((p) => !p.startsWith('tmp'));
}

async function fileRows(library: TestLibrary): Promise<string[]> {
  const rows = await library.database.db.selectFrom('files').select('id').execute();
  return rows.map((r) => r.id);
}

describe('upload faults', () => {
  let library: TestLibrary;
  let server: Awaited<ReturnType<typeof listen>>;

  before(async () => {
    library = await openTestLibrary();
    server = await listen(library);
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  it('a form without a "file" field answers 400 MISSING_FILE_FIELD', async () => {
    const wrongField = await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm('some bytes', 'a.txt', 'upload') });
    const error = await errorOf(wrongField);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'CAMTROVE_ERR_MISSING_FILE_FIELD');
    assert.match(error.message, /field named "file"/);

    const form = new FormData();
    form.append('name', 'only text');
    const textOnly = await errorOf(await fetch(`${server.url}/api/files`, { method: 'POST', body: form }));
    assert.deepEqual([textOnly.status, textOnly.code], [400, 'CAMTROVE_ERR_MISSING_FILE_FIELD']);
    assert.deepEqual(await fileRows(library), []);
  });

  it('a POST /api/files that is not multipart answers 400 MISSING_FILE_FIELD saying how to send it', async () => {
    for (const [contentType, body] of [['application/json', '{"file":"x"}'], ['application/octet-stream', 'raw bytes'], ['text/plain', 'text']] as const) {
      const error = await errorOf(await fetch(`${server.url}/api/files`, { method: 'POST', body, headers: { 'content-type': contentType } }));
      assert.equal(error.status, 400, contentType);
      assert.equal(error.code, 'CAMTROVE_ERR_MISSING_FILE_FIELD', contentType);
      assert.match(error.message, /multipart\/form-data/, contentType);
    }
  });

  it('an empty file answers 400 EMPTY_FILE and stores nothing', async () => {
    const error = await errorOf(await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(new Uint8Array(0), 'empty.mp4') }));
    assert.equal(error.status, 400);
    assert.equal(error.code, 'CAMTROVE_ERR_EMPTY_FILE');
    assert.match(error.message, /empty \(0 bytes\)/);
    assert.deepEqual(await fileRows(library), []);
    assert.deepEqual(await storedBlobs(library), []);
    assert.deepEqual(await tempFiles(library), []);
  });

  it('a file name with ../ segments is stored as its last segment, and only in the blob store', async () => {
    const bytes = `not really a video ${randomBytes(8).toString('hex')}`;
    const names = ['../../../evil.mp4', '..\\..\\evil-too.mp4', '../'];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const response = await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(`${bytes}${i}`, name) });
      assert.equal(response.status, 200);
      ids.push(((await response.json()) as { file_id: string }).file_id);
    }
    const list = (await (await fetch(`${server.url}/api/files`)).json()) as { files: { file_id: string; name: string }[] };
    const nameOf = (id: string | undefined) => list.files.find((f) => f.file_id === id)?.name;
    assert.equal(nameOf(ids[0]), 'evil.mp4');
    assert.equal(nameOf(ids[1]), 'evil-too.mp4');
    // Nothing left of the name: the id stands in.
    assert.equal(nameOf(ids[2]), ids[2]?.slice(0, 12));
    const download = await fetch(`${server.url}/api/files/${ids[0]}`);
    assert.match(download.headers.get('content-disposition') ?? '', /filename="evil\.mp4"/);
    await download.arrayBuffer();

    // Every file of the test folder is either the database or a blob at its hash path.
    for (const path of await filesBelow(library.env.dir)) {
      assert.doesNotMatch(path, /evil/, `${path} was written from a client's file name`);
    }
    const blobs = await storedBlobs(library);
    for (const id of ids) assert.ok(blobs.includes(join(id.slice(0, 2), id.slice(2, 4), id)), `blob ${id} is stored by its hash`);
    for (const path of await filesBelow(library.config.dataDir)) {
      assert.ok(path.startsWith('blobs') || path.startsWith('camtrove.db') || path.startsWith('work'), `unexpected file ${path} in the data folder`);
    }
  });

  it('a client that disconnects mid-upload leaves no temp file and no file row', async () => {
    const rowsBefore = await fileRows(library);
    const boundary = `----camtrove${randomBytes(8).toString('hex')}`;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.on('error', () => undefined);
    socket.write(
      `POST /api/files HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
    );
    socket.write(head);
    socket.write(randomBytes(256 * 1024));
    // The upload is streaming into a temp file now; then the client goes away.
    await eventually('the upload reached a temp file', async () => (await tempFiles(library)).length > 0);
    socket.destroy();

    await eventually('the temp file is removed', async () => (await tempFiles(library)).length === 0);
    assert.deepEqual(await fileRows(library), rowsBefore);
    // The server carries on.
    assert.equal((await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm('after the disconnect', 'ok.txt') })).status, 200);
  });

  it('100 concurrent uploads of the same bytes store one blob and one row, and all answer the same id', async () => {
    const bytes = randomBytes(64 * 1024);
    const expected = createHash('sha256').update(bytes).digest('hex');
    const answers = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const response = await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(bytes, `same-${i}.bin`) });
        return { status: response.status, body: (await response.json()) as { file_id: string; created: boolean } };
      }),
    );
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.deepEqual(new Set(answers.map((a) => a.body.file_id)), new Set([expected]));
    assert.equal(answers.filter((a) => a.body.created).length, 1, 'exactly one upload created the file');
    assert.equal((await fileRows(library)).filter((id) => id === expected).length, 1);
    assert.equal((await storedBlobs(library)).filter((p) => p.endsWith(expected)).length, 1);
    assert.deepEqual(await tempFiles(library), []);
    const stored = await readFile(join(library.config.dataDir, 'blobs', expected.slice(0, 2), expected.slice(2, 4), expected));
    assert.ok(stored.equals(bytes));
  });
});

describe('upload limit', () => {
  let library: TestLibrary;
  let server: Awaited<ReturnType<typeof listen>>;

  before(async () => {
    library = await openTestLibrary({ maxUploadBytes: 1000 });
    server = await listen(library);
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  it('an upload over maxUploadBytes answers 413 naming the limit and leaves no temp file', async () => {
    for (const size of [1001, 5000, 2 * 1024 * 1024]) {
      const error = await errorOf(await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(randomBytes(size), 'big.bin') }));
      assert.equal(error.status, 413, `${size} bytes`);
      assert.equal(error.code, 'CAMTROVE_ERR_UPLOAD_TOO_LARGE');
      assert.match(error.message, /1000 bytes/);
      await eventually('no temp file is left', async () => (await tempFiles(library)).length === 0);
      assert.deepEqual(await fileRows(library), []);
      assert.deepEqual(await storedBlobs(library), []);
    }
  });

  it('an upload of exactly maxUploadBytes is accepted', async () => {
    const response = await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(randomBytes(1000), 'exact.bin') });
    assert.equal(response.status, 200);
    assert.equal((await fileRows(library)).length, 1);
  });
});

describe('analysis faults', () => {
  let library: TestLibrary;
  let server: Awaited<ReturnType<typeof listen>>;
  let api: ReturnType<typeof apiClient>;
  let clipId: string;
  let clipBytes: Buffer;

  before(async () => {
    library = await openTestLibrary();
    server = await listen(library);
    library.startWorkers();
    api = apiClient(server.url);
    clipBytes = await readFile(await makeVideo(join(library.env.dir, 'clip.mp4'), { seconds: 2 }));
    clipId = await api.upload(clipBytes, 'clip.mp4');
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  async function postError(fields: Record<string, unknown>): Promise<{ status: number; code: string; message: string }> {
    const { status, body } = await api.post(fields);
    assert.ok(body.error, `expected ${JSON.stringify(fields)} to be refused, got ${status} ${JSON.stringify(body)}`);
    return { status, code: body.error.code, message: body.error.message };
  }

  /** Runs an analysis expected to fail and checks GET /api/analyses/:id/result says so with 422. */
  async function failure(fields: Record<string, unknown>): Promise<{ code: string; message: string }> {
    const id = await api.start(fields);
    const record = await api.waitFinished(id);
    assert.equal(record.state, 'FAILURE', `${JSON.stringify(fields)} ended ${record.state}`);
    const poll = await fetch(`${server.url}/api/analyses/${id}/result`);
    assert.equal(poll.status, 422);
    const body = (await poll.json()) as { state: string; error: { code: string; message: string } };
    assert.equal(body.state, 'FAILURE');
    assert.deepEqual(body.error, record.error);
    return body.error;
  }

  it('a POST /api/analyses in an unsupported content type answers 400 naming the ones it accepts', async () => {
    const response = await fetch(`${server.url}/api/analyses`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: `<analysis>probe</analysis>` });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'CAMTROVE_ERR_BAD_REQUEST');
    assert.match(body.error.message, /application\/json, multipart\/form-data or application\/x-www-form-urlencoded/);
  });

  it('a non-media file fails probe, thumbnail, transcode and frames with MEDIA_UNREADABLE, and the worker lives on', async () => {
    const textId = await api.upload('this is a shopping list, not a video\n'.repeat(50), 'notes.mp4');
    for (const analysis of ['probe', 'thumbnail', 'transcode', 'frames']) {
      const id = await api.start({ analysis, file_id: textId });
      const record = await api.waitFinished(id);
      assert.equal(record.state, 'FAILURE', analysis);
      assert.equal(record.error?.code, 'CAMTROVE_ERR_MEDIA_UNREADABLE', analysis);
      assert.match(record.error?.message ?? '', /not a readable video or image: Invalid data found/, analysis);
      assert.equal(record.attempts, 1, `${analysis}: an unreadable file is not retried`);
      const poll = await fetch(`${server.url}/api/analyses/${id}/result`);
      assert.equal(poll.status, 422);
    }
    const info = await api.succeed<{ video: { codec: string } }>({ analysis: 'probe', file_id: clipId });
    assert.equal(info.video.codec, 'h264');
  });

  it('an MP4 cut to 40 % (no moov atom) fails with MEDIA_UNREADABLE naming the missing index', async () => {
    const path = join(library.env.dir, 'cut.mp4');
    await copyFile(join(library.env.dir, 'clip.mp4'), path);
    await truncate(path, Math.floor(clipBytes.length * 0.4));
    const cutId = await api.upload(await readFile(path), 'cut.mp4');
    for (const analysis of ['probe', 'thumbnail', 'transcode']) {
      const error = await failure({ analysis, file_id: cutId });
      assert.equal(error.code, 'CAMTROVE_ERR_MEDIA_UNREADABLE', analysis);
      assert.match(error.message, /moov atom not found/, analysis);
    }
    assert.equal((await api.succeed<{ count: number }>({ analysis: 'frames', file_id: clipId, fps: 1 })).count, 2);
  });

  it('a Matroska clip cut to 40 % is read as far as it goes', async () => {
    const path = await makeVideo(join(library.env.dir, 'cut.mkv'), { seconds: 10 });
    await truncate(path, Math.floor((await stat(path)).size * 0.4));
    const cutId = await api.upload(await readFile(path), 'cut.mkv');
    // The header still claims 10 s; only about 4 s of frames are there.
    const info = await api.succeed<{ duration: number }>({ analysis: 'probe', file_id: cutId });
    assert.equal(info.duration, 10);
    const transcoded = await api.succeed<{ duration: number }>({ analysis: 'transcode', file_id: cutId, preset: 'ultrafast' });
    assert.ok(transcoded.duration > 2 && transcoded.duration < 6, `transcoded ${transcoded.duration} s`);
    const frames = await api.succeed<{ count: number }>({ analysis: 'frames', file_id: cutId, fps: 1, width: 32 });
    assert.ok(frames.count >= 2 && frames.count <= 6, `${frames.count} frames`);
    assert.deepEqual(await api.succeed<{ width: number }>({ analysis: 'thumbnail', file_id: cutId, t: 1, width: 32 }).then((r) => r.width), 32);
    // Past the cut there is no frame to take, which the error says.
    const error = await failure({ analysis: 'thumbnail', file_id: cutId, t: 9 });
    assert.equal(error.code, 'CAMTROVE_ERR_MEDIA_UNREADABLE');
    assert.match(error.message, /no frame could be decoded at t=9 s/);
  });

  it('the shared surveillance clip cut to 40 % either succeeds or fails with a clear code, never hangs', async (t) => {
    const clips = sampleClips(t, 'vtest.avi');
    if (!clips) return;
    const [source] = clips;
    const path = join(library.env.dir, 'vtest-cut.avi');
    await copyFile(source, path);
    await truncate(path, Math.floor((await stat(source)).size * 0.4));
    const cutId = await api.upload(await readFile(path), 'vtest-cut.avi');
    const runs: Record<string, Record<string, unknown>> = {
      probe: {},
      thumbnail: { t: 10, width: 160 },
      transcode: { preset: 'ultrafast', max_height: 144 },
      frames: { fps: 0.5, width: 64 },
    };
    const ids = await Promise.all(Object.entries(runs).map(([analysis, params]) => api.start({ analysis, file_id: cutId, ...params })));
    for (const [i, id] of ids.entries()) {
      const record: AnalysisRecordBody = await api.waitFinished(id, 40_000);
      if (record.state === 'FAILURE') {
        assert.ok(['CAMTROVE_ERR_MEDIA_UNREADABLE', 'CAMTROVE_ERR_MEDIA_PROCESSING'].includes(record.error?.code ?? ''), JSON.stringify(record.error));
        assert.ok((record.error?.message.length ?? 0) > 10);
      } else {
        assert.equal(record.state, 'SUCCESS', Object.keys(runs)[i]);
      }
    }
    // A thumbnail well inside the readable part works.
    assert.equal((await api.succeed<{ width: number }>({ analysis: 'thumbnail', file_id: cutId, t: 1, width: 96 })).width, 96);
  });

  it('an unknown analysis answers 400 UNKNOWN_ANALYSIS naming it and the available ones', async () => {
    const error = await postError({ analysis: 'detect-aliens', file_id: clipId });
    assert.equal(error.status, 400);
    assert.equal(error.code, 'CAMTROVE_ERR_UNKNOWN_ANALYSIS');
    assert.match(error.message, /"detect-aliens"/);
    assert.match(error.message, /probe/);
    const missing = await postError({ file_id: clipId });
    assert.deepEqual([missing.status, missing.code], [400, 'CAMTROVE_ERR_BAD_REQUEST']);
    assert.match(missing.message, /"analysis" is required/);
  });

  it('a start request that is not a JSON object or form answers 400 BAD_REQUEST', async () => {
    const broken = await errorOf(await fetch(`${server.url}/api/analyses`, { method: 'POST', body: '{"analysis": "probe",', headers: { 'content-type': 'application/json' } }));
    assert.deepEqual([broken.status, broken.code], [400, 'CAMTROVE_ERR_BAD_REQUEST']);
    assert.match(broken.message, /JSON/);
    const list = await errorOf(await fetch(`${server.url}/api/analyses`, { method: 'POST', body: '["probe"]', headers: { 'content-type': 'application/json' } }));
    assert.deepEqual([list.status, list.code], [400, 'CAMTROVE_ERR_BAD_REQUEST']);
    assert.match(list.message, /must be a JSON object or form fields/);

    const form = new FormData();
    form.append('analysis', 'probe');
    form.append('video', new Blob([clipBytes]), 'clip.mp4');
    const withFile = await errorOf(await fetch(`${server.url}/api/analyses`, { method: 'POST', body: form }));
    assert.deepEqual([withFile.status, withFile.code], [400, 'CAMTROVE_ERR_BAD_REQUEST']);
    assert.match(withFile.message, /form fields only; upload "video" with POST \/api\/files first/);
  });

  it('a model given to an analysis without models answers 400 UNKNOWN_MODEL', async () => {
    const error = await postError({ analysis: 'probe', file_id: clipId, model: 'yolo' });
    assert.equal(error.status, 400);
    assert.equal(error.code, 'CAMTROVE_ERR_UNKNOWN_MODEL');
    assert.match(error.message, /probe has no models, but model "yolo" was given/);
  });

  it('an unknown parameter answers 400 INVALID_PARAMS naming it and the accepted ones', async () => {
    const error = await postError({ analysis: 'thumbnail', file_id: clipId, time: 1 });
    assert.equal(error.status, 400);
    assert.equal(error.code, 'CAMTROVE_ERR_INVALID_PARAMS');
    assert.match(error.message, /unknown parameter time for analysis thumbnail; it accepts: t, width/);
    const none = await postError({ analysis: 'probe', file_id: clipId, crf: 20 });
    assert.match(none.message, /unknown parameter crf for analysis probe; it takes no parameters/);
  });

  it('an out-of-range parameter answers 400 INVALID_PARAMS naming it', async () => {
    const error = await postError({ analysis: 'transcode', file_id: clipId, crf: 99 });
    assert.equal(error.status, 400);
    assert.equal(error.code, 'CAMTROVE_ERR_INVALID_PARAMS');
    assert.match(error.message, /crf: .*51/);
    const width = await postError({ analysis: 'thumbnail', file_id: clipId, width: 4 });
    assert.match(width.message, /width: .*16/);
    const codec = await postError({ analysis: 'transcode', file_id: clipId, codec: 'vp9' });
    assert.equal(codec.code, 'CAMTROVE_ERR_INVALID_PARAMS');
    assert.match(codec.message, /codec/);
  });

  it('a parameter of the wrong type answers 400 INVALID_PARAMS naming it', async () => {
    const error = await postError({ analysis: 'transcode', file_id: clipId, crf: 'high' });
    assert.equal(error.status, 400);
    assert.equal(error.code, 'CAMTROVE_ERR_INVALID_PARAMS');
    assert.match(error.message, /crf: expected integer/);
    const form = await fetch(`${server.url}/api/analyses`, { method: 'POST', body: new URLSearchParams({ analysis: 'sleep', time: 'soon' }) });
    const formError = await errorOf(form);
    assert.deepEqual([formError.status, formError.code], [400, 'CAMTROVE_ERR_INVALID_PARAMS']);
    assert.match(formError.message, /time: expected number/);
  });

  it('frames with both fps and every_nth answers 400 INVALID_PARAMS at once', async () => {
    const error = await postError({ analysis: 'frames', file_id: clipId, fps: 1, every_nth: 5 });
    assert.equal(error.status, 400);
    assert.equal(error.code, 'CAMTROVE_ERR_INVALID_PARAMS');
    assert.match(error.message, /fps.*every_nth/);
  });

  it('an analysis that needs a file answers 400 without file_id', async () => {
    const error = await postError({ analysis: 'probe' });
    assert.equal(error.status, 400);
    assert.equal(error.code, 'CAMTROVE_ERR_INVALID_PARAMS');
    assert.match(error.message, /probe needs a file_id/);
  });

  it('malformed file ids answer 400 INVALID_ID saying what is wrong', async () => {
    for (const [id, problem] of [['not-hex!', /not hexadecimal/], ['abc12', /has 5 characters; give 6 to 64/], ['a'.repeat(65), /has 65 characters/]] as const) {
      const download = await errorOf(await fetch(`${server.url}/api/files/${id}`));
      assert.deepEqual([download.status, download.code], [400, 'CAMTROVE_ERR_INVALID_ID'], id);
      assert.match(download.message, problem);
      const removal = await errorOf(await fetch(`${server.url}/api/files/${id}`, { method: 'DELETE' }));
      assert.deepEqual([removal.status, removal.code], [400, 'CAMTROVE_ERR_INVALID_ID'], id);
      const start = await postError({ analysis: 'probe', file_id: id });
      assert.deepEqual([start.status, start.code], [400, 'CAMTROVE_ERR_INVALID_ID'], id);
      assert.match(start.message, /^file id/);
    }
  });

  it('unknown file ids answer 404 FILE_NOT_FOUND', async () => {
    for (const id of ['0'.repeat(64), '0000000000']) {
      const download = await errorOf(await fetch(`${server.url}/api/files/${id}`));
      assert.deepEqual([download.status, download.code], [404, 'CAMTROVE_ERR_FILE_NOT_FOUND'], id);
      assert.match(download.message, new RegExp(`no file has id ${id}`));
      const start = await postError({ analysis: 'probe', file_id: id });
      assert.deepEqual([start.status, start.code], [404, 'CAMTROVE_ERR_FILE_NOT_FOUND'], id);
    }
  });

  it('ambiguous file id prefixes answer 409 AMBIGUOUS_ID listing the matches', async () => {
    const now = Date.now();
    const ids = ['f00dcafe' + '1'.repeat(56), 'f00dcafe' + '2'.repeat(56)];
    for (const id of ids) await library.database.db.insertInto('files').values({ id, size: 1, name: 'x', content_type: 'text/plain', created_at: now }).execute();
    for (const response of [await fetch(`${server.url}/api/files/f00dcafe`), await fetch(`${server.url}/api/files/f00dcafe`, { method: 'DELETE' })]) {
      const error = await errorOf(response);
      assert.deepEqual([error.status, error.code], [409, 'CAMTROVE_ERR_AMBIGUOUS_ID']);
      assert.match(error.message, new RegExp(`${ids[0]}, ${ids[1]}`));
    }
    const start = await postError({ analysis: 'probe', file_id: 'f00dcafe' });
    assert.deepEqual([start.status, start.code], [409, 'CAMTROVE_ERR_AMBIGUOUS_ID']);
  });

  it('malformed, unknown and ambiguous analysis ids answer 400, 404 and 409', async () => {
    for (const method of ['GET', 'DELETE']) {
      const malformed = await errorOf(await fetch(`${server.url}/api/analyses/xyz-123`, { method }));
      assert.deepEqual([malformed.status, malformed.code], [400, 'CAMTROVE_ERR_INVALID_ID'], method);
      assert.match(malformed.message, /analysis id "xyz-123" is not hexadecimal/);
      const tooLong = await errorOf(await fetch(`${server.url}/api/analyses/${'a'.repeat(33)}`, { method }));
      assert.deepEqual([tooLong.status, tooLong.code], [400, 'CAMTROVE_ERR_INVALID_ID'], method);
      assert.match(tooLong.message, /has 33 characters; give 6 to 32/);
      const unknown = await errorOf(await fetch(`${server.url}/api/analyses/${'0'.repeat(32)}`, { method }));
      assert.deepEqual([unknown.status, unknown.code], [404, 'CAMTROVE_ERR_ANALYSIS_NOT_FOUND'], method);
      assert.match(unknown.message, new RegExp(`no analysis has id ${'0'.repeat(32)}`));
    }
    const result = await errorOf(await fetch(`${server.url}/api/analyses/${'0'.repeat(32)}/result`));
    assert.deepEqual([result.status, result.code], [404, 'CAMTROVE_ERR_ANALYSIS_NOT_FOUND']);

    const now = Date.now();
    const ids = ['beefbeef' + '1'.repeat(24), 'beefbeef' + '2'.repeat(24)];
    for (const id of ids) {
      await library.database.db
        .insertInto('analyses')
        .values({ id, file_id: null, analysis: 'sleep', model: null, params: '{}', state: 'SUCCESS', progress: 1, result: '{}', error_code: null, error_message: null, attempts: 1, created_at: now, started_at: now, finished_at: now, updated_at: now })
        .execute();
    }
    for (const method of ['GET', 'DELETE']) {
      const error = await errorOf(await fetch(`${server.url}/api/analyses/beefbeef`, { method }));
      assert.deepEqual([error.status, error.code], [409, 'CAMTROVE_ERR_AMBIGUOUS_ID'], method);
      assert.match(error.message, new RegExp(`analysis id prefix beefbeef is ambiguous: matches 2 analyses \\(${ids[0]}, ${ids[1]}\\)`));
    }
    assert.equal((await fetch(`${server.url}/api/analyses/${ids[0]!.slice(0, 9)}/result`)).status, 200, 'a longer prefix is unique');
  });
});

describe('auth and API description', () => {
  let library: TestLibrary;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;
  const logLines: string[] = [];

  before(async () => {
    library = await openTestLibrary();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString());
        callback();
      },
    });
    app = await buildApp({ ...library, logger: pino({ level: 'trace' }, sink) });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app.close();
    await library.dispose();
  });

  it('is open while no token exists, closed with 401 once one does; Bearer and token schemes both work', async () => {
    assert.equal((await fetch(`${url}/api/files`)).status, 200, 'no token yet: open');
    const { token } = await library.tokens.create('ci');
    const wrongToken = `ctk_${randomBytes(32).toString('base64url')}`;

    const none = await fetch(`${url}/api/files`);
    const noneError = await errorOf(none);
    assert.deepEqual([noneError.status, noneError.code], [401, 'CAMTROVE_ERR_UNAUTHORIZED']);
    assert.match(noneError.message, /requires a token: send "Authorization: Bearer <token>"/);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="camtrove"');

    for (const authorization of [`Bearer ${wrongToken}`, `token ${wrongToken}`, `Basic ${Buffer.from(`u:${token}`).toString('base64')}`, token]) {
      const error = await errorOf(await fetch(`${url}/api/files`, { headers: { authorization } }));
      assert.deepEqual([error.status, error.code], [401, 'CAMTROVE_ERR_UNAUTHORIZED'], authorization.split(' ')[0]);
    }
    const wrong = await errorOf(await fetch(`${url}/api/analyses`, { method: 'POST', body: JSON.stringify({ analysis: 'sleep' }), headers: { authorization: `Bearer ${wrongToken}`, 'content-type': 'application/json' } }));
    assert.equal(wrong.status, 401);
    assert.match(wrong.message, /not valid/);
    assert.equal((await library.database.db.selectFrom('analyses').select('id').execute()).length, 0, 'a refused request does nothing');

    for (const authorization of [`Bearer ${token}`, `token ${token}`, `bearer ${token}`]) {
      const api = apiClient(url, { authorization });
      const fileId = await api.upload(`bytes for ${authorization.split(' ')[0]}`, 'a.txt');
      assert.equal((await api.download(fileId)).status, 200, authorization.split(' ')[0]);
      const analysisId = await api.start({ analysis: 'sleep', time: 0 });
      assert.equal((await api.record(analysisId)).analysis, 'sleep');
    }
    // Data stays closed, whatever the method.
    for (const [method, path] of [['GET', '/api/analyses'], ['GET', '/api/analysis-types'], ['DELETE', `/api/files/${'0'.repeat(64)}`]] as const) {
      assert.equal((await fetch(`${url}${path}`, { method })).status, 401, `${method} ${path}`);
    }
  });

  it('/docs, /openapi.json and /health stay reachable without a token', async () => {
    if (!(await library.tokens.anyExist())) await library.tokens.create('docs');
    assert.equal((await fetch(`${url}/api/files`)).status, 401);
    const docs = await fetch(`${url}/docs`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
    assert.equal((await fetch(`${url}/openapi.json`)).status, 200);
    assert.deepEqual(await (await fetch(`${url}/health`)).json(), { ok: true, database: library.database.dialect });
  });

  it('the token never appears in the logs', async () => {
    const { token } = await library.tokens.create('secret-check');
    const api = apiClient(url, { authorization: `Bearer ${token}` });
    const fileId = await api.upload('log check', 'log.txt');
    await api.start({ analysis: 'sleep', time: 0 });
    await fetch(`${url}/api/files/${fileId}`, { headers: { authorization: `token ${token}` } });
    await fetch(`${url}/nowhere`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${url}/api/files/not-hex!`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${url}/api/files`, { headers: { authorization: `Bearer ${token}x` } });
    const log = logLines.join('');
    assert.ok(log.includes(fileId), 'requests are logged (the check below can fail)');
    assert.ok(!log.includes(token), 'the token appears in the log');
    assert.ok(!log.includes(token.slice(4, 20)), 'part of the token appears in the log');
  });

  it('/openapi.json is a valid OpenAPI document listing the file and analysis paths', async () => {
    const response = await fetch(`${url}/openapi.json`);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const doc = JSON.parse(await response.text()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.match(doc.openapi, /^3\./);
    for (const path of ['/api/files', '/api/files/{id}', '/api/analyses', '/api/analyses/{id}', '/api/analyses/{id}/result']) assert.ok(doc.paths[path], `${path} is documented`);
    assert.deepEqual(Object.keys(doc.paths['/api/files'] ?? {}).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(doc.paths['/api/files/{id}'] ?? {}).sort(), ['delete', 'get']);
    assert.deepEqual(Object.keys(doc.paths['/api/analyses'] ?? {}).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(doc.paths['/api/analyses/{id}'] ?? {}).sort(), ['delete', 'get']);
    assert.deepEqual(Object.keys(doc.paths['/api/analyses/{id}/result'] ?? {}).sort(), ['get']);
  });
});
