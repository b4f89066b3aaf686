import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { deflateInBlocks } from '../../src/adapters/labeling/block-deflate.js';

async function* chunks(data: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield data.subarray(at, at + size);
    at += size;
  }
}

async function deflated(source: AsyncIterable<Buffer>, inFlight?: number): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const piece of deflateInBlocks(source, 1, inFlight)) out.push(piece);
  return Buffer.concat(out);
}

/** Text like a label export's: repetitive, with numbers that vary. */
function exportLikeText(bytes: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const line = `{"mid":"track-${i % 50}","x":${Math.sin(i) / 2 + 0.5},"y":${Math.cos(i * 1.3) / 2 + 0.5}}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join(''));
}

describe('deflate in blocks', () => {
  it('gives one raw deflate stream that inflates to the input, over many blocks, in order', async () => {
    // About 6 MiB in uneven chunks: six blocks, more than are compressed at once.
    const text = exportLikeText(6 * 1024 * 1024 + 12_345);
    const out = await deflated(chunks(text, [65_536, 1, 300_000, 7_777]), 2);
    assert.ok(inflateRawSync(out).equals(text));
    assert.ok(out.length < text.length / 2, `compressed to ${out.length} of ${text.length} bytes`);
  });

  it('keeps bytes that do not compress, and a single block', async () => {
    const noise = randomBytes(3 * 1024 * 1024);
    assert.ok(inflateRawSync(await deflated(chunks(noise, [1_000_000]))).equals(noise));
    const small = Buffer.from('a short file');
    assert.ok(inflateRawSync(await deflated(chunks(small, [4]))).equals(small));
  });

  it('ends an empty input with a valid empty stream', async () => {
    const out = await deflated(chunks(Buffer.alloc(0), [1]));
    assert.ok(out.length > 0);
    assert.equal(inflateRawSync(out).length, 0);
  });

  it('passes on the error of its input', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield exportLikeText(3 * 1024 * 1024);
      throw new Error('the label could not be read');
    }
    await assert.rejects(deflated(failing()), /the label could not be read/);
  });
});
