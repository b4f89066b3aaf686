import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeEntriesToFolder, writeEntriesToZip } from '../../src/adapters/labeling/export-sink.js';
import { cvatVideoExport } from '../../src/domain/labeling/exports/cvat-video.js';
import type { ExportEntry } from '../../src/domain/labeling/export-source.js';
import { generatedAsset, iterate, options } from '../helpers/export-assets.js';
import { readZip, readZipBytes, zipEntryMethods } from '../helpers/zip.js';

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  yield* parts;
}

const entries = (): ExportEntry[] => [
  { path: 'data.yaml', content: chunks('nc: 1\n', 'names:\n  0: "Caf\u00e9"\n') },
  { path: 'labels/a_1.txt', content: chunks(new Uint8Array([48, 32, 48, 46, 53, 10])) },
  { path: 'labels/a_2.txt', content: chunks() },
];


describe('export sinks', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-export-sink-'));
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes entries into a folder, making sub-folders, and never over an existing file', async () => {
    const target = join(dir, 'folder');
    // Bytes: 6 + 7 + 13 (é is two bytes in UTF-8) for data.yaml, 6 for a_1.txt.
    assert.deepEqual(await writeEntriesToFolder(iterate(entries()), target), { entries: 3, bytes: 6 + 7 + 13 + 6 });
    assert.equal(await readFile(join(target, 'data.yaml'), 'utf8'), 'nc: 1\nnames:\n  0: "Caf\u00e9"\n');
    assert.equal(await readFile(join(target, 'labels', 'a_1.txt'), 'utf8'), '0 0.5\n');
    assert.deepEqual((await readdir(join(target, 'labels'))).sort(), ['a_1.txt', 'a_2.txt']);
    await assert.rejects(writeEntriesToFolder(iterate(entries()), target), { code: 'EEXIST' });
  });

  it('refuses entry paths that would leave the folder', async () => {
    for (const path of ['../x', 'a/../../x', '/etc/x', 'a\\b', 'a//b']) {
      await assert.rejects(writeEntriesToFolder(iterate([{ path, content: chunks('x') }]), join(dir, 'refused')), /not a plain relative path/, path);
    }
  });

  it('writes a zip another reader reads back entry by entry', async () => {
    const path = join(dir, 'out.zip');
    assert.deepEqual(await writeEntriesToZip(iterate(entries()), createWriteStream(path)), { entries: 3, bytes: 32 });
    const files = await readZip(path);
    assert.deepEqual([...files], [['data.yaml', 'nc: 1\nnames:\n  0: "Caf\u00e9"\n'], ['labels/a_1.txt', '0 0.5\n'], ['labels/a_2.txt', '']]);
  });

  it('zips a large export streamed in many chunks, identical to the text the exporter gives', async () => {
    const asset = () => generatedAsset('big', 3000, 10, 30);
    const path = join(dir, 'cvat.zip');
    const summary = await writeEntriesToZip(cvatVideoExport(iterate([asset()]), options()), createWriteStream(path));
    let expected = '';
    for await (const entry of cvatVideoExport(iterate([asset()]), options())) for await (const chunk of entry.content) expected += chunk as string;
    assert.ok(expected.length > 1_000_000, 'several chunks of 64 KiB');
    assert.deepEqual([...(await readZip(path))], [['annotations.xml', expected]]);
    assert.equal(summary.bytes, Buffer.byteLength(expected));
  });

  it('stores small files and images as they are, and deflates larger text', async () => {
    const text = 'frame,id,x,y\n'.repeat(10_000);
    const image = Buffer.alloc(100_000, 7);
    const path = join(dir, 'methods.zip');
    await writeEntriesToZip(
      iterate([
        { path: 'labels/small.txt', content: chunks('0 0.5 0.5 0.1 0.1\n') },
        { path: 'gt/gt.txt', content: chunks(...Array.from({ length: 10 }, () => text.slice(0, text.length / 10))) },
        { path: 'images/frame_000001.jpg', content: chunks(image.subarray(0, 50_000), image.subarray(50_000)) },
      ]),
      createWriteStream(path),
    );
    const methods = await zipEntryMethods(path);
    assert.deepEqual([...methods].map(([name, { method }]) => [name, method]), [['labels/small.txt', 0], ['gt/gt.txt', 8], ['images/frame_000001.jpg', 0]]);
    assert.ok(methods.get('gt/gt.txt')!.compressedSize < text.length / 10, 'the text shrinks');
    const files = await readZipBytes(path);
    assert.equal(files.get('gt/gt.txt')!.toString(), text);
    assert.deepEqual(files.get('images/frame_000001.jpg'), image);
  });

  it('fails, and ends the output, when an entry cannot be produced', async () => {
    async function* broken(): AsyncGenerator<string> {
      yield 'start';
      throw new Error('keys unreadable');
    }
    const out = createWriteStream(join(dir, 'broken.zip'));
    await assert.rejects(writeEntriesToZip(iterate([{ path: 'a.txt', content: broken() }]), out), /keys unreadable/);
    assert.ok(out.destroyed);
  });

  it('waits for a slow output instead of holding the zip in memory, with many small files', async () => {
    const line = '0 0.5 0.5 0.1 0.1\n'.repeat(500);
    let produced = 0;
    let received = 0;
    let mostAhead = 0;
    async function* small(): AsyncGenerator<ExportEntry> {
      for (let i = 0; i < 2000; i += 1) {
        mostAhead = Math.max(mostAhead, produced - received);
        produced += line.length;
        yield { path: `labels/frame_${i}.txt`, content: chunks(line) };
      }
    }
    // An output that takes 256 KiB at a time, then pauses.
    let paused = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received - paused < 256 * 1024) return callback();
        paused = received;
        setTimeout(callback, 20);
      },
    });
    await writeEntriesToZip(small(), slow);
    assert.ok(produced > 15 * 2 ** 20, 'some 17 MiB of files');
    assert.ok(mostAhead < 2 * 2 ** 20, `the exporter ran ${(mostAhead / 2 ** 20).toFixed(1)} MiB ahead of the output`);
  });

  it('ends a zip of many files without queueing its directory piece by piece', async () => {
    // The zip writes its directory at the end, some twenty small pieces per file. Queued one by one
    // behind an output that takes its time (a file), 30,000 files held 350 MiB of heap at once.
    async function* many(): AsyncGenerator<ExportEntry> {
      for (let i = 0; i < 30_000; i += 1) yield { path: `labels/clip_${String(i).padStart(6, '0')}.txt`, content: chunks() };
    }
    let writes = 0;
    let mostHeap = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    const out = new Writable({
      write(_chunk: Buffer, _encoding, callback) {
        writes += 1;
        mostHeap = Math.max(mostHeap, process.memoryUsage().heapUsed - heapBefore);
        setImmediate(callback);
      },
    });
    assert.equal((await writeEntriesToZip(many(), out)).entries, 30_000);
    assert.ok(writes < 1000, `the output got ${writes} writes; joined, the zip's pieces come in chunks of 64 KiB`);
    assert.ok(mostHeap < 150 * 2 ** 20, `the heap grew by ${(mostHeap / 2 ** 20).toFixed(0)} MiB while the zip was written`);
  });

  it('fails, rather than waits, when the output fails part-way', async () => {
    let writes = 0;
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        writes += 1;
        callback(writes < 3 ? null : new Error('no space left on device'));
      },
    });
    await assert.rejects(writeEntriesToZip(cvatVideoExport(iterate([generatedAsset('big', 3000, 10, 30)]), options()), out), /no space left|closed before/);
  });
});
