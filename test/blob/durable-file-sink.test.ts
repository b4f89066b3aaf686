import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { createDurableFileSink } from '../../src/adapters/blob/durable-file-sink.js';

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-sink-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('durable file sink', () => {
  it('writes every byte in order through batched writes and background flushes', () =>
    withDir(async (dir) => {
      const data = randomBytes(5 * 1024 * 1024 + 123);
      // Odd-sized chunks, small batches and frequent flushes, so every path runs many times.
      const chunks: Buffer[] = [];
      for (let at = 0; at < data.length; at += 7_919) chunks.push(data.subarray(at, at + 7_919));
      const path = join(dir, 'out.bin');
      await pipeline(Readable.from(chunks), createDurableFileSink(path, { writeBytes: 100_000, syncEveryBytes: 300_000 }));
      assert.deepEqual(await readFile(path), data);
    }));

  it('writes an empty stream as an empty file', () =>
    withDir(async (dir) => {
      const path = join(dir, 'empty.bin');
      await pipeline(Readable.from([]), createDurableFileSink(path));
      assert.equal((await readFile(path)).length, 0);
    }));

  it('refuses to overwrite an existing file and leaves it untouched', () =>
    withDir(async (dir) => {
      const path = join(dir, 'taken.bin');
      await writeFile(path, 'keep me');
      await assert.rejects(pipeline(Readable.from([Buffer.from('new')]), createDurableFileSink(path)), { code: 'EEXIST' });
      assert.equal(await readFile(path, 'utf8'), 'keep me');
    }));
});
