import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStreamHash } from '../../src/adapters/blob/threaded-sha256.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function hashInChunks(data: Buffer, chunkBytes: number): Promise<string> {
  const hash = createStreamHash();
  for (let at = 0; at < data.length; at += chunkBytes) await hash.update(data.subarray(at, at + chunkBytes));
  return hash.digest();
}

describe('threaded SHA-256', () => {
  it('gives the digest of the whole stream for any chunking, including none', async () => {
    assert.equal(await createStreamHash().digest(), sha256(Buffer.alloc(0)));
    const data = randomBytes(3 * 1024 * 1024 + 17);
    for (const chunkBytes of [1, 4093, 65_536, 256 * 1024, 1024 * 1024 + 1, data.length]) {
      const sample = chunkBytes === 1 ? data.subarray(0, 5000) : data;
      assert.equal(await hashInChunks(sample, chunkBytes), sha256(sample), `chunks of ${chunkBytes} bytes`);
    }
  });

  it('keeps concurrent streams apart', async () => {
    const inputs = Array.from({ length: 12 }, (_, i) => randomBytes(200_000 + i * 150_001));
    const digests = await Promise.all(inputs.map((data, i) => hashInChunks(data, 10_000 + i * 7_000)));
    assert.deepEqual(digests, inputs.map(sha256));
  });

  it('forgets a discarded stream without disturbing others', async () => {
    const dropped = createStreamHash();
    await dropped.update(randomBytes(600_000));
    const kept = randomBytes(700_000);
    const running = hashInChunks(kept, 50_000);
    dropped.discard();
    assert.equal(await running, sha256(kept));
  });

  it('lets a program exit once its hashes are done (the thread does not hold it)', () => {
    const module = fileURLToPath(new URL('../../src/adapters/blob/threaded-sha256.ts', import.meta.url));
    const script = `
      const { createStreamHash } = await import(${JSON.stringify(module)});
      const hash = createStreamHash();
      await hash.update(Buffer.alloc(2_000_000, 7));
      console.log(await hash.digest());
    `;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.signal, null, 'the program did not exit by itself');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), sha256(Buffer.alloc(2_000_000, 7)));
  });
});
