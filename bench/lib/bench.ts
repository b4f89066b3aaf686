import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project folder (the parent of bench/), whatever the current directory is. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** One line of the summary printed at the end of `npm run bench`. */
export interface SummaryRow {
  benchmark: string;
  metric: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** Whether the goal is met; null when the line has no goal. */
  met: boolean | null;
}

export interface BenchContext {
  /** Rounds to measure; figures are medians over them. */
  rounds: number;
  log: (message: string) => void;
}

export interface Benchmark {
  name: string;
  description: string;
  /** Whether it needs `dist/` (it runs `bin/camtrove.js serve`). */
  needsBuild: boolean;
  run(context: BenchContext): Promise<SummaryRow[]>;
}

export const MiB = 1024 * 1024;

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (0 < p <= 100) of values sorted ascending. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Milliseconds since an arbitrary origin, monotonic. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = nowMs();
  const value = await work();
  return { ms: nowMs() - start, value };
}

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(value: number, baseline: number): string {
  return baseline > 0 && Number.isFinite(value) ? `${fmt(value / baseline, 2)}×` : 'n/a';
}

/** Runs a command without a shell; rejects on a non-zero exit with the end of its stderr. */
export function runCommand(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}: ${stderr.trim()}`));
    });
  });
}

/** Flushes dirty pages so the next measurement does not pay for the previous one's writeback. */
export async function settleDisk(): Promise<void> {
  await runCommand('sync', []);
}
