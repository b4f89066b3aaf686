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
// lanes' output does not interleave. A file whose tests all skipped says "skipped", not "ok"; the
// summary counts the skipped tests and gives each one's reason, then names the ten slowest files.
// A filter that matches no test file is an error, not an empty success.
//
// With CI set (CI=true), a skipped test fails the run unless the short allow-list in
// test/allowed-skips.json allows it: an entry gives the exact reason (the text after `# SKIP` in the
// TAP report), the files it may come from, and why that skip is acceptable. On CI every prerequisite
// is present, so any other skip means a test silently did not run.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';

const DATABASE_FREE = [
  `src${sep}`,
  ...['media', 'blob', 'eval', 'cameras', 'import'].map((dir) => join('test', dir) + sep),
  // camtrove segment without --save (segment-save.e2e.test.ts covers that on each database).
  join('test', 'e2e', 'segment.e2e.test.ts'),
  join('test', 'docs.test.ts'),
  join('test', 'deployment.test.ts'),
  join('test', 'run-tests.test.ts'),
  // Label exports read generated assets and write zips: no database.
  ...['export-sink.test.ts', 'zip-writer.test.ts', 'block-deflate.test.ts', 'export-memory.test.ts'].map((name) => join('test', 'labeling', name)),
  // The OpenAPI document and the clients made from it are the same on either database.
  ...['openapi.api.test.ts', 'openapi-client.api.test.ts', 'aliases.api.test.ts'].map((name) => join('test', 'api', name)),
  ...['sdk-openapi.test.ts', 'sdk-client.test.ts'].map((name) => join('test', 'sdk', name)),
  // How the HTTP layer parses and escapes what it is sent: the database sees none of it.
  ...['malformed-requests.api.test.ts', 'stored-xss.api.test.ts'].map((name) => join('test', 'api', name)),
  // These use a database, but only through routes and services that test/api, test/labeling,
  // test/sdk and test/db run on both: the label exporters and export jobs, the SDK's label methods,
  // the predictions of a real clip; and the CLI's processes,
  // whose subject is what a command prints and refuses (files, events, cameras, archiving, import
  // hooks and imports into a server, labeling; locally and with --server), how it treats the network
  // policy, and what a killed process leaves behind. The import itself, its crashes and the queue's
  // workers run on both (import.e2e, import-faults.e2e, serve.e2e).
  join('test', 'labeling', 'label-exports.api.test.ts'),
  join('test', 'labeling', 'motion-predictions.e2e.test.ts'),
  join('test', 'sdk', 'sdk-labels.test.ts'),
  ...['cli', 'remote-cli', 'archive', 'import-hooks', 'import-remote', 'labeling-cli', 'labeling-cli-server', 'cameras', 'network-safety', 'segment-network', 'kill-leftovers', 'storage-migrate'].map((name) => join('test', 'e2e', `${name}.e2e.test.ts`)),
  // The web app in a browser: its server's database is the default one, and the API tests cover both.
  join('test', 'web') + sep,
  // The BullMQ queue keeps its jobs in Redis.
  ...['bull.job-queue.test.ts', 'bull-faults.test.ts'].map((name) => join('test', 'queue', name)),
];

// Files that take a minute or more start first, so that none of them is left running alone at the end.
const LONGEST = ['motion-goals.test.ts', 'remote-cli.e2e.test.ts', 'labeling-cli.e2e.test.ts', 'web-app.test.ts', 'export-memory.test.ts', 'cli.e2e.test.ts', 'labeling-cli-server.e2e.test.ts', 'segment.e2e.test.ts', 'archive.e2e.test.ts', 'import-faults.e2e.test.ts', 'import.e2e.test.ts', 'serve.e2e.test.ts', 'assets.api.test.ts', 'asset-media.test.ts', 'startup-errors.e2e.test.ts', 'db.job-queue.test.ts'];

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
if (files.length === 0) {
  console.error(`no test file under src/ or test/ has a path containing ${filter.map((f) => `"${f}"`).join(' or ')}`);
  process.exit(2);
}
const onCi = Boolean(process.env.CI) && !['false', '0'].includes(process.env.CI.toLowerCase());
const allowedSkips = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'test', 'allowed-skips.json'), 'utf8'));
const runs = [
  ...files.map((file) => ({ file, database: 'sqlite' })),
  ...(postgresUrl ? files.filter((file) => filter.length > 0 || !DATABASE_FREE.some((prefix) => file.startsWith(prefix))).map((file) => ({ file, database: 'postgres' })) : []),
].sort((a, b) => rank(a.file) - rank(b.file));

const lanes = Math.max(2, Math.min(availableParallelism(), 4));
const passes = postgresUrl ? 'SQLite and PostgreSQL passes' : 'SQLite pass (set CAMTROVE_TEST_DATABASE_URL for the PostgreSQL pass too)';
console.log(`${runs.length} test files, ${lanes} at a time: ${passes}`);

const started = performance.now();
const failed = [];
const skips = [];
const durations = [];
const totals = { tests: 0, pass: 0, fail: 0 };
let next = 0;
await Promise.all(Array.from({ length: lanes }, async () => {
  while (next < runs.length) {
    const run = runs[next++];
    const name = `${run.file} (${run.database})`;
    const result = await runFile(run);
    for (const key of Object.keys(totals)) totals[key] += tapCount(result.output, key);
    const skipped = skippedTests(result.output).map((skip) => ({ ...skip, file: run.file, name }));
    skips.push(...skipped);
    durations.push({ name, ms: result.ms });
    const verdict = fileVerdict(run.file, result, skipped.length);
    const line = `${verdict.padEnd(7)} ${(result.ms / 1000).toFixed(1).padStart(6)} s  ${name}${skipped.length > 0 && verdict === 'ok' ? `  (${skipped.length} skipped)` : ''}${lingered(result)}`;
    if (verdict === 'FAILED' || verdict === 'EMPTY') {
      failed.push(name);
      console.log(`${line}\n${result.output}`);
    } else console.log(line);
  }
}));

const minutes = ((performance.now() - started) / 60_000).toFixed(1);
console.log(`\n# tests ${totals.tests}\n# pass ${totals.pass}\n# fail ${totals.fail}\n# skipped ${skips.length}\n# files ${runs.length}, ${minutes} min`);
console.log(`\nslowest files:\n${durations.sort((a, b) => b.ms - a.ms).slice(0, 10).map((d) => `${(d.ms / 1000).toFixed(1).padStart(7)} s  ${d.name}`).join('\n')}`);
if (skips.length > 0) console.log(`\nskipped:\n${skips.map((s) => `  ${s.name}: ${s.test}: ${s.reason || '(no reason given)'}${onCi && !isAllowed(s) ? '  [not allowed on CI]' : ''}`).join('\n')}`);
const refused = onCi ? skips.filter((s) => !isAllowed(s)) : [];
if (refused.length > 0) {
  console.log(`\n${refused.length} test${refused.length === 1 ? '' : 's'} skipped on CI without a place in test/allowed-skips.json: a prerequisite is missing, so they did not run (provide it, or allow the skip there with the reason)`);
}
if (failed.length > 0) console.log(`\nfailing files:\n${failed.map((f) => `  ${f}`).join('\n')}`);
process.exit(failed.length > 0 || refused.length > 0 ? 1 : 0);

/** "FAILED"; "EMPTY" when the file ran no test at all; "skipped" when every test in it skipped; else "ok". */
function fileVerdict(file, { code, output }, skipped) {
  if (code !== 0) return 'FAILED';
  // A file that registers no test is reported as one passing test named by its path.
  if (output.includes(`# Subtest: ${resolve(file)}\n`)) return 'EMPTY';
  if (tapCount(output, 'pass') === 0 && tapCount(output, 'fail') === 0) return skipped > 0 ? 'skipped' : 'EMPTY';
  return 'ok';
}

/** One of the counts a TAP report ends with (`# pass 12`). */
function tapCount(output, key) {
  return Number(output.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
}

/**
 * The skipped tests and suites of a TAP report, with their reasons: lines like
 * `ok 3 - name # SKIP reason` at any depth (the reporter escapes a `#` in names and reasons as `\#`).
 * A skipped suite is one line, and counts as one, whatever it holds.
 */
function skippedTests(output) {
  const unescape = (text) => text.replaceAll('\\#', '#').trim();
  return [...output.matchAll(/^\s*ok \d+ - (.*?) # SKIP(?: (.*))?$/gm)].map((m) => ({ test: unescape(m[1]), reason: unescape(m[2] ?? '') }));
}

/** A skip is allowed on CI when an entry of test/allowed-skips.json names its reason and its file. */
function isAllowed(skip) {
  return allowedSkips.some((entry) => entry.reason === skip.reason && entry.files.some((file) => skip.file.split(sep).join('/') === file));
}

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
  delete env.CAMTROVE_TEST_POSTGRES_PASS;
  if (database === 'postgres') env.CAMTROVE_TEST_DATABASE_URL = postgresUrl;
  else {
    delete env.CAMTROVE_TEST_DATABASE_URL;
    // Tests of PostgreSQL alone skip in the SQLite pass, knowing they run in the other one.
    if (postgresUrl) env.CAMTROVE_TEST_POSTGRES_PASS = '1';
  }
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
