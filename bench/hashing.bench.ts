import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LocalBlobStore } from '../src/adapters/blob/local.blob-store.js';
import { fmt, median, MiB, ratio, runCommand, settleDisk, timed, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir, sizeFromEnv, writeRandomFile } from './lib/files.js';

/** Reads as FileService.addFromPath does them. */
const READ = { highWaterMark: 1 << 20 };

interface Method {
  label: string;
  run(): Promise<unknown>;
  /** Untimed clean-up after each run. */
  after?(): Promise<void>;
}

/**
 * LocalBlobStore.put from a file stream (hash + write + fsync + rename) against the raw pieces:
 * SHA-256 of the same stream (1 MiB reads) in Node, `sha256sum`, `cp`, and `cp` followed by an fsync.
 */
export const hashingBenchmark: Benchmark = {
  name: 'hashing',
  description: 'blob store put vs raw SHA-256 (node, sha256sum) vs cp',
  needsBuild: false,
  async run({ rounds, log }) {
    const size = sizeFromEnv('BENCH_HASH_MIB', 512);
    const dir = await makeTempDir('hashing');
    try {
      const source = join(dir.path, 'source.bin');
      const copy = join(dir.path, 'copy.bin');
      log(`writing ${size / MiB} MiB of random bytes`);
      await writeRandomFile(source, size);
      const store = new LocalBlobStore(join(dir.path, 'blobs'));
      await store.init();
      let blobId = '';
      const methods: Method[] = [
        { label: 'cp', run: () => runCommand('cp', [source, copy]), after: () => rm(copy) },
        {
          label: 'cp + fsync',
          run: async () => {
            await runCommand('cp', [source, copy]);
            await runCommand('sync', [copy]);
          },
          after: () => rm(copy),
        },
        { label: 'sha256sum', run: () => runCommand('sha256sum', [source]) },
        {
          label: 'node sha256 stream',
          run: async () => {
            const hash = createHash('sha256');
            await pipeline(createReadStream(source, READ), hash);
            return hash.digest('hex');
          },
        },
        {
          label: 'LocalBlobStore.put',
          run: async () => {
            blobId = (await store.put(createReadStream(source, READ))).id;
          },
          after: () => store.delete(blobId),
        },
        {
          // The same put straight after the first: the first of a series runs markedly slower.
          label: 'put again',
          run: async () => {
            blobId = (await store.put(createReadStream(source, READ))).id;
          },
          after: () => store.delete(blobId),
        },
      ];
      const times = new Map<string, number[]>(methods.map((m) => [m.label, []]));
      // Rounds interleave the methods, so drift on a shared machine hits them all alike.
      for (let round = 1; round <= rounds; round += 1) {
        const line: string[] = [];
        for (const method of methods) {
          await settleDisk();
          const { ms } = await timed(() => method.run());
          await method.after?.();
          times.get(method.label)!.push(ms);
          line.push(`${method.label} ${fmt(size / MiB / (ms / 1000))}`);
        }
        log(`round ${round} (MiB/s): ${line.join(', ')}`);
      }
      const rate = (label: string) => size / MiB / (median(times.get(label)!) / 1000);
      const put = rate('LocalBlobStore.put');
      const putAgain = rate('put again');
      const node = rate('node sha256 stream');
      const sum = rate('sha256sum');
      const cp = rate('cp');
      const cpSync = rate('cp + fsync');
      const row = (metric: string, value: number, baselineLabel: string, baseline: number): SummaryRow => ({
        benchmark: 'hashing',
        metric,
        value: fmt(value),
        baseline: `${baselineLabel} ${fmt(baseline)}`,
        ratio: ratio(value, baseline),
        goal: '',
        met: null,
      });
      return [
        row(`put ${size / MiB} MiB (MiB/s) vs node sha256`, put, 'node sha256', node),
        row('put vs sha256sum', put, 'sha256sum', sum),
        row('put vs cp', put, 'cp', cp),
        row('put vs cp + fsync', put, 'cp+fsync', cpSync),
        row('node sha256 vs cp', node, 'cp', cp),
        row('put right after a put (MiB/s)', putAgain, 'put', put),
      ];
    } finally {
      await dir.remove();
    }
  },
};
