import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import type { BlobStore } from '../../src/adapters/blob/blob-store.js';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

async function collect(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks;
}

/**
 * What every BlobStore must do, whatever it stores blobs in. `open` gives a fresh, empty store;
 * `leftovers` lists temporary files it still holds (a failed put must leave none).
 */
export function blobStoreContract(name: string, open: () => Promise<{ store: BlobStore; leftovers: () => Promise<string[]>; dispose: () => Promise<void> }>): void {
  type Opened = Awaited<ReturnType<typeof open>>;
  /** A test body run on a fresh store, disposed of whatever happens. */
  const withStore = (body: (opened: Opened) => Promise<void>) => async () => {
    const opened = await open();
    try {
      await body(opened);
    } finally {
      await opened.dispose();
    }
  };

  describe(`BlobStore contract: ${name}`, () => {
    it('stores bytes under their SHA-256 and reads them back, whole or by range', async () => {
      const { store, dispose } = await open();
      try {
        const data = randomBytes(300_000);
        const blob = await store.put(Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
        assert.deepEqual(blob, { id: sha256(data), size: data.length, created: true });
        assert.equal(await store.size(blob.id), data.length);
        const chunks: Buffer[] = [];
        for await (const chunk of store.read(blob.id)) chunks.push(chunk as Buffer);
        assert.deepEqual(Buffer.concat(chunks), data);
        assert.equal(await text(store.read(blob.id, { start: 10, end: 19 })), data.subarray(10, 20).toString());
      } finally {
        await dispose();
      }
    });

    it('stores bytes from memory under their SHA-256, once', async () => {
      const { store, leftovers, dispose } = await open();
      try {
        const data = randomBytes(60_000);
        assert.deepEqual(await store.putBytes(data), { id: sha256(data), size: data.length, created: true });
        assert.deepEqual(await store.putBytes(Buffer.from(data)), { id: sha256(data), size: data.length, created: false });
        const streamed = await store.put(Readable.from([data]));
        assert.equal(streamed.created, false, 'the same blob, however it came');
        const chunks: Buffer[] = [];
        for await (const chunk of store.read(sha256(data))) chunks.push(chunk as Buffer);
        assert.deepEqual(Buffer.concat(chunks), data);
        assert.deepEqual(await leftovers(), []);
      } finally {
        await dispose();
      }
    });

    it('stores a file already hashed, once, and refuses one whose size is not what was hashed', async () => {
      const { store, leftovers, dispose } = await open();
      const dir = await mkdtemp(join(tmpdir(), 'camtrove-putfile-'));
      try {
        const data = randomBytes(200_000);
        const path = join(dir, 'clip.mp4');
        await writeFile(path, data);
        assert.deepEqual(await store.putFile(path, sha256(data), data.length), { id: sha256(data), size: data.length, created: true });
        assert.deepEqual(await store.putFile(path, sha256(data), data.length), { id: sha256(data), size: data.length, created: false });
        assert.deepEqual(await readFile(await store.localCopy(sha256(data)).then((c) => c.path)), data);
        const other = randomBytes(1000);
        await writeFile(path, other);
        await assert.rejects(store.putFile(path, sha256(other), 999), /the file changed while it was copied \(999 bytes hashed, 1000 copied\)/);
        assert.equal(await store.size(sha256(other)), null);
        assert.deepEqual(await leftovers(), []);
      } finally {
        await rm(dir, { recursive: true, force: true });
        await dispose();
      }
    });

    it('copies a file while it is hashed, then commits it under its hash or discards it', async () => {
      const { store, leftovers, dispose } = await open();
      const dir = await mkdtemp(join(tmpdir(), 'camtrove-stage-'));
      try {
        const data = randomBytes(300_000);
        const path = join(dir, 'long.mp4');
        await writeFile(path, data);
        const first = store.stageFile(path);
        assert.deepEqual(await first.commit(sha256(data), data.length), { id: sha256(data), size: data.length, created: true });
        await first.discard();
        assert.equal(await store.size(sha256(data)), data.length, 'a discard after the commit keeps the blob');
        assert.deepEqual(await store.stageFile(path).commit(sha256(data), data.length), { id: sha256(data), size: data.length, created: false });
        await store.stageFile(path).discard();
        await assert.rejects(store.stageFile(join(dir, 'absent.mp4')).commit('0'.repeat(64), 1), /ENOENT/);
        assert.deepEqual(await leftovers(), [], 'no copy left behind');
      } finally {
        await rm(dir, { recursive: true, force: true });
        await dispose();
      }
    });

    it('stores identical bytes once', async () => {
      const { store, dispose } = await open();
      try {
        const first = await store.put(Readable.from(['same bytes']));
        const second = await store.put(Readable.from(['same ', 'bytes']));
        assert.equal(first.created, true);
        assert.deepEqual(second, { id: first.id, size: first.size, created: false });
      } finally {
        await dispose();
      }
    });

    it('lands concurrent puts of the same bytes as one blob', async () => {
      const { store, dispose, leftovers } = await open();
      try {
        const data = randomBytes(64 * 1024);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.put(Readable.from([data]))));
        assert.equal(new Set(results.map((r) => r.id)).size, 1);
        assert.equal(await store.size(sha256(data)), data.length);
        assert.deepEqual(await leftovers(), []);
      } finally {
        await dispose();
      }
    });

    it('refuses more than maxBytes and leaves nothing behind', async () => {
      const { store, dispose, leftovers } = await open();
      try {
        const data = randomBytes(10_000);
        await assert.rejects(store.put(Readable.from([data]), { maxBytes: 4096 }), { code: 'CAMTROVE_ERR_UPLOAD_TOO_LARGE' });
        assert.equal(await store.size(sha256(data)), null);
        assert.deepEqual(await leftovers(), []);
      } finally {
        await dispose();
      }
    });

    it('leaves nothing behind when the source fails midway', async () => {
      const { store, dispose, leftovers } = await open();
      try {
        async function* failing() {
          yield Buffer.alloc(50_000, 1);
          throw new Error('connection reset');
        }
        await assert.rejects(store.put(Readable.from(failing())), /connection reset/);
        assert.deepEqual(await leftovers(), []);
      } finally {
        await dispose();
      }
    });

    it('stores bytes sent under their SHA-256, and nothing when they have another', withStore(async ({ store, leftovers }) => {
      const data = randomBytes(70_000);
      assert.deepEqual(await store.put(Readable.from([data]), { sha256: sha256(data) }), { id: sha256(data), size: data.length, created: true });
      const other = randomBytes(70_000);
      await assert.rejects(store.put(Readable.from([other]), { sha256: sha256(data) }), { code: 'CAMTROVE_ERR_CONTENT_MISMATCH' });
      await assert.rejects(store.put(Readable.from([other]), { sha256: '0'.repeat(64) }), { code: 'CAMTROVE_ERR_CONTENT_MISMATCH' });
      assert.equal(await store.size(sha256(other)), null);
      assert.equal(await store.size('0'.repeat(64)), null);
      assert.deepEqual(await leftovers(), []);
    }));

    it('accepts exactly maxBytes', withStore(async ({ store }) => {
      const data = randomBytes(4096);
      assert.equal((await store.put(Readable.from([data]), { maxBytes: 4096 })).created, true);
    }));

    it('reads inclusive ranges: one byte, the last bytes, the whole blob', withStore(async ({ store }) => {
      const data = randomBytes(10_000);
      const { id } = await store.put(Readable.from([data]));
      const range = async (start: number, end: number) => Buffer.concat(await collect(store.read(id, { start, end })));
      assert.deepEqual(await range(0, 0), data.subarray(0, 1));
      assert.deepEqual(await range(9_990, 9_999), data.subarray(9_990));
      assert.deepEqual(await range(0, 9_999), data);
      const opened = await store.open(id, { start: 5, end: 6 });
      assert.ok(opened);
      assert.deepEqual(Buffer.concat(await collect(opened)), data.subarray(5, 7));
    }));

    it('answers for an absent blob: size null, open null, read fails with ENOENT', withStore(async ({ store }) => {
      const absent = sha256('never stored');
      assert.equal(await store.size(absent), null);
      assert.equal(await store.open(absent), null);
      await assert.rejects(collect(store.read(absent)), { code: 'ENOENT' });
      await store.delete(absent);
    }));

    it('lands 8 identical concurrent puts as one blob, its bytes intact', withStore(async ({ store, leftovers }) => {
      const data = randomBytes(200_000);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.put(Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]))));
      assert.deepEqual(new Set(results.map((r) => r.id)), new Set([sha256(data)]));
      assert.ok(results.filter((r) => r.created).length >= 1, 'at least one put reports it stored the bytes');
      assert.deepEqual(Buffer.concat(await collect(store.read(sha256(data)))), data);
      assert.deepEqual(await leftovers(), []);
    }));

    it('hands out local copies, the same for concurrent requests, readable until released', withStore(async ({ store }) => {
      const data = randomBytes(150_000);
      const { id } = await store.put(Readable.from([data]));
      const [first, second] = await Promise.all([store.localCopy(id), store.localCopy(id)]);
      assert.equal(first.path, second.path);
      assert.deepEqual(await readFile(first.path), data);
      await first.release();
      await first.release(); // releasing twice is fine
      assert.deepEqual(await readFile(second.path), data, 'a copy still held stays readable');
      await second.release();
    }));

    it('lists its blobs in id order, a page at a time, each with when it was written', withStore(async ({ store }) => {
      const before = Date.now() - 60_000;
      const ids = (await Promise.all(Array.from({ length: 7 }, (_, i) => store.putBytes(Buffer.from(`listed blob ${i}`))))).map((b) => b.id).sort();
      const first = await store.list({ limit: 3 });
      assert.deepEqual(first.map((b) => b.id), ids.slice(0, 3));
      const rest = await store.list({ after: first.at(-1)!.id, limit: 10 });
      assert.deepEqual(rest.map((b) => b.id), ids.slice(3));
      for (const blob of [...first, ...rest]) assert.ok(blob.modifiedAt > before && blob.modifiedAt < Date.now() + 60_000, `${blob.id} written at ${blob.modifiedAt}`);
      await store.delete(ids[0]!);
      assert.deepEqual((await store.list({ limit: 10 })).map((b) => b.id), ids.slice(1), 'a deleted blob is no longer listed');
    }));

    it('reports progress and deletes', async () => {
      const { store, dispose } = await open();
      try {
        const seen: number[] = [];
        const blob = await store.put(Readable.from([Buffer.alloc(10), Buffer.alloc(5)]), { onProgress: (n) => seen.push(n) });
        assert.equal(seen.at(-1), 15);
        const copy = await store.localCopy(blob.id);
        assert.equal((await readFile(copy.path)).length, 15);
        await copy.release();
        await store.delete(blob.id);
        assert.equal(await store.size(blob.id), null);
        await store.delete(blob.id); // deleting twice is fine
      } finally {
        await dispose();
      }
    });
  });
}
