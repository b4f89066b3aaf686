import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { FrameRepository, type FrameRecord } from '../../src/adapters/db/frame.repository.js';
import { newFrameId } from '../../src/domain/ids.js';
import { Processes } from '../helpers/cli.js';
import { servedLibrary } from '../helpers/http.js';
import { dialectName } from '../helpers/test-library.js';

const T = Date.UTC(2026, 11, 1, 8);

interface FramesPage {
  frames: { frame_id: string; camera_id: string; file_id: string; captured_at: string; size: number; width: number | null; height: number | null }[];
  next: string | null;
}

describe(`browsing archived frames: GET /api/cameras/{id}/frames and camtrove frames (${dialectName})`, () => {
  const served = servedLibrary();
  const processes = new Processes();
  after(() => processes.killAll());
  /** porch's frames in the order they must come back: by capture time, then id (every third pair shares a microsecond). */
  const porch: FrameRecord[] = [];
  let image: Buffer;

  const get = async (path: string) => {
    const response = await fetch(`${served.server.url}${path}`);
    return { status: response.status, body: (await response.json()) as FramesPage & { error?: { code: string; message: string } } };
  };

  it('answers a camera\'s frames oldest first, page after page, with file id, time, size and dimensions', async () => {
    const { library } = served;
    await library.cameras.add({ id: 'porch', type: 'snapshot', snapshot_url: 'http://127.0.0.1:9/porch.jpg' });
    await library.cameras.add({ id: 'yard', type: 'snapshot', snapshot_url: 'http://127.0.0.1:9/yard.jpg' });
    image = Buffer.from('\xff\xd8\xff\xe0 a small picture \xff\xd9', 'latin1');
    const { file } = await library.files.add(Readable.from([image]), { name: 'frame.jpg', contentType: 'image/jpeg' });
    const rows = [];
    for (let i = 0; i < 30; i += 1) {
      const camera = i % 3 === 2 ? 'yard' : 'porch';
      // Frames written out of time order; pairs share a capture time.
      const ms = T + (29 - i - (i % 2)) * 1000;
      rows.push({ id: newFrameId(ms), cameraId: camera, capturedAtMicros: ms * 1000 + 250, fileId: file.id, size: file.size, width: 640, height: 360, changeScore: 0.5, contentType: 'image/jpeg', createdAt: ms, fileName: 'frame.jpg' });
    }
    await new FrameRepository(library.database.db).insertWithFiles(rows);
    porch.push(...rows.filter((r) => r.cameraId === 'porch').sort((a, b) => a.capturedAtMicros - b.capturedAtMicros || (a.id < b.id ? -1 : 1)));

    const seen: string[] = [];
    let cursor: string | null = '';
    for (let page = 0; cursor !== null; page += 1) {
      const { status, body } = await get(`/api/cameras/porch/frames?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(status, 200);
      assert.ok(body.frames.length <= 7);
      seen.push(...body.frames.map((f) => f.frame_id));
      cursor = body.next;
      assert.ok(page < 10, 'the pages end');
    }
    assert.deepEqual(seen, porch.map((f) => f.id));
    const first = (await get('/api/cameras/porch/frames?limit=1')).body.frames[0]!;
    assert.deepEqual(first, {
      frame_id: porch[0]!.id, camera_id: 'porch', file_id: porch[0]!.fileId, captured_at: new Date(porch[0]!.capturedAtMicros / 1000 - 0.25).toISOString().replace('Z', '250Z'),
      size: image.length, width: 640, height: 360, content_type: 'image/jpeg', change_score: 0.5,
    });
  });

  it('answers newest first with sort=-time, page after page, within the window; a cursor keeps to its order', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    let firstCursor = '';
    for (let page = 0; cursor !== null; page += 1) {
      const { status, body } = await get(`/api/cameras/porch/frames?sort=-time&limit=6${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(status, 200);
      seen.push(...body.frames.map((f) => f.frame_id));
      cursor = body.next;
      firstCursor ||= cursor ?? '';
      assert.ok(page < 10, 'the pages end');
    }
    assert.deepEqual(seen, porch.map((f) => f.id).reverse());
    const latest = await get('/api/cameras/porch/frames?sort=-time&limit=1');
    assert.deepEqual(latest.body.frames.map((f) => f.frame_id), [porch.at(-1)!.id]);

    const to = new Date(T + 15000).toISOString();
    const before = await get(`/api/cameras/porch/frames?sort=-time&to=${to}&limit=3`);
    assert.deepEqual(before.body.frames.map((f) => f.frame_id), porch.filter((f) => f.capturedAtMicros < (T + 15000) * 1000).map((f) => f.id).reverse().slice(0, 3));

    const crossed = await get(`/api/cameras/porch/frames?cursor=${firstCursor}`);
    assert.equal(crossed.status, 400);
    assert.match(crossed.body.error?.message ?? '', /^cursor: this cursor continues a browse newest first: pass the same sort/);
    const oldestFirst = (await get('/api/cameras/porch/frames?limit=2')).body.next!;
    assert.match((await get(`/api/cameras/porch/frames?sort=-time&cursor=${oldestFirst}`)).body.error?.message ?? '', /^cursor: this cursor continues a browse oldest first/);
  });

  it('keeps to the window [from, to) and says what is wrong with a bad parameter or camera', async () => {
    const from = new Date(T + 5000).toISOString();
    const to = new Date(T + 15000).toISOString();
    const { body } = await get(`/api/cameras/porch/frames?from=${from}&to=${to}`);
    assert.deepEqual(body.frames.map((f) => f.frame_id), porch.filter((f) => f.capturedAtMicros >= (T + 5000) * 1000 && f.capturedAtMicros < (T + 15000) * 1000).map((f) => f.id));
    assert.ok(body.frames.length > 0 && body.frames.length < porch.length);

    for (const [query, parameter] of [['from=yesterday', 'from'], [`from=${to}&to=${from}`, 'from'], ['cursor=bm90LWEtY3Vyc29y', 'cursor'], ['limit=0', 'limit'], ['limit=5000', 'limit'], ['sort=score', 'sort']]) {
      const answer = await get(`/api/cameras/porch/frames?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.error?.code, 'CAMTROVE_ERR_INVALID_QUERY', query);
      assert.match(answer.body.error?.message ?? '', new RegExp(`^${parameter}: `), query);
    }
    const unknown = await get('/api/cameras/shed/frames');
    assert.deepEqual([unknown.status, unknown.body.error?.code], [404, 'CAMTROVE_ERR_CAMERA_NOT_FOUND']);
    const none = await get('/api/cameras/yard/frames?from=2020-01-01&to=2020-01-02');
    assert.deepEqual([none.status, none.body], [200, { frames: [], next: null }]);
  });

  it('camtrove frames ls lists them with a hint for the next page, --json in full; frames get writes the image', async () => {
    const env = served.library.env.env();
    const table = await processes.run(['frames', 'ls', '--camera', 'porch', '--limit', '4'], env);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^ID\s+CAPTURED \(UTC\)\s+SIZE\s+WIDTH\s+HEIGHT\s+FILE$/);
    assert.equal(lines.length, 6);
    assert.ok(lines[1]!.startsWith(porch[0]!.id.slice(0, 16)));
    const cursor = /^more: --cursor (\S+)$/.exec(lines[5]!)?.[1];
    assert.ok(cursor, lines[5]);
    const next = await processes.run(['frames', 'ls', '--camera', 'porch', '--limit', '4', '--after', cursor, '--json'], env);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual((JSON.parse(next.stdout) as FramesPage).frames.map((f) => f.frame_id), porch.slice(4, 8).map((f) => f.id));

    const newest = await processes.run(['frames', 'ls', '--camera', 'porch', '--limit', '2', '--sort', '-time', '--json'], env);
    assert.equal(newest.code, 0, newest.stderr);
    assert.deepEqual((JSON.parse(newest.stdout) as FramesPage).frames.map((f) => f.frame_id), porch.slice(-2).map((f) => f.id).reverse());

    const out = join(served.library.env.dir, 'frame.jpg');
    const written = await processes.run(['frames', 'get', porch[3]!.id.slice(0, 20), '-o', out], env);
    assert.equal(written.code, 0, written.stderr);
    assert.deepEqual(await readFile(out), image);
    const toStdout = await processes.run(['frames', 'get', porch[3]!.id], env);
    assert.deepEqual(toStdout.stdoutBytes, image);
    const missing = await processes.run(['frames', 'get', '0'.repeat(32)], env);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no frame has id 0{32}/);
    const bad = await processes.run(['frames', 'ls', '--camera', 'porch', '--from', '8 o\'clock'], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /from: "8 o'clock" is not a UTC ISO 8601 time/);
  });
});
