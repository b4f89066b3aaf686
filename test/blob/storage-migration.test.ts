import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { BlobStore } from '../../src/adapters/blob/blob-store.js';
import { LocalBlobStore } from '../../src/adapters/blob/local.blob-store.js';
import { migrateBlobs, type FileListing } from '../../src/services/storage-migration.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function localStore(): Promise<LocalBlobStore> {
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-migrate-'));
  dirs.push(dir);
  const store = new LocalBlobStore(dir);
  await store.init();
  return store;
}

/** The files table of a library holding `files`, listed two at a time (pages as FileRepository gives them). */
function listing(files: { id: string; size: number }[]): FileListing {
  return {
    totals: () => Promise.resolve({ count: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) }),
    list: ({ limit, after: cursor }) => {
      const start = cursor ? Number(cursor) : 0;
      const end = Math.min(start + Math.min(limit, 2), files.length);
      return Promise.resolve({ items: files.slice(start, end), next: end < files.length ? String(end) : null });
    },
  };
}

async function filled(count: number): Promise<{ store: LocalBlobStore; files: { id: string; size: number }[] }> {
  const store = await localStore();
  const files = [];
  for (let i = 0; i < count; i += 1) files.push(await store.putBytes(randomBytes(1000 + i)));
  return { store, files };
}

describe('storage migration', () => {
  it('copies every blob with its hash checked, skips those there, and reports what the source lacks', async () => {
    const { store: from, files } = await filled(7);
    const to = await localStore();
    await to.putBytes(await readAll(from, files[0]!.id));
    const absent = { id: 'f'.repeat(64), size: 5 };
    const seen: number[] = [];
    const result = await migrateBlobs({ from, to, files: listing([...files, absent]), onProgress: (p) => seen.push(p.done) });
    assert.deepEqual(
      { copied: result.copied, skipped: result.skipped, missing: result.missing, failed: result.failed, stopped: result.stopped, done: result.done, total: result.total },
      { copied: 6, skipped: 1, missing: [absent.id], failed: [], stopped: false, done: 8, total: 8 },
    );
    assert.equal(seen.at(-1), 8);
    for (const file of files) assert.equal(await to.size(file.id), file.size);
    const again = await migrateBlobs({ from, to, files: listing(files) });
    assert.equal(again.copied, 0);
    assert.equal(again.skipped, 7);
  });

  it('records a damaged source blob as failed and goes on', async () => {
    const { store: from, files } = await filled(3);
    const to = await localStore();
    const damaged: BlobStore = Object.assign(Object.create(from) as BlobStore, {
      open: async (id: string) => (id === files[1]!.id ? Readable.from([Buffer.from('other bytes')]) : from.open(id)),
    });
    const result = await migrateBlobs({ from: damaged, to, files: listing(files) });
    assert.equal(result.copied, 2);
    assert.deepEqual(result.failed.map((f) => f.id), [files[1]!.id]);
    assert.match(result.failed[0]!.reason, /have SHA-256 .*, not the/);
    assert.equal(await to.size(files[1]!.id), null);
  });

  it('stops when aborted, leaving what it copied; a rerun copies the rest', async () => {
    const { store: from, files } = await filled(10);
    const to = await localStore();
    const controller = new AbortController();
    const result = await migrateBlobs({ from, to, files: listing(files), concurrency: 1, signal: controller.signal, onProgress: (p) => p.done === 3 && controller.abort() });
    assert.equal(result.stopped, true);
    assert.equal(result.copied, 3);
    const rest = await migrateBlobs({ from, to, files: listing(files) });
    assert.deepEqual({ copied: rest.copied, skipped: rest.skipped, stopped: rest.stopped }, { copied: 7, skipped: 3, stopped: false });
  });
});

async function readAll(store: BlobStore, id: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.read(id)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
