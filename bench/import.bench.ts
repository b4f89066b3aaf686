import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fmt, median, MiB, projectRoot, ratio, runCommand, settleDisk, timed, type Benchmark, type SummaryRow } from './lib/bench.js';
import { uniqueAvi, uniqueMkv, uniqueMp4, withoutFtyp } from '../test/helpers/media.js';
import { makeTempDir, sizeFromEnv, writeRandomFile } from './lib/files.js';
import { exitAndPeakRss, startServer } from './lib/server.js';

const camtrove = join(projectRoot, 'bin', 'camtrove.js');

/**
 * `camtrove import --no-segment` of (a) many small videos, against the goal of 300 files/s, with
 * `cp -r` + `sync` of the same folder for scale, a second run of the same import (nothing new), and
 * the same videos with 16 bytes after their last box, and as many small AVI files (MJPEG + PCM, as
 * camera traps write them), small Matroska files (H.264 + AAC, unique by a Void element) and small
 * MOV files without `ftyp` (old QuickTime layout), each against the goal of staying within 1.5× of
 * the clean MP4s;
 * (b) a few multi-GB videos, against reading and SHA-256-hashing the same files in one pass
 * (`sha256sum`), goal 0.8. Every round imports into a new library. Files are made here: one small
 * MP4 rendered by ffmpeg, made unique by a trailing `free` box (a valid MP4 that plays the same),
 * and big ones whose `free` box holds random bytes. Both imports are also run into a `camtrove serve`
 * on loopback (`--server`), against the same import into a local library.
 */
export const importBenchmark: Benchmark = {
  name: 'import',
  description: 'camtrove import: small files per second, big files against sha256sum',
  needsBuild: true,
  async run({ rounds, log }) {
    const count = countFromEnv('BENCH_IMPORT_FILES', 10_000);
    const bigSize = sizeFromEnv('BENCH_IMPORT_BIG_MIB', 2048);
    const bigCount = countFromEnv('BENCH_IMPORT_BIG_FILES', 3);
    const dir = await makeTempDir('import');
    try {
      const base = join(dir.path, 'base.mp4');
      await runCommand('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', base]);
      const baseBytes = await readFile(base);
      const small = join(dir.path, 'small');
      log(`writing ${count} small videos (${fmt(baseBytes.length / 1024)} KiB each, 20 cameras)`);
      for (let camera = 0; camera < 20; camera += 1) await mkdir(join(small, `site${camera}`), { recursive: true });
      for (let k = 0; k < count; k += 1) {
        await writeFile(join(small, `site${k % 20}`, `CAM${k % 20}-survey-${1_700_000_000 + k}.mp4`), uniqueMp4(baseBytes, `file ${k}`));
      }
      // The same files with 16 bytes after the last box, as recorders that stop abruptly leave them.
      const trailing = join(dir.path, 'trailing');
      for (let camera = 0; camera < 20; camera += 1) await mkdir(join(trailing, `site${camera}`), { recursive: true });
      for (let k = 0; k < count; k += 1) {
        await writeFile(join(trailing, `site${k % 20}`, `CAM${k % 20}-survey-${1_700_000_000 + k}.mp4`), Buffer.concat([uniqueMp4(baseBytes, `file ${k}`), TRAILING_BYTES]));
      }
      // AVI as camera traps write it: MJPEG with PCM sound.
      const baseAvi = join(dir.path, 'base.avi');
      await runCommand('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=2', '-f', 'lavfi', '-i', 'sine=duration=2:sample_rate=8000', '-c:v', 'mjpeg', '-q:v', '8', '-c:a', 'pcm_s16le', '-shortest', baseAvi]);
      const aviBytes = await readFile(baseAvi);
      const avi = await writeCopies(join(dir.path, 'avi'), 'avi', count, (tag) => uniqueAvi(aviBytes, tag));
      // Matroska as recorders and browsers write it: H.264 with AAC sound.
      const baseMkv = join(dir.path, 'base.mkv');
      await runCommand('ffmpeg', [...H264_AAC, baseMkv]);
      const mkvBytes = await readFile(baseMkv);
      const mkv = await writeCopies(join(dir.path, 'mkv'), 'mkv', count, (tag) => uniqueMkv(mkvBytes, tag));
      // QuickTime as older cameras wrote it, without `ftyp`, made unique like the MP4s.
      const baseMov = join(dir.path, 'base.mov');
      await runCommand('ffmpeg', [...H264_AAC, '-f', 'mov', baseMov]);
      const movBytes = withoutFtyp(await readFile(baseMov));
      const mov = await writeCopies(join(dir.path, 'mov'), 'mov', count, (tag) => uniqueMp4(movBytes, tag));
      const big = join(dir.path, 'big');
      await mkdir(big);
      log(`writing ${bigCount} videos of ${bigSize / MiB} MiB`);
      const bigFiles: string[] = [];
      for (let k = 0; k < bigCount; k += 1) {
        const path = join(big, `CAM${k}-long-${1_700_000_000 + k}.mp4`);
        await writeBigVideo(path, baseBytes, bigSize);
        bigFiles.push(path);
      }

      const smallRuns: number[] = [];
      const againRuns: number[] = [];
      const cpRuns: number[] = [];
      const trailingRuns: number[] = [];
      const aviRuns: number[] = [];
      const mkvRuns: number[] = [];
      const movRuns: number[] = [];
      const bigRuns: number[] = [];
      const sumRuns: number[] = [];
      const remoteSmallRuns: number[] = [];
      const remoteBigRuns: number[] = [];
      let peakRssKiB = 0;
      for (let round = 1; round <= rounds; round += 1) {
        const data = join(dir.path, `library-${round}`);
        await settleDisk();
        const first = await timed(() => importFolder(small, data));
        if (first.value.report.imported !== count) throw new Error(`imported ${first.value.report.imported} of ${count} small files: ${JSON.stringify(first.value.report).slice(0, 500)}`);
        const again = await timed(() => importFolder(small, data));
        if (again.value.report.already_imported !== count) throw new Error(`the second run found ${again.value.report.already_imported} of ${count} already imported`);
        await settleDisk();
        trailingRuns.push(await importAndRemove(trailing, join(dir.path, `trailing-library-${round}`), count, 'files with trailing bytes'));
        aviRuns.push(await importAndRemove(avi, join(dir.path, `avi-library-${round}`), count, 'AVI files'));
        mkvRuns.push(await importAndRemove(mkv, join(dir.path, `mkv-library-${round}`), count, 'Matroska files'));
        movRuns.push(await importAndRemove(mov, join(dir.path, `mov-library-${round}`), count, 'MOV files without ftyp'));
        const copy = join(dir.path, `copy-${round}`);
        const cp = await timed(async () => {
          await runCommand('cp', ['-r', small, copy]);
          await runCommand('sync', []);
        });
        await rm(copy, { recursive: true });

        await settleDisk();
        const bigData = join(dir.path, `big-library-${round}`);
        const bigImport = await timed(() => importFolder(big, bigData));
        if (bigImport.value.report.imported !== bigCount) throw new Error(`imported ${bigImport.value.report.imported} of ${bigCount} big files`);
        peakRssKiB = Math.max(peakRssKiB, bigImport.value.peakRssKiB);
        await settleDisk();
        const sum = await timed(() => runCommand('sha256sum', bigFiles));
        await rm(data, { recursive: true });
        await rm(bigData, { recursive: true });

        // The same two imports into a server's library, over HTTP on loopback (no workers: nothing to segment).
        const serverData = join(dir.path, `server-${round}`);
        await mkdir(serverData);
        const server = await startServer({ dataDir: serverData, logFile: join(dir.path, `server-${round}.log`), env: { CAMTROVE_WORKERS: 'false', CAMTROVE_LOG_LEVEL: 'warn' } });
        try {
          await settleDisk();
          const remoteSmall = await timed(() => importFolder(small, null, server.url));
          if (remoteSmall.value.report.imported !== count) throw new Error(`imported ${remoteSmall.value.report.imported} of ${count} small files into the server`);
          await settleDisk();
          const remoteBig = await timed(() => importFolder(big, null, server.url));
          if (remoteBig.value.report.imported !== bigCount) throw new Error(`imported ${remoteBig.value.report.imported} of ${bigCount} big files into the server`);
          remoteSmallRuns.push(remoteSmall.ms);
          remoteBigRuns.push(remoteBig.ms);
        } finally {
          await server.stop();
          await rm(serverData, { recursive: true });
        }

        smallRuns.push(first.ms);
        againRuns.push(again.ms);
        cpRuns.push(cp.ms);
        bigRuns.push(bigImport.ms);
        sumRuns.push(sum.ms);
        const bigMiB = (bigSize * bigCount) / MiB;
        log(
          `round ${round}: ${fmt(count / (first.ms / 1000))} files/s (again ${fmt(count / (again.ms / 1000))}, with trailing bytes ${fmt(count / (trailingRuns.at(-1)! / 1000))}, AVI ${fmt(count / (aviRuns.at(-1)! / 1000))}, MKV ${fmt(count / (mkvRuns.at(-1)! / 1000))}, MOV without ftyp ${fmt(count / (movRuns.at(-1)! / 1000))}, cp -r + sync ${fmt(count / (cp.ms / 1000))}); ` +
            `big ${fmt(bigMiB / (bigImport.ms / 1000))} MiB/s (sha256sum ${fmt(bigMiB / (sum.ms / 1000))}), import peak RSS ${fmt(bigImport.value.peakRssKiB / 1024)} MiB; ` +
            `into a server ${fmt(count / (remoteSmallRuns.at(-1)! / 1000))} files/s, big ${fmt(bigMiB / (remoteBigRuns.at(-1)! / 1000))} MiB/s`,
        );
      }
      const perSecond = (ms: number[]) => count / (median(ms) / 1000);
      const bigRate = (ms: number[]) => (bigSize * bigCount) / MiB / (median(ms) / 1000);
      const rows: SummaryRow[] = [
        { benchmark: 'import', metric: `${count} small files, files/s`, value: fmt(perSecond(smallRuns)), baseline: `cp -r + sync ${fmt(perSecond(cpRuns))}`, ratio: ratio(perSecond(smallRuns), perSecond(cpRuns)), goal: '≥ 300 files/s', met: perSecond(smallRuns) >= 300 },
        { benchmark: 'import', metric: `${count} small files with 16 bytes after the last box, files/s`, value: fmt(perSecond(trailingRuns)), baseline: `clean files ${fmt(perSecond(smallRuns))}`, ratio: ratio(perSecond(trailingRuns), perSecond(smallRuns)), goal: '≥ 0.67× (within 1.5×)', met: perSecond(trailingRuns) / perSecond(smallRuns) >= 1 / 1.5 },
        { benchmark: 'import', metric: `${count} small AVI files (MJPEG + PCM), files/s`, value: fmt(perSecond(aviRuns)), baseline: `MP4 files ${fmt(perSecond(smallRuns))}`, ratio: ratio(perSecond(aviRuns), perSecond(smallRuns)), goal: '≥ 0.67× (within 1.5×)', met: perSecond(aviRuns) / perSecond(smallRuns) >= 1 / 1.5 },
        { benchmark: 'import', metric: `${count} small Matroska files (H.264 + AAC), files/s`, value: fmt(perSecond(mkvRuns)), baseline: `MP4 files ${fmt(perSecond(smallRuns))}`, ratio: ratio(perSecond(mkvRuns), perSecond(smallRuns)), goal: '≥ 0.67× (within 1.5×)', met: perSecond(mkvRuns) / perSecond(smallRuns) >= 1 / 1.5 },
        { benchmark: 'import', metric: `${count} small MOV files without ftyp (H.264 + AAC), files/s`, value: fmt(perSecond(movRuns)), baseline: `MP4 files ${fmt(perSecond(smallRuns))}`, ratio: ratio(perSecond(movRuns), perSecond(smallRuns)), goal: '≥ 0.67× (within 1.5×)', met: perSecond(movRuns) / perSecond(smallRuns) >= 1 / 1.5 },
        { benchmark: 'import', metric: 'the same import again (nothing new), files/s', value: fmt(perSecond(againRuns)), baseline: `first run ${fmt(perSecond(smallRuns))}`, ratio: ratio(perSecond(againRuns), perSecond(smallRuns)), goal: '', met: null },
        { benchmark: 'import', metric: `${bigCount} × ${bigSize / MiB} MiB, MiB/s`, value: fmt(bigRate(bigRuns)), baseline: `sha256sum ${fmt(bigRate(sumRuns))}`, ratio: ratio(bigRate(bigRuns), bigRate(sumRuns)), goal: '≥ 0.8×', met: bigRate(bigRuns) / bigRate(sumRuns) >= 0.8 },
        { benchmark: 'import', metric: `--server: ${count} small files, files/s`, value: fmt(perSecond(remoteSmallRuns)), baseline: `local import ${fmt(perSecond(smallRuns))}`, ratio: ratio(perSecond(remoteSmallRuns), perSecond(smallRuns)), goal: '', met: null },
        { benchmark: 'import', metric: `--server: ${bigCount} × ${bigSize / MiB} MiB, MiB/s`, value: fmt(bigRate(remoteBigRuns)), baseline: `sha256sum ${fmt(bigRate(sumRuns))}`, ratio: ratio(bigRate(remoteBigRuns), bigRate(sumRuns)), goal: '', met: null },
        { benchmark: 'import', metric: 'peak RSS importing the big files, MiB', value: fmt(peakRssKiB / 1024), baseline: '', ratio: '', goal: '', met: null },
      ];
      return rows;
    } finally {
      await dir.remove();
    }
  },
};

interface ImportReport {
  imported: number;
  already_imported: number;
}

/** Runs `camtrove import DIR --no-segment --json` into a library of its own (or a server's), sampling its memory. */
async function importFolder(folder: string, data: string | null, server?: string): Promise<{ report: ImportReport; peakRssKiB: number }> {
  const into = server ? ['--server', server] : ['--data', data!];
  const child = spawn(process.execPath, [camtrove, 'import', folder, '--no-segment', '--json', ...into], {
    env: { ...process.env, CAMTROVE_DATABASE_URL: '', CAMTROVE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const { code, peakRssKiB } = await exitAndPeakRss(child);
  if (code !== 0) throw new Error(`camtrove import ${folder} exited with ${code}: ${stderr.trim()}\n${stdout.slice(0, 1000)}`);
  return { report: JSON.parse(stdout) as ImportReport, peakRssKiB };
}

/** Imports `folder` into a new library, checks that all `count` files came in, removes the library: the milliseconds. */
async function importAndRemove(folder: string, data: string, count: number, what: string): Promise<number> {
  const run = await timed(() => importFolder(folder, data));
  if (run.value.report.imported !== count) throw new Error(`imported ${run.value.report.imported} of ${count} ${what}`);
  await rm(data, { recursive: true });
  await settleDisk();
  return run.ms;
}

/** ffmpeg arguments for a small H.264 + AAC clip, before the container and output path. */
const H264_AAC = ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10:duration=2', '-f', 'lavfi', '-i', 'sine=duration=2:sample_rate=48000', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'];

/** `count` files named like camera clips in 20 site folders, each the bytes `make` returns for its tag. */
async function writeCopies(folder: string, extension: string, count: number, make: (tag: string) => Buffer): Promise<string> {
  for (let camera = 0; camera < 20; camera += 1) await mkdir(join(folder, `site${camera}`), { recursive: true });
  for (let k = 0; k < count; k += 1) await writeFile(join(folder, `site${k % 20}`, `CAM${k % 20}-survey-${1_700_000_000 + k}.${extension}`), make(`file ${k}`));
  return folder;
}

/** Bytes that cannot start a box, as an interrupted write leaves them. */
const TRAILING_BYTES = Buffer.from('8f0013a7e2c4d9b6017ffe3c5a90d2b4', 'hex');

/** A video of `size` bytes: `base`, then a `free` box (64-bit size) of random bytes. */
async function writeBigVideo(path: string, base: Buffer, size: number): Promise<void> {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write('free', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(size - base.length), 8);
  await writeRandomFile(path, size - base.length - header.length, Buffer.concat([base, header]));
}

function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < 1 || value > 1_000_000) throw new Error(`${name} must be a whole number from 1 to 1,000,000, not ${JSON.stringify(raw)}`);
  return value;
}
