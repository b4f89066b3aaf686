// Runs every *.test.ts under src/ and test/ (or those whose path contains one of the arguments),
// each file in a process of its own with Node's built-in test runner, a file per core at a time
// (two to four: more would starve the timing-sensitive end-to-end tests).
//
// The SQLite pass always runs. With CAMTROVE_TEST_DATABASE_URL set, the PostgreSQL pass runs in
// the same lanes: the files that open a library or a database, again against PostgreSQL (pure
// unit tests in src/, media, blob-store, camera-client and evaluation tests never touch one). One
// queue for both passes keeps every lane busy to the end, where two passes one after the other
// would each end with lanes idle.
//
// Each file's report is printed when it ends (in full when it failed, else one line), so the
// lanes' output does not interleave.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';
import { performance } from 'node:perf_hooks';

const DATABASE_FREE = [
  `src${sep}`,
  ...['media', 'blob', 'eval', 'cameras', 'import'].map((dir) => join('test', dir) + sep),
  // camtrove segment without --save (segment-save.e2e.test.ts covers that on each database).
  join('test', 'e2e', 'segment.e2e.test.ts'),
];

// Files that take a minute or more start first, so that none of them is left running alone at the end.
const LONGEST = ['motion-goals.test.ts', 'cli.e2e.test.ts', 'segment.e2e.test.ts', 'archive.e2e.test.ts', 'import-faults.e2e.test.ts', 'import.e2e.test.ts', 'serve.e2e.test.ts'];

function rank(file) {
  const at = LONGEST.findIndex((name) => file.endsWith(`${sep}${name}`));
  return at === -1 ? LONGEST.length : at;
}

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

const filter = process.argv.slice(2);
const postgresUrl = process.env.CAMTROVE_TEST_DATABASE_URL ?? '';
const files = ['src', 'test'].flatMap(findTests).filter((file) => filter.length === 0 || filter.some((f) => file.includes(f)));
const runs = [
  ...files.map((file) => ({ file, database: 'sqlite' })),
  ...(postgresUrl ? files.filter((file) => filter.length > 0 || !DATABASE_FREE.some((prefix) => file.startsWith(prefix))).map((file) => ({ file, database: 'postgres' })) : []),
].sort((a, b) => rank(a.file) - rank(b.file));

const lanes = Math.max(2, Math.min(availableParallelism(), 4));
const passes = postgresUrl ? 'SQLite and PostgreSQL passes' : 'SQLite pass (set CAMTROVE_TEST_DATABASE_URL for the PostgreSQL pass too)';
console.log(`${runs.length} test files, ${lanes} at a time: ${passes}`);

const started = performance.now();
const failed = [];
const totals = { tests: 0, pass: 0, fail: 0, skipped: 0 };
let next = 0;
await Promise.all(Array.from({ length: lanes }, async () => {
  while (next < runs.length) {
    const run = runs[next++];
    const result = await runFile(run);
    for (const key of Object.keys(totals)) totals[key] += Number(result.output.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
    const line = `${result.code === 0 ? 'ok    ' : 'FAILED'} ${(result.ms / 1000).toFixed(1).padStart(6)} s  ${run.file} (${run.database})${lingered(result)}`;
    if (result.code === 0) console.log(line);
    else {
      failed.push(`${run.file} (${run.database})`);
      console.log(`${line}\n${result.output}`);
    }
  }
}));

const minutes = ((performance.now() - started) / 60_000).toFixed(1);
console.log(`\n# tests ${totals.tests}\n# pass ${totals.pass}\n# fail ${totals.fail}\n# skipped ${totals.skipped}\n# files ${runs.length}, ${minutes} min`);
if (failed.length > 0) console.log(`failing files:\n${failed.map((f) => `  ${f}`).join('\n')}`);
process.exit(failed.length > 0 ? 1 : 0);

/**
 * A note when the file's process outlived its tests by seconds: a timer, socket or child process
 * left behind, which would keep a command alive as long. (Top-level tests and suites report their
 * durations at two spaces of indentation.)
 */
function lingered({ ms, output }) {
  const testsMs = [...output.matchAll(/^  duration_ms: ([\d.]+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  const extraS = (ms - testsMs) / 1000;
  return extraS > 10 ? `  (its process lived ${extraS.toFixed(0)} s after its tests: something was left running)` : '';
}

/** Runs one test file against one database; resolves with its exit code and its whole report. */
function runFile({ file, database }) {
  const env = { ...process.env };
  if (database === 'postgres') env.CAMTROVE_TEST_DATABASE_URL = postgresUrl;
  else delete env.CAMTROVE_TEST_DATABASE_URL;
  const start = performance.now();
  // The timeout bounds the file as well as each test: files of slow end-to-end tests (and the motion
  // evaluation, which renders its clips on a first run) need minutes; their tests set tighter limits.
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-timeout=600000', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks = [];
  child.stdout.on('data', (chunk) => chunks.push(chunk));
  child.stderr.on('data', (chunk) => chunks.push(chunk));
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), ms: performance.now() - start, output: Buffer.concat(chunks).toString() }));
  });
}
