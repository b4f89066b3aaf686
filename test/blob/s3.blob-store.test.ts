import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3BlobStore, type S3BlobStoreOptions } from '../../src/adapters/blob/s3.blob-store.js';
import { startFauxqs, startS3rver, type S3Server } from '../helpers/s3-server.js';
import { blobStoreContract } from './blob-store.contract.js';

const MiB = 1024 * 1024;
const BUCKET = 'camtrove-test';
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** One emulator per kind for the whole file, started on first use; every store gets a prefix of its own. */
function emulator(start: () => Promise<S3Server>) {
  let server: Promise<S3Server> | null = null;
  let stores = 0;
  const get = () =>
    (server ??= start().then(async (s) => {
      await s.createBucket(BUCKET);
      return s;
    }));
  after(async () => {
    if (server) await (await server).stop();
  });
  return {
    get,
    /** A fresh store, its cache folder, and a dispose that closes both. */
    async open(options: Partial<S3BlobStoreOptions> = {}) {
      const s = await get();
      const cacheDir = await mkdtemp(join(tmpdir(), 'camtrove-s3cache-'));
      const store = new S3BlobStore({ client: s.client(), bucket: BUCKET, prefix: `t${(stores += 1)}/lib`, endpoint: s.endpoint, cacheDir, cacheBytes: 64 * MiB, ...options });
      await store.init();
      return {
        server: s,
        store,
        cacheDir,
        leftovers: () => store.stagingKeys(),
        dispose: async () => {
          await store.close();
          await rm(cacheDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** `total` bytes of a repeating random pattern, as a stream, and their SHA-256. */
function generated(total: number, failAfter?: number): { stream: Readable; sha256: string } {
  const block = randomBytes(MiB);
  const hash = createHash('sha256');
  for (let sent = 0; sent < total; sent += block.length) hash.update(block.subarray(0, Math.min(block.length, total - sent)));
  async function* blocks() {
    for (let sent = 0; sent < total; sent += block.length) {
      if (failAfter !== undefined && sent >= failAfter) throw new Error('connection reset');
      yield block.subarray(0, Math.min(block.length, total - sent));
    }
  }
  return { stream: Readable.from(blocks()), sha256: hash.digest('hex') };
}

for (const [name, start] of [['s3rver', startS3rver], ['fauxqs', startFauxqs]] as const) {
  const emu = emulator(start);
  blobStoreContract(`S3 (${name})`, () => emu.open());

  describe(`S3 blob store on ${name}`, () => {
    before(async () => {
      await emu.get();
    });

    it('puts and reads back 100 MiB, streamed in parts', async (t) => {
      const { store, leftovers, dispose } = await emu.open();
      try {
        const size = 100 * MiB;
        const { stream, sha256: id } = generated(size);
        let started = performance.now();
        const blob = await store.put(stream);
        const putSeconds = (performance.now() - started) / 1000;
        assert.deepEqual(blob, { id, size, created: true });
        started = performance.now();
        const hash = createHash('sha256');
        let read = 0;
        for await (const chunk of store.read(id)) {
          hash.update(chunk as Buffer);
          read += (chunk as Buffer).length;
        }
        const getSeconds = (performance.now() - started) / 1000;
        assert.equal(read, size);
        assert.equal(hash.digest('hex'), id);
        assert.deepEqual(await leftovers(), []);
        t.diagnostic(`${name}: put ${(100 / putSeconds).toFixed(0)} MiB/s, get ${(100 / getSeconds).toFixed(0)} MiB/s`);
      } finally {
        await dispose();
      }
    });

    it('aborts a multipart upload whose source fails or that grows past maxBytes, leaving no object and no parts', async () => {
      const client = (await emu.get()).client();
      const sent: string[] = [];
      client.middlewareStack.add((next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      }, { step: 'initialize' });
      const { server, store, leftovers, dispose } = await emu.open({ client, partBytes: 5 * MiB, queueSize: 2 });
      try {
        const { stream, sha256: id } = generated(30 * MiB, 12 * MiB);
        await assert.rejects(store.put(stream), /connection reset/);
        assert.equal(await store.size(id), null);
        const tooLarge = generated(30 * MiB);
        await assert.rejects(store.put(tooLarge.stream, { maxBytes: 12 * MiB }), { code: 'CAMTROVE_ERR_UPLOAD_TOO_LARGE' });
        assert.equal(await store.size(tooLarge.sha256), null);
        const count = (name: string) => sent.filter((command) => command === name).length;
        assert.equal(count('CreateMultipartUploadCommand'), 2);
        assert.equal(count('AbortMultipartUploadCommand'), 2, 'each multipart upload was aborted');
        assert.equal(count('CompleteMultipartUploadCommand'), 0);
        assert.deepEqual(await leftovers(), []);
        // Where the store lists multipart uploads (neither emulator does: the abort is lib-storage's, on error).
        const uploads = await server.client().send(new ListMultipartUploadsCommand({ Bucket: BUCKET })).catch(() => null);
        assert.deepEqual(uploads?.Uploads ?? [], []);
      } finally {
        await dispose();
      }
    });

    it('reports created once for concurrent puts of the same bytes', async () => {
      const { store, dispose } = await emu.open();
      try {
        const data = randomBytes(100_000);
        const results = await Promise.all(Array.from({ length: 8 }, () => store.put(Readable.from([data]))));
        assert.equal(results.filter((r) => r.created).length, 1);
      } finally {
        await dispose();
      }
    });

    it('evicts the least recently used local copies beyond its limit, never one in use', async () => {
      const { store, cacheDir, dispose } = await emu.open({ cacheBytes: 250_000 });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 4; i += 1) ids.push((await store.putBytes(randomBytes(100_000))).id);
        const [a, b, c, d] = ids as [string, string, string, string];
        const copyA = await store.localCopy(a);
        await copyA.release();
        const copyB = await store.localCopy(b);
        await copyB.release();
        const copyC = await store.localCopy(c); // 300 000 bytes: a, the oldest unused, goes
        await assert.rejects(access(copyA.path));
        await access(copyB.path);
        assert.equal(store.cachedBytes, 200_000);
        const copyD = await store.localCopy(d); // b goes; c and d are in use
        await assert.rejects(access(copyB.path));
        const heldB = await store.localCopy(b); // downloaded again; all three in use: over the limit, kept
        assert.equal(store.cachedBytes, 300_000);
        for (const copy of [copyC, copyD, heldB]) await access(copy.path);
        await copyC.release(); // now c, unused, goes
        await assert.rejects(access(copyC.path));
        assert.equal(store.cachedBytes, 200_000);
        await copyD.release();
        await heldB.release();
        const files = (await readdir(cacheDir, { recursive: true })).filter((f) => f.endsWith('.part'));
        assert.deepEqual(files, [], 'no partial download left');
      } finally {
        await dispose();
      }
    });

    it('refuses a damaged download and leaves no copy of it', async () => {
      const { server, store, cacheDir, dispose } = await emu.open();
      try {
        const claimed = sha256('what it should be');
        await server.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: `t-damaged/sha256/${claimed}`, Body: 'something else' }));
        const damaged = new S3BlobStore({ client: server.client(), bucket: BUCKET, prefix: 't-damaged', endpoint: server.endpoint, cacheDir, cacheBytes: MiB });
        await assert.rejects(damaged.localCopy(claimed), /is damaged/);
        await assert.rejects(store.localCopy(sha256('absent')), { code: 'ENOENT' });
        const files = (await readdir(cacheDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
        assert.deepEqual(files, []);
        await damaged.close();
      } finally {
        await dispose();
      }
    });

    it('removes staging objects older than its limit at start, and keeps younger ones', async () => {
      const { server, store, dispose } = await emu.open();
      try {
        const staged = store.stageFile(await writeTemp(randomBytes(1000)));
        await new Promise((resolve) => setTimeout(resolve, 50));
        const keys = await waitForStaging(store);
        assert.equal(keys.length, 1);
        const sameBucket = (staleStagingMs: number) => new S3BlobStore({ client: server.client(), bucket: BUCKET, prefix: keys[0]!.split('/staging/')[0]!, endpoint: server.endpoint, cacheDir: join(tmpdir(), 'unused'), cacheBytes: MiB, staleStagingMs });
        assert.deepEqual(await sameBucket(24 * 3_600_000).init(), [], 'an upload of today may be in progress elsewhere');
        const removed = await sameBucket(0).init();
        assert.deepEqual(removed, [`s3://${BUCKET}/${keys[0]}`]);
        assert.deepEqual(await store.stagingKeys(), []);
        await staged.discard();
      } finally {
        await dispose();
      }
    });

    it('refuses import --link with a message that says why', async () => {
      const { store, dispose } = await emu.open();
      try {
        await assert.rejects(store.linkFile('/srv/clip.mp4', sha256('x')), { code: 'CAMTROVE_ERR_INVALID_IMPORT', message: /import --link needs the local folder storage.*s3:\/\/camtrove-test\/t\d+\/lib/ });
      } finally {
        await dispose();
      }
    });

    it('names a missing bucket, refused credentials and an unreachable store', async () => {
      const s = await emu.get();
      const cacheDir = join(tmpdir(), 'unused');
      const missing = new S3BlobStore({ client: s.client(), bucket: 'no-such-bucket', prefix: '', endpoint: s.endpoint, cacheDir, cacheBytes: MiB });
      await assert.rejects(missing.init(), { code: 'CAMTROVE_ERR_STORAGE_REFUSED', message: `bucket no-such-bucket does not exist at ${s.endpoint}: create it, or fix CAMTROVE_STORAGE (s3://no-such-bucket)` });
      const closed = await startFauxqs();
      const endpoint = closed.endpoint;
      await closed.stop();
      const unreachable = new S3BlobStore({ client: s.client(endpoint), bucket: BUCKET, prefix: 'x', endpoint, cacheDir, cacheBytes: MiB });
      await assert.rejects(unreachable.size(sha256('x')), { code: 'CAMTROVE_ERR_STORAGE_UNREACHABLE', message: /cannot reach the object store of s3:\/\/camtrove-test\/x at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED/ });
      unreachable.close().catch(() => undefined);
    });
  });
}

describe('S3 blob store on s3rver: large blobs', () => {
  let server: S3Server;
  before(async () => {
    server = await startS3rver();
    await server.createBucket(BUCKET);
  });
  after(() => server.stop());

  it('copies a blob above the single-copy limit part by part', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'camtrove-s3cache-'));
    const store = new S3BlobStore({ client: server.client(), bucket: BUCKET, prefix: 'multipart', endpoint: server.endpoint, cacheDir, cacheBytes: 64 * MiB, partBytes: 5 * MiB, maxCopyBytes: 5 * MiB, copyPartBytes: 5 * MiB });
    try {
      const { stream, sha256: id } = generated(12 * MiB + 17);
      assert.deepEqual(await store.put(stream), { id, size: 12 * MiB + 17, created: true });
      const copy = await store.localCopy(id);
      assert.equal(sha256(await readFile(copy.path)), id);
      await copy.release();
      assert.deepEqual(await store.stagingKeys(), []);
    } finally {
      await store.close();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('never prints the secret key of refused credentials', async () => {
    const secret = 'a-secret-key-that-must-not-appear-0123456789';
    const { S3Client } = await import('@aws-sdk/client-s3');
    const client = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'NOT-A-KEY-OF-S3RVER', secretAccessKey: secret } });
    const store = new S3BlobStore({ client, bucket: BUCKET, prefix: 'p', endpoint: server.endpoint, cacheDir: join(tmpdir(), 'unused'), cacheBytes: MiB });
    const error = await store.size(sha256('x')).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.equal((error as { code?: string }).code, 'CAMTROVE_ERR_STORAGE_REFUSED');
    assert.match(error.message, /access denied to s3:\/\/camtrove-test\/p .*check AWS credentials/);
    assert.doesNotMatch(error.message, new RegExp(secret));
    await store.close();
  });
});

async function writeTemp(data: Buffer): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-s3file-'));
  const path = join(dir, 'clip.mp4');
  await writeFile(path, data);
  after(() => rm(dir, { recursive: true, force: true }));
  return path;
}

async function waitForStaging(store: S3BlobStore): Promise<string[]> {
  for (let i = 0; i < 100; i += 1) {
    const keys = await store.stagingKeys();
    if (keys.length > 0) return keys;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}
