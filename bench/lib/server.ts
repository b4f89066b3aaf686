import { once } from 'node:events';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import { projectRoot, runCommand } from './bench.js';

export interface MemoryStatus {
  /** Resident set now, KiB (VmRSS). */
  rssKiB: number;
  /** Peak resident set since the process started, KiB (VmHWM). */
  hwmKiB: number;
}

/** `camtrove serve` running as a child process on 127.0.0.1, its own data folder and SQLite. */
export interface ServerProcess {
  url: string;
  pid: number;
  memory(): MemoryStatus | null;
  /** CPU seconds the server has used since it started. */
  cpuSeconds(): number | null;
  /** Samples memory every `everyMs` until `stop()` of the returned sampler; returns the peak VmRSS seen. */
  sampleMemory(everyMs: number): { stop(): number };
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/** The end of a log file, for an error message (the file goes with its temp folder). */
function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-2000).trim();
  } catch {
    return '(no log)';
  }
}

/** CPU time (user + system, seconds) a process has used so far, from /proc; null where unavailable. */
export function readCpuSeconds(pid: number, ticksPerSecond: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces) start with field 3, the state.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / ticksPerSecond : null;
}

export function readMemory(pid: number): MemoryStatus | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null; // not Linux, or the process is gone
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/** Waits for a child process to end, sampling its RSS from /proc every 50 ms; its exit code and peak RSS (KiB). */
export async function exitAndPeakRss(child: ChildProcess): Promise<{ code: number | null; peakRssKiB: number }> {
  let peakRssKiB = 0;
  const sampler = setInterval(() => {
    const memory = child.pid ? readMemory(child.pid) : null;
    // A process that has just exited reads as NaN.
    if (memory && Number.isFinite(memory.rssKiB)) peakRssKiB = Math.max(peakRssKiB, memory.rssKiB);
  }, 50);
  const [code] = (await once(child, 'close')) as [number | null];
  clearInterval(sampler);
  return { code, peakRssKiB };
}

/**
 * Starts `node bin/camtrove.js serve` (needs `npm run build`) with a clean camtrove environment:
 * SQLite in `dataDir`, the default log level (info), its stdout and stderr appended to `logFile`.
 */
export async function startServer(options: { dataDir: string; logFile: string; env?: Record<string, string> }): Promise<ServerProcess> {
  const port = await freePort();
  const ticksPerSecond = Number((await runCommand('getconf', ['CLK_TCK']).catch(() => '100')).trim()) || 100;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('CAMTROVE_')) env[key] = value;
  Object.assign(env, { CAMTROVE_DATA: options.dataDir, CAMTROVE_HOST: '127.0.0.1', CAMTROVE_PORT: String(port) }, options.env);
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [join(projectRoot, 'bin', 'camtrove.js'), 'serve'], { cwd: projectRoot, env, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start camtrove serve');
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timeout = delay(10_000, 'timeout' as const, { ref: false });
    if ((await Promise.race([exit, timeout])) === 'timeout') {
      child.kill('SIGKILL');
      await exit;
    }
  };

  // Ready once /health answers (start-up migrates the database first).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`camtrove serve exited during start-up:\n${logTail(options.logFile)}`);
    try {
      const res = await request(`${url}/health`);
      await res.body.dump();
      if (res.statusCode === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`camtrove serve did not answer /health within 30 s:\n${logTail(options.logFile)}`);
    }
    await delay(50);
  }

  return {
    url,
    pid,
    memory: () => readMemory(pid),
    cpuSeconds: () => readCpuSeconds(pid, ticksPerSecond),
    sampleMemory(everyMs) {
      let peak = 0;
      const sample = () => {
        peak = Math.max(peak, readMemory(pid)?.rssKiB ?? 0);
      };
      sample();
      const timer = setInterval(sample, everyMs);
      return {
        stop() {
          clearInterval(timer);
          sample();
          return peak;
        },
      };
    },
    stop,
  };
}
