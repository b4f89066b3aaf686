import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { fmt, median, MiB, ratio, runCommand, settleDisk, timed, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir, sizeFromEnv, writeRandomFile } from './lib/files.js';
import { startServer } from './lib/server.js';

/**
 * POST /file of a large random file to `camtrove serve` (a child process) on 127.0.0.1, against
 * `cp` of the same file on the same file system. The client streams the multipart body from
 * disk; the server's memory is sampled from /proc while the upload runs.
 */
export const uploadBenchmark: Benchmark = {
  name: 'upload',
  description: 'HTTP upload throughput vs cp, and the server\'s memory during the upload',
  needsBuild: true,
  async run({ rounds, log }) {
    const size = sizeFromEnv('BENCH_UPLOAD_MIB', 512);
    const dir = await makeTempDir('upload');
    try {
      const source = join(dir.path, 'source.bin');
      log(`writing ${size / MiB} MiB of random bytes`);
      await writeRandomFile(source, size);
      const server = await startServer({ dataDir: join(dir.path, 'data'), logFile: join(dir.path, 'server.log') });
      try {
        // One small upload first, so the measured rounds do not include first-request warm-up.
        await upload(server.url, source, 1 * MiB).then((id) => deleteFile(server.url, id));
        const idle = server.memory();
        const cp: number[] = [];
        const cpSync: number[] = [];
        const up: number[] = [];
        const peaks: number[] = [];
        const cpu: number[] = [];
        for (let round = 1; round <= rounds; round += 1) {
          // Each round starts from a clean page cache state (sync) and an empty destination.
          const copy = join(dir.path, 'copy.bin');
          await settleDisk();
          cp.push((await timed(() => runCommand('cp', [source, copy]))).ms);
          await rm(copy);
          await settleDisk();
          cpSync.push((await timed(async () => {
            await runCommand('cp', [source, copy]);
            await runCommand('sync', [copy]); // fsync of the copy, as the blob store does
          })).ms);
          await rm(copy);
          await settleDisk();
          const sampler = server.sampleMemory(20);
          const cpuBefore = server.cpuSeconds() ?? NaN;
          const { ms, value: id } = await timed(() => upload(server.url, source));
          cpu.push((server.cpuSeconds() ?? NaN) - cpuBefore);
          peaks.push(sampler.stop());
          up.push(ms);
          await deleteFile(server.url, id);
          log(`round ${round}: cp ${fmt(mibps(size, cp.at(-1)!))} MiB/s, cp+fsync ${fmt(mibps(size, cpSync.at(-1)!))} MiB/s, upload ${fmt(mibps(size, ms))} MiB/s (server CPU ${fmt(cpu.at(-1)!, 2)} s), server peak RSS ${fmt(peaks.at(-1)! / 1024)} MiB`);
        }
        const hwm = server.memory();
        const upRate = mibps(size, median(up));
        const cpRate = mibps(size, median(cp));
        const cpSyncRate = mibps(size, median(cpSync));
        const idleMiB = (idle?.rssKiB ?? NaN) / 1024;
        const peakMiB = Math.max(...peaks) / 1024;
        log(`server RSS idle ${fmt(idleMiB)} MiB, peak sampled during uploads ${fmt(peakMiB)} MiB, VmHWM ${fmt((hwm?.hwmKiB ?? NaN) / 1024)} MiB (file ${size / MiB} MiB)`);
        const rows: SummaryRow[] = [
          { benchmark: 'upload', metric: `POST /file ${size / MiB} MiB (MiB/s)`, value: fmt(upRate), baseline: `cp ${fmt(cpRate)}`, ratio: ratio(upRate, cpRate), goal: '>= 0.60×', met: upRate / cpRate >= 0.6 },
          { benchmark: 'upload', metric: 'same, vs cp + fsync (MiB/s)', value: fmt(upRate), baseline: `cp+fsync ${fmt(cpSyncRate)}`, ratio: ratio(upRate, cpSyncRate), goal: '', met: null },
          { benchmark: 'upload', metric: 'server CPU time per upload (s)', value: fmt(median(cpu), 2), baseline: `wall ${fmt(median(up) / 1000, 2)}`, ratio: ratio(median(cpu), median(up) / 1000), goal: '', met: null },
          { benchmark: 'upload', metric: 'server peak RSS during upload (MiB)', value: fmt(peakMiB), baseline: `idle ${fmt(idleMiB)}`, ratio: `+${fmt(peakMiB - idleMiB)} MiB`, goal: 'flat (≪ file size)', met: peakMiB - idleMiB < size / MiB / 4 },
        ];
        return rows;
      } finally {
        await server.stop();
      }
    } finally {
      await dir.remove();
    }
  },
};

function mibps(bytes: number, ms: number): number {
  return bytes / MiB / (ms / 1000);
}

/**
 * Streams `path` (or its first `limit` bytes) as a multipart/form-data field "file", never holding
 * more than one read chunk in memory. Returns the file id.
 */
async function upload(url: string, path: string, limit?: number): Promise<string> {
  const size = limit ?? (await stat(path)).size;
  const boundary = `----camtrove-bench-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of createReadStream(path, { highWaterMark: MiB, end: size - 1 })) yield chunk as Buffer;
    yield tail;
  }
  const res = await request(`${url}/file`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length) },
    body: Readable.from(parts(), { objectMode: false }),
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`POST /file answered ${res.statusCode}: ${body}`);
  return (JSON.parse(body) as { file_id: string }).file_id;
}

async function deleteFile(url: string, id: string): Promise<void> {
  const res = await request(`${url}/file/${id}`, { method: 'DELETE' });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`DELETE /file/${id} answered ${res.statusCode}`);
}
