import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileForm, listen } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { openTestLibrary } from '../helpers/test-library.js';

describe('files API', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let server: Awaited<ReturnType<typeof listen>>;
  let video: Buffer;

  before(async () => {
    library = await openTestLibrary();
    server = await listen(library);
    video = await readFile(await makeVideo(join(library.env.dir, 'clip.mp4')));
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  it('stores an upload under the SHA-256 of its bytes, once', async () => {
    const first = await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(video) });
    assert.equal(first.status, 200);
    const body = (await first.json()) as { file_id: string; created: boolean };
    assert.equal(body.file_id, createHash('sha256').update(video).digest('hex'));
    assert.equal(body.created, true);
    const again = (await (await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(video, 'other-name.mp4') })).json()) as { file_id: string; created: boolean };
    assert.deepEqual(again, { file_id: body.file_id, created: false });
    const list = (await (await fetch(`${server.url}/api/files`)).json()) as { files: { file_id: string; name: string; content_type: string }[] };
    assert.equal(list.files.filter((f) => f.file_id === body.file_id).length, 1);
    assert.equal(list.files[0]?.name, 'clip.mp4');
    assert.equal(list.files[0]?.content_type, 'video/mp4');
  });

  it('downloads whole files and byte ranges, by full id or unique prefix', async () => {
    const id = createHash('sha256').update(video).digest('hex');
    const whole = await fetch(`${server.url}/api/files/${id}`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), video);

    const part = await fetch(`${server.url}/api/files/${id.slice(0, 8)}`, { headers: { range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${video.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), video.subarray(100, 200));

    const tail = await fetch(`${server.url}/api/files/${id}`, { headers: { range: 'bytes=-10' } });
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), video.subarray(video.length - 10));

    const outside = await fetch(`${server.url}/api/files/${id}`, { headers: { range: `bytes=${video.length}-` } });
    assert.equal(outside.status, 416);
    assert.equal(outside.headers.get('content-range'), `bytes */${video.length}`);
    assert.equal(((await outside.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_RANGE_NOT_SATISFIABLE');

    const cached = await fetch(`${server.url}/api/files/${id}`, { headers: { 'if-none-match': `"${id}"` } });
    assert.equal(cached.status, 304);
  });

  it('answers 400 for malformed ids, 404 for unknown ones, 409 for ambiguous prefixes', async () => {
    const bad = await fetch(`${server.url}/api/files/not-hex!`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_INVALID_ID');
    const short = await fetch(`${server.url}/api/files/abc`);
    assert.equal(short.status, 400);
    const unknown = await fetch(`${server.url}/api/files/${'0'.repeat(64)}`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_FILE_NOT_FOUND');

    // Two ids sharing a 10-hex prefix would take ~10^12 uploads to find; insert rows with crafted ids.
    const now = Date.now();
    for (const suffix of ['0', '1']) {
      await library.database.db.insertInto('files').values({ id: `abcdef0123${suffix.repeat(54)}`, size: 1, name: 'x', content_type: 'text/plain', created_at: now }).execute();
    }
    const ambiguous = await fetch(`${server.url}/api/files/abcdef0123`);
    assert.equal(ambiguous.status, 409);
    const error = ((await ambiguous.json()) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'CAMTROVE_ERR_AMBIGUOUS_ID');
    assert.match(error.message, new RegExp(`abcdef0123${'0'.repeat(54)}`));
    const unique = await fetch(`${server.url}/api/files/abcdef01231`, { method: 'HEAD' });
    assert.equal(unique.status, 200);
  });

  it('deletes files, and the id is gone afterwards', async () => {
    const { file_id: id } = (await (await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm('to be deleted', 'x.txt') })).json()) as { file_id: string };
    const deleted = await fetch(`${server.url}/api/files/${id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    assert.equal((await fetch(`${server.url}/api/files/${id}`)).status, 404);
  });

  it('pages through the file list with the next cursor, seeing every file once', async () => {
    const uploaded = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const { file_id: id } = (await (await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(`page-${i}`, `p${i}.txt`) })).json()) as { file_id: string };
      uploaded.add(id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const query: string = after ? `limit=2&after=${after}` : 'limit=2';
      const body = (await (await fetch(`${server.url}/api/files?${query}`)).json()) as { files: { file_id: string }[]; next: string | null };
      assert.ok(body.files.length <= 2);
      seen.push(...body.files.map((f) => f.file_id));
      after = body.next;
      if (!after) break;
    }
    assert.equal(new Set(seen).size, seen.length, 'no file appears twice');
    for (const id of uploaded) assert.ok(seen.includes(id), `${id} missing from the pages`);
  });
});
