import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The installed entry point; it runs the compiled dist/ (`npm test` builds first). */
export const camtroveBin = join(import.meta.dirname, '..', '..', 'bin', 'camtrove.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliResult extends Exit {
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

/** One pino log line from a camtrove process's stderr. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** Polls `probe` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Where a camtrove process keeps a library no test named (no --data, no CAMTROVE_DATA): a folder
 * on /proc, which camtrove refuses at once. A test that forgot to name its library fails saying
 * so, instead of writing into the real ~/.local/share; a test of the default sets XDG_DATA_HOME.
 */
export const UNNAMED_LIBRARY_HOME = '/proc/camtrove-tests-name-their-library';

export function withoutDefaultLibrary(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const chosen = env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== process.env.XDG_DATA_HOME;
  return chosen ? env : { ...env, XDG_DATA_HOME: UNNAMED_LIBRARY_HOME };
}

/** A `camtrove` subprocess whose output is collected as it arrives. */
export class CamtroveProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private exit: Exit | null = null;

  constructor(
    readonly args: readonly string[],
    env: NodeJS.ProcessEnv,
    input?: string,
    cwd?: string,
  ) {
    // A child must not think it is part of the test runner.
    const { NODE_TEST_CONTEXT: _ignored, ...cleanEnv } = env;
    this.child = spawn(process.execPath, [camtroveBin, ...args], { env: withoutDefaultLibrary(cleanEnv), cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.out.push(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.err.push(chunk));
    this.child.stdin!.on('error', () => undefined);
    this.child.stdin!.end(input);
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get running(): boolean {
    return this.exit === null;
  }

  get stdout(): string {
    return Buffer.concat(this.out).toString('utf8');
  }

  get stdoutBytes(): Buffer {
    return Buffer.concat(this.out);
  }

  get stderr(): string {
    return Buffer.concat(this.err).toString('utf8');
  }

  /** The JSON log lines printed on stderr so far (other lines, such as Node warnings, are skipped). */
  logs(): LogLine[] {
    const lines: LogLine[] = [];
    for (const line of this.stderr.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // a line cut in the middle of being written
      }
    }
    return lines;
  }

  /** Waits for a log line matching `match`; fails early, with the output, if the process exits first. */
  async waitForLog(what: string, match: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    return waitUntil(
      `${what} from camtrove ${this.args.join(' ')}`,
      () => {
        const found = this.logs().find(match);
        if (found) return found;
        if (!this.running) throw new Error(`camtrove ${this.args.join(' ')} exited (${JSON.stringify(this.exit)}) before ${what}; stderr:\n${this.stderr}`);
        return undefined;
      },
      timeoutMs,
    );
  }

  /** Waits for the process to end; kills it and fails when it takes longer than `timeoutMs`. */
  async waitForExit(timeoutMs = 15_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`camtrove ${this.args.join(' ')} still running after ${timeoutMs} ms; killed it. stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }
}

/** A running `camtrove serve`. */
export interface Server {
  process: CamtroveProcess;
  /** http://127.0.0.1:PORT */
  url: string;
}

/**
 * Every camtrove process a test starts, so an `after` hook can kill those still running even when
 * the test failed half-way.
 */
export class Processes {
  private readonly all = new Set<CamtroveProcess>();

  start(args: readonly string[], env: NodeJS.ProcessEnv): CamtroveProcess {
    const started = new CamtroveProcess(args, env);
    this.all.add(started);
    return started;
  }

  /** Runs a command to its end (at most `timeoutMs`) and returns its exit and output. */
  async run(args: readonly string[], env: NodeJS.ProcessEnv, options: { timeoutMs?: number; input?: string; cwd?: string } = {}): Promise<CliResult> {
    const started = new CamtroveProcess(args, env, options.input, options.cwd);
    this.all.add(started);
    const exit = await started.waitForExit(options.timeoutMs ?? 30_000);
    this.all.delete(started);
    return { ...exit, stdout: started.stdout, stdoutBytes: started.stdoutBytes, stderr: started.stderr };
  }

  /**
   * Starts `camtrove serve` on a free loopback port and waits until it listens. Logs at info level,
   * so tests can follow what its workers do.
   */
  async serve(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<Server> {
    for (let attempt = 1; ; attempt += 1) {
      const port = await freePort();
      const server = this.start(['serve', '--port', String(port), ...args], { ...env, CAMTROVE_LOG_LEVEL: 'info' });
      try {
        const line = await server.waitForLog('"camtrove listening on"', (l) => typeof l.msg === 'string' && l.msg.startsWith('camtrove listening on '));
        const address = new URL(String(line.address));
        return { process: server, url: `http://127.0.0.1:${address.port}` };
      } catch (error) {
        // Another program may take the port between our check and the server's listen: try another.
        if (attempt < 3 && !server.running && server.stderr.includes('already in use')) continue;
        throw error;
      }
    }
  }

  /** Starts `camtrove worker` and waits until it takes work. */
  async worker(env: NodeJS.ProcessEnv): Promise<CamtroveProcess> {
    const worker = this.start(['worker'], { ...env, CAMTROVE_LOG_LEVEL: 'info' });
    await worker.waitForLog('"camtrove worker started"', (l) => l.msg === 'camtrove worker started');
    return worker;
  }

  /** SIGKILLs every process still running and waits for them to be gone. */
  async killAll(): Promise<void> {
    const running = [...this.all].filter((p) => p.running);
    for (const p of running) p.kill('SIGKILL');
    await Promise.allSettled(running.map((p) => p.exited));
    this.all.clear();
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The log lines of `process` whose message is `msg` and whose analysisId is `id`. */
export function analysisLogs(process: CamtroveProcess, msg: string, id?: string): LogLine[] {
  return process.logs().filter((l) => l.msg === msg && (id === undefined || l.analysisId === id));
}
