import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { projectRoot } from './bench.js';
import { makeTempDir } from './files.js';
import { freePort } from './server.js';

/**
 * A copy of the built camtrove (bin/, dist/, package.json; node_modules linked), so that processes
 * a benchmark starts over several minutes all run the same code even if the checkout is rebuilt
 * meanwhile.
 */
export async function copyBuild(): Promise<{ bin: string; remove(): Promise<void> }> {
  const dir = await makeTempDir('build');
  try {
    await mkdir(join(dir.path, 'bin'));
    await cp(join(projectRoot, 'bin', 'camtrove.js'), join(dir.path, 'bin', 'camtrove.js'));
    await cp(join(projectRoot, 'dist'), join(dir.path, 'dist'), { recursive: true });
    await cp(join(projectRoot, 'package.json'), join(dir.path, 'package.json'));
    await symlink(join(projectRoot, 'node_modules'), join(dir.path, 'node_modules'), 'dir');
  } catch (error) {
    await dir.remove();
    throw error;
  }
  return { bin: join(dir.path, 'bin', 'camtrove.js'), remove: () => dir.remove() };
}

/** A camtrove child process logging JSON at info level; its stderr is kept for log lines and errors. */
export class CamtroveChild {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  private stderrText = '';
  private done = false;

  constructor(bin: string, args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [bin, ...args], { env: { ...env, CAMTROVE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
    // Only the start of the log is searched; the end is kept for error messages.
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText = this.stderrText.length < 64_000 ? this.stderrText + chunk : this.stderrText.slice(0, 32_000) + this.stderrText.slice(-16_000) + chunk));
    this.exited = new Promise((resolve) => this.child.once('close', () => ((this.done = true), resolve())));
  }

  get running(): boolean {
    return !this.done;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** The first JSON log line whose message starts with `prefix`; fails if the process exits or 30 s pass. */
  async waitForLog(prefix: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      for (const line of this.stderrText.split('\n')) {
        if (!line.startsWith('{') || !line.includes(prefix)) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (typeof parsed.msg === 'string' && parsed.msg.startsWith(prefix)) return parsed;
        } catch {
          // a line still being written
        }
      }
      if (!this.running) throw new Error(`camtrove exited before logging "${prefix}": ${this.stderrText.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`camtrove did not log "${prefix}" within 30 s: ${this.stderrText.slice(-2000)}`);
      await delay(50);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** `camtrove serve` on a free loopback port, started from `bin`; its URL once it listens. */
export async function startServe(bin: string, env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<{ process: CamtroveChild; url: string }> {
  const port = await freePort();
  const server = new CamtroveChild(bin, ['serve', '--host', '127.0.0.1', '--port', String(port), ...args], env);
  try {
    await server.waitForLog('camtrove listening on ');
  } catch (error) {
    await server.stop(1000);
    throw error;
  }
  return { process: server, url: `http://127.0.0.1:${port}` };
}

/** `camtrove worker` started from `bin`, once it takes work. */
export async function startWorker(bin: string, env: NodeJS.ProcessEnv): Promise<CamtroveChild> {
  const worker = new CamtroveChild(bin, ['worker'], env);
  try {
    await worker.waitForLog('camtrove worker started');
  } catch (error) {
    await worker.stop(1000);
    throw error;
  }
  return worker;
}
