import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { filesBelow } from '../helpers/api.js';
import { fileForm, servedLibrary } from '../helpers/http.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Op {
  kind: 'upload' | 'delete';
  content: number;
  start: number;
  end: number;
  status: number;
  body: string;
}

/** Runs `tasks` with at most `width` in flight. */
async function inFlight(width: number, tasks: (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

/** Shuffles in place, from a fixed seed: the same interleaving of requests on every run. */
function shuffle<T>(items: T[], seed = 42): T[] {
  let state = seed;
  for (let i = items.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe('item 6: an upload racing a delete loses no data', () => {
  const served = servedLibrary();

  it('hundreds of concurrent uploads and deletes of the same bytes: every row has its bytes, every blob a row, every upload not followed by a delete can be downloaded', { timeout: 240_000 }, async () => {
    // One content most requests fight over, and a few others.
    const contents = [randomBytes(256 * 1024), randomBytes(64 * 1024), randomBytes(100_000), randomBytes(3000)];
    const ids = contents.map(sha256);
    const plan: { kind: 'upload' | 'delete'; content: number }[] = [];
    for (let i = 0; i < 300; i += 1) plan.push({ kind: 'upload', content: 0 });
    for (let i = 0; i < 200; i += 1) plan.push({ kind: 'delete', content: 0 });
    for (let c = 1; c < contents.length; c += 1) {
      for (let i = 0; i < 40; i += 1) plan.push({ kind: 'upload', content: c });
      for (let i = 0; i < 30; i += 1) plan.push({ kind: 'delete', content: c });
    }
    const ops: Op[] = [];
    const broken: string[] = [];
    const run = (step: { kind: 'upload' | 'delete'; content: number }) => async () => {
      const start = performance.now();
      const response =
        step.kind === 'upload'
          ? await fetch(`${served.server.url}/api/files`, { method: 'POST', body: fileForm(contents[step.content]!, `c${step.content}.bin`) })
          : await fetch(`${served.server.url}/api/files/${ids[step.content]}`, { method: 'DELETE' });
      const body = await response.text();
      ops.push({ ...step, start, end: performance.now(), status: response.status, body });
      if (step.kind === 'upload' && response.status === 200) {
        // Right after a successful upload the file is downloadable, or deleted since (404): never broken.
        const download = await fetch(`${served.server.url}/api/files/${ids[step.content]}`);
        const bytes = Buffer.from(await download.arrayBuffer());
        if (download.status === 200) {
          if (!bytes.equals(contents[step.content]!)) broken.push(`download of content ${step.content} after its upload gave other bytes (${bytes.length})`);
        } else if (download.status !== 404) broken.push(`download of content ${step.content} after its upload answered ${download.status}: ${bytes.toString()}`);
      }
    };
    await inFlight(48, shuffle(plan).map(run));

    const unexpected = ops.filter((op) => (op.kind === 'upload' ? op.status !== 200 : op.status !== 200 && op.status !== 404));
    assert.deepEqual(unexpected.map((op) => `${op.kind} of ${op.content}: ${op.status} ${op.body}`), [], 'uploads succeed; deletes succeed or find nothing');
    assert.deepEqual(broken, []);
    const uploads = ops.filter((op) => op.kind === 'upload');
    const deletes = ops.filter((op) => op.kind === 'delete' && op.status === 200);
    assert.ok(uploads.filter((op) => (JSON.parse(op.body) as { created: boolean }).created).length > 10, 'the race happened: the bytes were stored anew many times');
    assert.ok(deletes.filter((op) => op.content === 0).length > 10, 'and deleted many times');

    // Every row has its blob, byte for byte, and every blob has a row.
    const rows = (await served.library.database.db.selectFrom('files').select(['id', 'size']).execute()).map((r) => r.id).sort();
    const blobsDir = join(served.library.config.dataDir, 'blobs');
    const blobs = (await filesBelow(blobsDir)).filter((path) => !path.startsWith('tmp')).map((path) => path.split('/').pop()!).sort();
    assert.deepEqual(blobs, rows, 'the blobs on disk are exactly those of the rows');
    for (const id of rows) {
      const download = await fetch(`${served.server.url}/api/files/${id}`);
      assert.equal(download.status, 200, `file ${id} downloads`);
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(contents[ids.indexOf(id)]!), `file ${id} has its bytes`);
    }
    assert.deepEqual(await filesBelow(join(blobsDir, 'tmp')), [], 'no temp file is left');

    // An upload that began after the last successful delete of its bytes ended is there at the end.
    for (let c = 0; c < contents.length; c += 1) {
      const lastDelete = Math.max(0, ...deletes.filter((op) => op.content === c).map((op) => op.end));
      const later = uploads.filter((op) => op.content === c && op.start > lastDelete);
      if (later.length > 0) assert.ok(rows.includes(ids[c]!), `content ${c}: ${later.length} uploads came after the last delete, and the file is gone`);
    }
    // Every deletion recorded was finished.
    assert.deepEqual(await served.library.database.db.selectFrom('blob_deletions').selectAll().execute(), []);
  });

  it('a file whose bytes were deleted behind its back is reported as an internal error naming it, not a broken download', async () => {
    const bytes = randomBytes(5000);
    const upload = await fetch(`${served.server.url}/api/files`, { method: 'POST', body: fileForm(bytes, 'x.bin') });
    assert.equal(upload.status, 200);
    const id = sha256(bytes);
    await rm(join(served.library.config.dataDir, 'blobs', id.slice(0, 2), id.slice(2, 4), id));
    const download = await fetch(`${served.server.url}/api/files/${id}`);
    assert.equal(download.status, 500);
    const body = (await download.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'CAMTROVE_ERR_INTERNAL');
    // Uploading the same bytes again puts them back.
    const again = await fetch(`${served.server.url}/api/files`, { method: 'POST', body: fileForm(bytes, 'x.bin') });
    assert.equal(again.status, 200);
    assert.deepEqual(Buffer.from(await (await fetch(`${served.server.url}/api/files/${id}`)).arrayBuffer()), bytes);
  });
});
