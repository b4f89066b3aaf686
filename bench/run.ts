// Runs camtrove's benchmarks and prints a summary: `npm run bench`, or `npm run bench -- upload queue`
// to run only the named ones, `-- --rounds 5` for more rounds, `-- --list` to list them.
// Benchmarks print figures and ratios against a baseline measured in the same run; they are not tests.
import { cpus, loadavg, totalmem } from 'node:os';
import { fmt, nowMs, projectRoot, runCommand, type Benchmark, type SummaryRow } from './lib/bench.js';
import { archiveBenchmark } from './archive.bench.js';
import { eventsBenchmark } from './events.bench.js';
import { frameAccessBenchmark } from './frame-access.bench.js';
import { hashingBenchmark } from './hashing.bench.js';
import { importBenchmark } from './import.bench.js';
import { labelingBenchmark } from './labeling.bench.js';
import { labelingToolBenchmark } from './labeling-tool.bench.js';
import { labelsBenchmark } from './labels.bench.js';
import { labelExportsBenchmark } from './label-exports.bench.js';
import { latencyBenchmark } from './latency.bench.js';
import { queueBenchmark } from './queue.bench.js';
import { scaleBenchmark } from './scale.bench.js';
import { segmentBenchmark } from './segment.bench.js';
import { uploadBenchmark } from './upload.bench.js';

const benchmarks: Benchmark[] = [uploadBenchmark, hashingBenchmark, queueBenchmark, latencyBenchmark, segmentBenchmark, archiveBenchmark, importBenchmark, eventsBenchmark, frameAccessBenchmark, labelingBenchmark, labelingToolBenchmark, labelExportsBenchmark, labelsBenchmark, scaleBenchmark];

function parseArgs(argv: string[]): { names: string[]; rounds: number; list: boolean } {
  const names: string[] = [];
  let rounds = 3;
  let list = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--list') list = true;
    else if (arg === '--rounds' || arg.startsWith('--rounds=')) {
      const value = arg.includes('=') ? arg.slice('--rounds='.length) : argv[(i += 1)];
      rounds = Number(value);
      if (!Number.isSafeInteger(rounds) || rounds < 1 || rounds > 20) throw new Error(`--rounds takes a number 1-20, not ${JSON.stringify(value)}`);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}; use benchmark names, --rounds N or --list`);
    else names.push(arg);
  }
  return { names, rounds, list };
}

function printTable(rows: SummaryRow[]): void {
  const header = ['benchmark', 'metric', 'value', 'baseline', 'ratio', 'goal', 'met'];
  const cells = rows.map((r) => [r.benchmark, r.metric, r.value, r.baseline, r.ratio, r.goal, r.met === null ? '' : r.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

function loadAverage(): string {
  return loadavg().map((n) => fmt(n, 2)).join(' / ') + ' (1 / 5 / 15 min)';
}

async function main(): Promise<number> {
  const { names, rounds, list } = parseArgs(process.argv.slice(2));
  if (list) {
    for (const b of benchmarks) console.log(`${b.name.padEnd(10)} ${b.description}`);
    return 0;
  }
  const unknown = names.filter((n) => !benchmarks.some((b) => b.name.startsWith(n)));
  if (unknown.length > 0) throw new Error(`no benchmark named ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`);
  // A full name picks that benchmark alone (`labeling`, not `labeling-tool` too); a prefix, every one it starts.
  const picks = (n: string, b: Benchmark) => (benchmarks.some((o) => o.name === n) ? b.name === n : b.name.startsWith(n));
  const selected = benchmarks.filter((b) => names.length === 0 || names.some((n) => picks(n, b)));

  console.log(`camtrove benchmarks: ${selected.map((b) => b.name).join(', ')}; ${rounds} round(s) each, medians reported`);
  console.log(`machine: ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), ${fmt(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`);
  // Other work on a shared machine moves every figure; the load average says how much there was.
  console.log(`load average at start: ${loadAverage()}`);
  if (selected.some((b) => b.needsBuild)) {
    console.log('building dist/ (npm run build) for `camtrove serve`');
    await runCommand('npm', ['run', 'build', '--silent'], { cwd: projectRoot });
  }

  const summary: SummaryRow[] = [];
  const started = nowMs();
  let failed = 0;
  for (const benchmark of selected) {
    console.log(`\n== ${benchmark.name}: ${benchmark.description}`);
    const t0 = nowMs();
    try {
      summary.push(...(await benchmark.run({ rounds, log: (m) => console.log(`  ${m}`) })));
    } catch (error) {
      failed += 1;
      console.log(`  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      summary.push({ benchmark: benchmark.name, metric: 'failed (see above)', value: '', baseline: '', ratio: '', goal: '', met: false });
    }
    console.log(`  (${fmt((nowMs() - t0) / 1000)} s)`);
  }
  console.log(`\n== summary (${fmt((nowMs() - started) / 1000)} s; load average at end: ${loadAverage()})`);
  printTable(summary);
  // Missing a goal is a finding, not a failure; only a benchmark that could not run fails the command.
  return failed > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
