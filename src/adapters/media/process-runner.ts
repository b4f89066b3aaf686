import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { diesWithParent } from './parent-death.js';

export interface RunOptions {
  signal?: AbortSignal;
  onStdoutLine?: (line: string) => void;
  /** Collect stdout as text (for JSON output such as ffprobe's). */
  captureStdout?: boolean;
  /** Every stderr line, as it comes (the tail is kept either way). */
  onStderrLine?: (line: string) => void;
  /** How long a process may take to exit after SIGTERM before it gets SIGKILL. */
  graceMs?: number;
  stderrTailLines?: number;
  /** Bytes for the program's stdin (ffmpeg reading `pipe:0`); stdin is closed at once without. The caller handles its errors. */
  stdin?: Readable;
  /** The program's environment; camtrove's own without. */
  env?: NodeJS.ProcessEnv;
}

export interface ProcessResult {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  /** The last lines of stderr, kept for error messages. */
  stderrTail: string[];
}

/** A running program whose stdout the caller reads as a stream (binary output such as raw frames). */
export interface StreamingProcess {
  stdout: Readable;
  /** Settles once the process is gone, as runProcess does; stdout holds nothing here. */
  result: Promise<ProcessResult>;
}

/**
 * Runs a program without a shell. On abort it sends SIGTERM, then SIGKILL after a grace period,
 * and rejects with the signal's reason once the process is gone. SIGTERM is ffmpeg's own clean
 * stop (it still writes the container trailer), and unlike typing `q` it works whether or not the
 * program reads stdin, which is closed here.
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  if (options.signal?.aborted) return Promise.reject(asError(options.signal.reason));
  const { stdout, result } = startProcess(command, args, options);
  let text = '';
  if (options.captureStdout) {
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => (text += chunk));
  } else if (options.onStdoutLine) {
    createInterface({ input: stdout }).on('line', options.onStdoutLine);
  } else {
    stdout.resume();
  }
  return result.then((done) => ({ ...done, stdout: text }));
}

/** Like runProcess, but hands stdout to the caller, who must consume it (or destroy it). */
export function startProcess(command: string, args: readonly string[], options: Omit<RunOptions, 'captureStdout' | 'onStdoutLine'> = {}): StreamingProcess {
  const { signal, graceMs = 2000, stderrTailLines = 20 } = options;
  // Tied to this process: a kill -9 of camtrove takes its ffmpeg with it (see parent-death.ts).
  const tied = diesWithParent(command, args);
  const child = spawn(tied.command, tied.args, { stdio: ['pipe', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
  const stderrTail: string[] = [];
  const timers: NodeJS.Timeout[] = [];
  const stderrDone = new Promise<void>((resolve) => {
    const lines = createInterface({ input: child.stderr });
    lines.on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > stderrTailLines) stderrTail.shift();
      options.onStderrLine?.(line);
    });
    lines.on('close', resolve);
  });
  // A program that exits before reading all its input (one frame wanted) breaks the pipe: not an error.
  child.stdin.on('error', () => undefined);
  if (options.stdin) options.stdin.pipe(child.stdin);
  else child.stdin.end();

  const stop = () => {
    child.kill('SIGTERM');
    timers.push(setTimeout(() => child.kill('SIGKILL'), graceMs));
  };
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });

  const result = new Promise<ProcessResult>((resolve, reject) => {
    child.on('error', (error) => {
      signal?.removeEventListener('abort', stop);
      reject(error);
    });
    child.on('close', (exitCode, exitSignal) => {
      signal?.removeEventListener('abort', stop);
      timers.forEach(clearTimeout);
      // Every stderr line has been seen before the result is known.
      void stderrDone.then(() => {
        if (signal?.aborted) reject(asError(signal.reason));
        else resolve({ exitCode, exitSignal, stdout: '', stderrTail });
      });
    });
  });
  return { stdout: child.stdout, result };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
