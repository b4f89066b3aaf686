import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fmt, median, nowMs, projectRoot, ratio, runCommand, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir } from './lib/files.js';
import { readCpuSeconds, readMemory } from './lib/server.js';

const SNAPSHOT_CAMERAS = 1000;
const MJPEG_CAMERAS = 200;
/** Seconds each run archives; CAMTROVE_BENCH_ARCHIVE_SECONDS=600 checks that memory stays flat over 10 minutes. */
const SECONDS = Number(process.env.CAMTROVE_BENCH_ARCHIVE_SECONDS ?? 60);

interface Measured {
  seconds: number;
  cpuSeconds: number;
  peakMiB: number;
  /** Mean RSS over the first and the last fifth of the run. */
  earlyMiB: number;
  lateMiB: number;
  stdout: string;
}

/** Runs a process to its end, sampling its CPU time and memory from /proc every 200 ms. */
async function runSampled(command: string, args: string[], ticksPerSecond: number): Promise<Measured> {
  const started = nowMs();
  const child = spawn(command, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const samples: { at: number; rssKiB: number }[] = [];
  let cpuSeconds = 0;
  let peakKiB = 0;
  let done = false;
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  void exited.then(() => (done = true));
  while (!done) {
    const memory = child.pid ? readMemory(child.pid) : null;
    const cpu = child.pid ? readCpuSeconds(child.pid, ticksPerSecond) : null;
    if (memory && Number.isFinite(memory.rssKiB)) {
      samples.push({ at: nowMs() - started, rssKiB: memory.rssKiB });
      peakKiB = Math.max(peakKiB, memory.hwmKiB);
    }
    if (cpu !== null) cpuSeconds = cpu;
    await delay(200);
  }
  const code = await exited;
  // archive exits 1 when a camera gave nothing: the counts say whether that happened.
  if (code !== 0 && code !== 1) throw new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`);
  const seconds = (nowMs() - started) / 1000;
  const span = samples.at(-1)?.at ?? 1;
  const meanOf = (from: number, to: number) => {
    const picked = samples.filter((s) => s.at >= from * span && s.at <= to * span);
    return picked.reduce((sum, s) => sum + s.rssKiB, 0) / Math.max(1, picked.length) / 1024;
  };
  return { seconds, cpuSeconds, peakMiB: peakKiB / 1024, earlyMiB: meanOf(0.1, 0.3), lateMiB: meanOf(0.8, 1), stdout };
}

/** The simulated cameras, in a process of their own. */
async function startFarm(): Promise<{ url: string; frameBytes: number; process: ChildProcess }> {
  const farm = spawn(process.execPath, ['--import', 'tsx', join('bench', 'lib', 'camera-farm.ts')], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise<string>((resolve, reject) => {
    let text = '';
    farm.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const line = /ready (\S+) \d+ (\d+)/.exec(text);
      if (line) resolve(text);
    });
    farm.once('exit', (code) => reject(new Error(`the camera farm exited with ${code}`)));
  });
  const [, url, bytes] = /ready (\S+) \d+ (\d+)/.exec(ready)!;
  return { url: url!, frameBytes: Number(bytes), process: farm };
}

interface ArchiveTotals {
  kept: number;
  unchanged: number;
  failed: number;
  missed: number;
  ticks: number;
}

function totals(stdout: string): ArchiveTotals {
  const body = JSON.parse(stdout) as { cameras: { kept: number; unchanged: number; failed: number; missed: number; ticks: number }[] };
  const sum = (key: keyof ArchiveTotals) => body.cameras.reduce((total, camera) => total + camera[key], 0);
  return { kept: sum('kept'), unchanged: sum('unchanged'), failed: sum('failed'), missed: sum('missed'), ticks: sum('ticks') };
}

export const archiveBenchmark: Benchmark = {
  name: 'archive',
  description: `${SNAPSHOT_CAMERAS} snapshot cameras (640×480 JPEGs that change) and ${MJPEG_CAMERAS} MJPEG cameras at 5 fps on loopback, archived for ${SECONDS} s each with change detection on; baseline: plain HTTP GETs of the same cameras`,
  needsBuild: true,
  async run({ rounds, log }) {
    const dir = await makeTempDir('camtrove-bench-archive');
    const farm = await startFarm();
    const ticksPerSecond = Number((await runCommand('getconf', ['CLK_TCK']).catch(() => '100')).trim()) || 100;
    try {
      const snapshots = join(dir.path, 'snapshot-cameras.json');
      const streams = join(dir.path, 'mjpeg-cameras.json');
      await writeFile(snapshots, JSON.stringify(Array.from({ length: SNAPSHOT_CAMERAS }, (_, n) => ({ cameraID: `snap${n}`, camera_type: 'non_ip', snapshot_url: `${farm.url}/cam/${n}.jpg` }))));
      await writeFile(streams, JSON.stringify(Array.from({ length: MJPEG_CAMERAS }, (_, n) => ({ id: `mjpeg${n}`, type: 'mjpeg', mjpeg_url: `${farm.url}/mjpeg/${n}` }))));
      const archive = (list: string, data: string) => ['bin/camtrove.js', 'archive', list, '--duration', String(SECONDS), '--interval', '1', '--diff', '1', '--concurrency', '256', '--per-host', '256', '--json', '--data', join(dir.path, data)];
      const figures = { rate: [] as number[], cpuMs: [] as number[], baseCpuMs: [] as number[], baseRate: [] as number[], lost: [] as number[], peak: [] as number[], early: [] as number[], late: [] as number[], mjpegCores: [] as number[], mjpegLost: [] as number[] };
      for (let round = 1; round <= rounds; round += 1) {
        const base = await runSampled(process.execPath, ['--import', 'tsx', join('bench', 'lib', 'fetch-loop.ts'), farm.url, String(SNAPSHOT_CAMERAS), String(Math.min(SECONDS, 20)), '256'], ticksPerSecond);
        const fetched = JSON.parse(base.stdout) as { frames: number; seconds: number };
        const snap = await runSampled(process.execPath, archive(snapshots, `snap-${round}`), ticksPerSecond);
        const s = totals(snap.stdout);
        const mjpeg = await runSampled(process.execPath, archive(streams, `mjpeg-${round}`), ticksPerSecond);
        const m = totals(mjpeg.stdout);
        figures.rate.push(s.kept / SECONDS);
        figures.cpuMs.push((snap.cpuSeconds * 1000) / Math.max(1, s.kept + s.unchanged));
        figures.baseRate.push(fetched.frames / fetched.seconds);
        figures.baseCpuMs.push((base.cpuSeconds * 1000) / Math.max(1, fetched.frames));
        figures.lost.push(s.missed + s.failed);
        figures.peak.push(snap.peakMiB);
        figures.early.push(snap.earlyMiB);
        figures.late.push(snap.lateMiB);
        figures.mjpegCores.push(mjpeg.cpuSeconds / mjpeg.seconds);
        figures.mjpegLost.push(m.missed + m.failed);
        log(
          `round ${round}: frames of ${fmt(farm.frameBytes / 1024)} KiB on average; snapshot ${fmt(s.kept / SECONDS, 0)} frames/s kept (${s.kept} of ${s.ticks} ticks, ${s.unchanged} unchanged, ${s.missed} missed, ${s.failed} failed), ` +
            `${fmt(figures.cpuMs.at(-1)!, 3)} ms CPU/frame, peak RSS ${fmt(snap.peakMiB)} MiB (mean ${fmt(snap.earlyMiB)} early, ${fmt(snap.lateMiB)} late); ` +
            `plain GETs ${fmt(fetched.frames / fetched.seconds, 0)} frames/s at ${fmt(figures.baseCpuMs.at(-1)!, 3)} ms CPU/frame; ` +
            `MJPEG ${m.kept} kept of ${m.ticks} ticks (${m.missed} missed, ${m.failed} failed), ${fmt(mjpeg.cpuSeconds / mjpeg.seconds, 2)} cores`,
        );
      }
      const rate = median(figures.rate);
      const cpuMs = median(figures.cpuMs);
      const baseCpuMs = median(figures.baseCpuMs);
      const early = median(figures.early);
      const late = median(figures.late);
      const cores = median(figures.mjpegCores);
      const row = (metric: string, value: string, baseline: string, r: string, goal = '', met: boolean | null = null): SummaryRow => ({ benchmark: 'archive', metric, value, baseline, ratio: r, goal, met });
      return [
        row(`${SNAPSHOT_CAMERAS} snapshot cameras, frames kept per s`, fmt(rate, 0), `plain GETs ${fmt(median(figures.baseRate), 0)}/s`, '', '>= 1000', rate >= 1000),
        row('CPU per frame kept or compared (ms)', fmt(cpuMs, 3), `plain GET ${fmt(baseCpuMs, 3)}`, ratio(cpuMs, baseCpuMs)),
        row('ticks lost (missed or failed)', fmt(median(figures.lost), 0), '', '', '0', median(figures.lost) === 0),
        row(`peak RSS, ${SECONDS} s run (MiB)`, fmt(median(figures.peak)), '', ''),
        // A one-minute run is mostly warm-up; memory is judged flat (or not) over ten minutes.
        SECONDS >= 600 ? row('RSS late vs early in the run (MiB)', fmt(late), `early ${fmt(early)}`, ratio(late, early), '<= 1.2×', late / early <= 1.2) : row('RSS late vs early in the run (MiB, warm-up)', fmt(late), `early ${fmt(early)}`, ratio(late, early)),
        row(`${MJPEG_CAMERAS} MJPEG cameras at 5 fps, cores used`, fmt(cores, 2), '', '', '< 1', cores < 1),
        row('MJPEG ticks lost', fmt(median(figures.mjpegLost), 0), '', '', '0', median(figures.mjpegLost) === 0),
      ];
    } finally {
      farm.process.kill('SIGTERM');
      await dir.remove();
    }
  },
};
