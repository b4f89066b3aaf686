// Runs every *.test.ts under src/ and test/ with Node's built-in test runner.
// Node 20 has no glob support in `--test`, so the files are listed here.
//
// With CAMTROVE_TEST_DATABASE_URL set (the PostgreSQL pass), only the tests that open a library or
// a database run: pure unit tests (src/), media, blob-store, camera-client and evaluation tests never touch one,
// and the SQLite pass has already run them.
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { spawnSync } from 'node:child_process';

const DATABASE_FREE = [
  `src${sep}`,
  ...['media', 'blob', 'eval', 'cameras', 'import'].map((dir) => join('test', dir) + sep),
  // camtrove segment without --save (segment-save.e2e.test.ts covers that on each database).
  join('test', 'e2e', 'segment.e2e.test.ts'),
];

// Files that take a minute or more start first: two run at a time, and one of them started last
// would run alone at the end while the other lane sits idle.
const LONGEST = ['motion-goals.test.ts', 'segment.e2e.test.ts', 'cli.e2e.test.ts', 'archive.e2e.test.ts', 'serve.e2e.test.ts'];

function longestFirst(a, b) {
  const rank = (file) => {
    const at = LONGEST.findIndex((name) => file.endsWith(`${sep}${name}`));
    return at === -1 ? LONGEST.length : at;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const filter = process.argv.slice(2);
const databaseOnly = Boolean(process.env.CAMTROVE_TEST_DATABASE_URL);
const files = ['src', 'test']
  .flatMap(findTests)
  .filter((file) => filter.length === 0 || filter.some((f) => file.includes(f)))
  .filter((file) => !databaseOnly || filter.length > 0 || !DATABASE_FREE.some((prefix) => file.startsWith(prefix)))
  .sort(longestFirst);
if (databaseOnly && filter.length === 0) console.log(`PostgreSQL pass: the ${files.length} test files that use a database`);
// The timeout bounds each file as well as each test: files of slow end-to-end tests (and the motion
// evaluation, which renders its clips on a first run) need minutes; their tests set tighter limits.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
