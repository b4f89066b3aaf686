import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunOptions {
  signal?: AbortSignal;
  onStdoutLine?: (line: string) => void;
  /** Collect stdout as text (for JSON output such as ffprobe's). */
  captureStdout?: boolean;
  /** How long a process may take to exit after SIGTERM before it gets SIGKILL. */
  graceMs?: number;
  stderrTailLines?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  /** The last lines of stderr, kept for error messages. */
  stderrTail: string[];
}

/**
 * Runs a program without a shell. On abort it sends SIGTERM, then SIGKILL after a grace period,
 * and rejects with the signal's reason once the process is gone. SIGTERM is ffmpeg's own clean
 * stop (it still writes the container trailer), and unlike typing `q` it works whether or not the
 * program reads stdin, which is closed here.
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  const { signal, graceMs = 2000, stderrTailLines = 20 } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(asError(signal.reason));
      return;
    }
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderrTail: string[] = [];
    let stdout = '';
    const timers: NodeJS.Timeout[] = [];

    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > stderrTailLines) stderrTail.shift();
    });
    if (options.captureStdout) {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => (stdout += chunk));
    } else if (options.onStdoutLine) {
      createInterface({ input: child.stdout }).on('line', options.onStdoutLine);
    } else {
      child.stdout.resume();
    }
    child.stdin.on('error', () => undefined);
    child.stdin.end();

    const stop = () => {
      child.kill('SIGTERM');
      timers.push(setTimeout(() => child.kill('SIGKILL'), graceMs));
    };
    signal?.addEventListener('abort', stop, { once: true });

    child.on('error', (error) => {
      signal?.removeEventListener('abort', stop);
      reject(error);
    });
    child.on('close', (exitCode, exitSignal) => {
      signal?.removeEventListener('abort', stop);
      timers.forEach(clearTimeout);
      if (signal?.aborted) reject(asError(signal.reason));
      else resolve({ exitCode, exitSignal, stdout, stderrTail });
    });
  });
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
