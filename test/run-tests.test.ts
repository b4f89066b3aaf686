import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const runner = join(root, 'scripts', 'run-tests.mjs');
// A reason test/allowed-skips.json allows, for test/e2e/startup-errors.e2e.test.ts.
const allowedReason = 'PostgreSQL only: runs in the PostgreSQL pass';

/** scripts/run-tests.mjs on a project of fixture test files: what it prints and how it exits. */
describe('the test runner says what ran', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-runner-'));
    await mkdir(join(dir, 'src'));
    await mkdir(join(dir, 'test'));
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
    const fixtures: Record<string, string> = {
      'passes.test.ts': `it('adds', () => {});`,
      'some-skip.test.ts': `it('adds', () => {});\nit('reads a clip', (t) => { t.skip('clip.avi # not here'); });`,
      'all-skip.test.ts': `describe('on PostgreSQL', { skip: '${allowedReason}' }, () => { it('x', () => {}); });`,
      'empty.test.ts': `export {};`,
      'e2e/startup-errors.e2e.test.ts': `it('runs', () => {});\nit('a refused user', { skip: '${allowedReason}' }, () => {});`,
    };
    await mkdir(join(dir, 'test', 'e2e'));
    for (const [name, body] of Object.entries(fixtures)) await writeFile(join(dir, 'test', name), `import { describe, it } from 'node:test';\n${body}\n`);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function runTests(filters: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
    const { CI: _ci, NODE_TEST_CONTEXT: _context, CAMTROVE_TEST_DATABASE_URL: _db, ...clean } = process.env;
    return run(process.execPath, [runner, ...filters], { cwd: dir, env: { ...clean, ...env } }).then(
      ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, out: error.stdout + error.stderr }),
    );
  }

  it('a filter that matches no test file is an error', async () => {
    const result = await runTests(['no-such-test']);
    assert.equal(result.code, 2);
    assert.match(result.out, /no test file under src\/ or test\/ has a path containing "no-such-test"/);
  });

  it('says "skipped" for a file whose tests all skipped, counts skips with their reasons, lists the slowest files', async () => {
    const result = await runTests(['passes', 'skip']);
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /^ok .* test\/passes\.test\.ts \(sqlite\)$/m);
    assert.match(result.out, /^ok .* test\/some-skip\.test\.ts \(sqlite\) {2}\(1 skipped\)$/m);
    assert.match(result.out, /^skipped .* test\/all-skip\.test\.ts \(sqlite\)$/m);
    assert.match(result.out, /^# skipped 2$/m);
    assert.match(result.out, /test\/some-skip\.test\.ts \(sqlite\): reads a clip: clip\.avi # not here$/m);
    assert.match(result.out, new RegExp(`test/all-skip\\.test\\.ts \\(sqlite\\): on PostgreSQL: ${allowedReason}$`, 'm'));
    assert.match(result.out, /slowest files:\n( +[\d.]+ s {2}test\/\S+ \(sqlite\)\n){3}/);
  });

  it('fails a file that runs no test', async () => {
    const result = await runTests(['empty']);
    assert.equal(result.code, 1);
    assert.match(result.out, /^EMPTY .* test\/empty\.test\.ts \(sqlite\)$/m);
  });

  it('with CI=true, fails a skip that test/allowed-skips.json does not allow, naming it', async () => {
    const refused = await runTests(['some-skip'], { CI: 'true' });
    assert.equal(refused.code, 1, refused.out);
    assert.match(refused.out, /reads a clip: clip\.avi # not here {2}\[not allowed on CI\]/);
    assert.match(refused.out, /1 test skipped on CI without a place in test\/allowed-skips\.json/);
    // The allow-list names files as well as reasons: an allowed reason in another file is refused too.
    const otherFile = await runTests(['all-skip'], { CI: 'true' });
    assert.equal(otherFile.code, 1, otherFile.out);
  });

  it('with CI=true, passes a skip that test/allowed-skips.json allows for that file', async () => {
    const result = await runTests(['startup-errors'], { CI: 'true' });
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, new RegExp(`test/e2e/startup-errors\\.e2e\\.test\\.ts \\(sqlite\\): a refused user: ${allowedReason}$`, 'm'));
  });
});
