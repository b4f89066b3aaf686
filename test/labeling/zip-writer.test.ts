import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { ZipWriter } from '../../src/adapters/labeling/zip-writer.js';
import { readZipBytes, zipEntryMethods } from '../helpers/zip.js';

async function* pieces(...parts: Buffer[]): AsyncGenerator<Buffer> {
  yield* parts;
}

/** The zip's file count and each entry's stored checksum, as yauzl reads them from the directory. */
function directoryOf(path: string): Promise<{ entryCount: number; crcs: Map<string, number> }> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const crcs = new Map<string, number>();
      zip.on('entry', (entry: yauzl.Entry) => {
        crcs.set(entry.fileName, entry.crc32);
        zip.readEntry();
      });
      zip.on('end', () => resolve({ entryCount: zip.entryCount, crcs })).on('error', reject);
      zip.readEntry();
    });
  });
}

describe('zip writer', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-zip-writer-'));
  after(() => rm(dir, { recursive: true, force: true }));

  const write = async (path: string, fill: (zip: ZipWriter) => Promise<void>): Promise<void> => {
    const zip = new ZipWriter(createWriteStream(path));
    await fill(zip);
    await zip.end();
  };

  it('writes stored, streamed and deflated files another reader reads back, checksums included', async () => {
    const path = join(dir, 'kinds.zip');
    const text = Buffer.from('0 0.5 0.5 0.1 0.1\n'.repeat(20_000));
    const image = Buffer.alloc(200_000, 9);
    await write(path, async (zip) => {
      await zip.addStored('data.yaml', Buffer.from('names:\n  0: "Caf\u00e9"\n'));
      await zip.addStored('labels/empty.txt', Buffer.alloc(0));
      await zip.addStream('gt/gt.txt', pieces(text.subarray(0, 100_000), text.subarray(100_000)), 'deflate');
      await zip.addStream('images/caf\u00e9_000001.jpg', pieces(image), 'store');
    });
    const files = await readZipBytes(path);
    assert.deepEqual([...files.keys()], ['data.yaml', 'labels/empty.txt', 'gt/gt.txt', 'images/caf\u00e9_000001.jpg']);
    assert.equal(files.get('data.yaml')!.toString(), 'names:\n  0: "Caf\u00e9"\n');
    assert.equal(files.get('labels/empty.txt')!.length, 0);
    assert.ok(files.get('gt/gt.txt')!.equals(text));
    assert.ok(files.get('images/caf\u00e9_000001.jpg')!.equals(image));
    const methods = await zipEntryMethods(path);
    assert.deepEqual([...methods.values()].map((m) => m.method), [0, 0, 8, 0]);
    assert.ok(methods.get('gt/gt.txt')!.compressedSize < text.length / 10, 'the text is deflated');
    const { crcs } = await directoryOf(path);
    for (const [name, bytes] of files) assert.equal(crcs.get(name), crc32(bytes), `the checksum of ${name}`);
  });

  it('deflates a file of several megabytes, compressed a block at a time, into one entry others read back', async () => {
    const path = join(dir, 'large.zip');
    const lines = Array.from({ length: 120_000 }, (_, i) => `${i} 0.${(i * 7919) % 100_000} 0.${(i * 104_729) % 100_000} 0.1 0.1\n`);
    const text = Buffer.from(lines.join(''));
    assert.ok(text.length > 3 * 1024 * 1024);
    await write(path, async (zip) => {
      await zip.addStream('gt/gt.txt', pieces(...Array.from({ length: Math.ceil(text.length / 65_536) }, (_, i) => text.subarray(i * 65_536, (i + 1) * 65_536))), 'deflate');
      await zip.addStored('after.txt', Buffer.from('next'));
    });
    const files = await readZipBytes(path);
    assert.ok(files.get('gt/gt.txt')!.equals(text));
    assert.equal(files.get('after.txt')!.toString(), 'next');
    const { crcs } = await directoryOf(path);
    assert.equal(crcs.get('gt/gt.txt'), crc32(text));
  });

  it('holds more than 65,535 files (ZIP64 end records), in order, each with its content', async () => {
    const path = join(dir, 'many.zip');
    const count = 70_000;
    const name = (i: number) => `labels/clip_${String(i + 1).padStart(6, '0')}.txt`;
    const content = (i: number) => Buffer.from(i % 7 === 0 ? '' : `0 0.5 0.5 0.1 ${i}\n`);
    await write(path, async (zip) => {
      for (let i = 0; i < count; i += 1) await zip.addStored(name(i), content(i));
    });
    const { entryCount, crcs } = await directoryOf(path);
    assert.equal(entryCount, count);
    assert.deepEqual([...crcs.keys()], Array.from({ length: count }, (_, i) => name(i)));
    for (let i = 0; i < count; i += 1) assert.equal(crcs.get(name(i)), crc32(content(i)), name(i));
    // The ZIP64 end record and its locator sit before the classic end record, which points to them.
    const bytes = await readFile(path);
    assert.equal(bytes.readUInt32LE(bytes.length - 22), 0x06054b50);
    assert.equal(bytes.readUInt16LE(bytes.length - 22 + 10), 0xffff);
    assert.equal(bytes.readUInt32LE(bytes.length - 42), 0x07064b50);
  });

  it('gives the same bytes for the same files', async () => {
    const fill = async (zip: ZipWriter) => {
      await zip.addStored('a.txt', Buffer.from('a'));
      await zip.addStream('b.txt', pieces(Buffer.alloc(100_000, 98)), 'deflate');
    };
    await write(join(dir, 'one.zip'), fill);
    await write(join(dir, 'two.zip'), fill);
    assert.ok((await readFile(join(dir, 'one.zip'))).equals(await readFile(join(dir, 'two.zip'))));
  });
});
