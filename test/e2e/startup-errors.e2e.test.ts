import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { freePort, Processes, type CliResult } from '../helpers/cli.js';
import { makeVideo } from '../helpers/media.js';
import { whileReadOnly } from '../helpers/read-only.js';
import { createTestEnv, dialectName, testDatabaseUrl, type TestEnv } from '../helpers/test-library.js';

/** The password every database URL below carries: it must never be printed. */
const SECRET = 'hunter2-do-not-print';

/**
 * What a user sees when camtrove cannot start its work: one line naming the path or setting and
 * what to do, a catalogue code, a non-zero exit; never a stack trace, never a password.
 */
function assertOneLineError(result: CliResult, code: string, ...mentions: (string | RegExp)[]): void {
  assert.notEqual(result.code, 0, `exit code; stdout:\n${result.stdout}`);
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
  const [line = ''] = lines;
  assert.match(line, new RegExp(`^error: .+ \\(${code}\\)$`));
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(!result.stderr.includes(SECRET) && !result.stdout.includes(SECRET), 'the password is not printed');
  for (const mention of mentions) {
    if (typeof mention === 'string') assert.ok(line.includes(mention), `the line names ${mention}: ${line}`);
    else assert.match(line, mention);
  }
}

describe(`errors a user sees instead of a stack trace (${dialectName})`, () => {
  let env: TestEnv;
  let clip: string;
  /** A plain file, where the cases below expect a folder. */
  let aFile: string;
  const processes = new Processes();
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}, timeoutMs = 30_000) => processes.run(args, { ...env.env(), ...extra }, { timeoutMs });
  /** The same on SQLite, whatever database the test pass uses: these cases are about the data folder. */
  const onSqlite = (args: string[], timeoutMs?: number) => run(args, { CAMTROVE_DATABASE_URL: '' }, timeoutMs);

  before(async () => {
    env = await createTestEnv();
    clip = await makeVideo(join(env.dir, 'clip.mp4'), { seconds: 1, width: 160, height: 90 });
    aFile = join(env.dir, 'a-file');
    await writeFile(aFile, 'not a folder');
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  describe('the data folder', () => {
    it('is refused when a file stands where a folder should be', async () => {
      assertOneLineError(await onSqlite(['files', 'ls', '--data', join(aFile, 'library')]), 'CAMTROVE_ERR_DATA_FOLDER', `${aFile} is a file, not a folder`, '--data');
      assertOneLineError(await onSqlite(['files', 'ls', '--data', aFile]), 'CAMTROVE_ERR_DATA_FOLDER', aFile);
    });

    it('is refused when it cannot be written', async (t) => {
      const folder = join(env.dir, 'read-only-data');
      await mkdir(folder);
      await whileReadOnly(t, folder, async () => {
        assertOneLineError(await onSqlite(['files', 'ls', '--data', folder]), 'CAMTROVE_ERR_DATA_FOLDER', folder, /cannot be written \((read-only file system|permission denied)/);
      });
    });

    it('is refused at once inside /proc, instead of spinning forever', async () => {
      const started = Date.now();
      assertOneLineError(await onSqlite(['files', 'ls', '--data', '/proc/camtrove-library'], 10_000), 'CAMTROVE_ERR_DATA_FOLDER', '/proc/camtrove-library', 'proc virtual file system');
      assert.ok(Date.now() - started < 10_000);
    });

    it('a read-only SQLite database is refused before any work', async (t) => {
      const data = join(env.dir, 'read-only-db');
      assert.equal((await onSqlite(['files', 'add', clip, '--data', data])).code, 0);
      const database = join(data, 'camtrove.db');
      await whileReadOnly(t, database, async () => {
        assertOneLineError(await onSqlite(['files', 'add', aFile, '--data', data]), 'CAMTROVE_ERR_DATABASE_READ_ONLY', database, 'write access');
      });
    });
  });

  describe('where a command writes', () => {
    let fileId: string;
    before(async () => {
      const added = await run(['files', 'add', clip, '--json']);
      assert.equal(added.code, 0, added.stderr);
      fileId = (JSON.parse(added.stdout) as { files: { file_id: string }[] }).files[0]!.file_id;
    });

    it('files get -o, frames get -o and events export -o into a folder that does not exist', async () => {
      const missing = join(env.dir, 'no-such-folder');
      assertOneLineError(await run(['files', 'get', fileId, '-o', join(missing, 'clip.mp4')]), 'CAMTROVE_ERR_OUTPUT_PATH', `the folder ${missing} does not exist`, 'create it');
      assertOneLineError(await run(['events', 'export', '-o', join(missing, 'events.json')]), 'CAMTROVE_ERR_OUTPUT_PATH', `the folder ${missing} does not exist`);
      assertOneLineError(await run(['frames', 'get', '0123456789ab', '-o', join(missing, 'frame.jpg')]), 'CAMTROVE_ERR_OUTPUT_PATH', `the folder ${missing} does not exist`);
      assertOneLineError(await run(['files', 'get', fileId, '-o', join(aFile, 'clip.mp4')]), 'CAMTROVE_ERR_OUTPUT_PATH', `${aFile} is a file, not a folder`);
    });

    it('segment --out and archive --out where no folder can be made', async () => {
      assertOneLineError(await run(['segment', clip, '--out', join(aFile, 'events')]), 'CAMTROVE_ERR_OUTPUT_PATH', '--out', `${aFile} is a file, not a folder`);
      assertOneLineError(await run(['archive', '--camera', 'front-door', '--out', join(aFile, 'frames')]), 'CAMTROVE_ERR_OUTPUT_PATH', '--out', aFile);
    });

    it('segment --out into a folder it cannot write', async (t) => {
      const folder = join(env.dir, 'read-only-out');
      await mkdir(folder);
      await whileReadOnly(t, folder, async () => {
        assertOneLineError(await run(['segment', clip, '--out', folder]), 'CAMTROVE_ERR_OUTPUT_PATH', folder, /cannot be written/);
      });
    });
  });

  describe('CAMTROVE_DATABASE_URL', () => {
    const withDatabase = (url: URL, args = ['files', 'ls']) => run([...args, '--data', join(env.dir, 'pg-data')], { CAMTROVE_DATABASE_URL: url.toString() }, 30_000);
    const noServer = testDatabaseUrl ? false : process.env.CAMTROVE_TEST_POSTGRES_PASS ? 'PostgreSQL only: runs in the PostgreSQL pass' : 'needs a PostgreSQL server: set CAMTROVE_TEST_DATABASE_URL';
    /** The test server's URL with a password in it (its own, or one that trust authentication ignores). */
    const serverUrl = () => {
      const url = new URL(testDatabaseUrl);
      if (!url.password) url.password = SECRET;
      return url;
    };

    it('that nothing answers', async () => {
      const url = new URL(`postgres://camtrove:${SECRET}@127.0.0.1:${await freePort()}/camtrove`);
      assertOneLineError(await withDatabase(url), 'CAMTROVE_ERR_DATABASE_UNREACHABLE', `postgres://camtrove:***@127.0.0.1:${url.port}/camtrove`, 'ECONNREFUSED', 'start it');
      assertOneLineError(await withDatabase(url, ['status']), 'CAMTROVE_ERR_DATABASE_UNREACHABLE', 'ECONNREFUSED');
    });

    it('whose user the server refuses', { skip: noServer }, async () => {
      const url = serverUrl();
      url.username = `camtrove_no_role_${randomBytes(4).toString('hex')}`;
      url.password = SECRET;
      assertOneLineError(await withDatabase(url), 'CAMTROVE_ERR_DATABASE_AUTH', url.username, 'fix the user or password in CAMTROVE_DATABASE_URL');
    });

    it('that names a database the server does not have', { skip: noServer }, async () => {
      const url = serverUrl();
      url.pathname = `/camtrove_no_db_${randomBytes(4).toString('hex')}`;
      const secret = decodeURIComponent(url.password);
      const result = await withDatabase(url);
      assertOneLineError(result, 'CAMTROVE_ERR_DATABASE_NOT_FOUND', `database "${url.pathname.slice(1)}" does not exist`, 'createdb');
      assert.ok(!result.stderr.includes(secret), 'the server password is not printed either');
    });
  });

  it('a failed analyze --wait says why once', async () => {
    const text = join(env.dir, 'notes.txt');
    await writeFile(text, 'not a video');
    // As a user runs it: without CAMTROVE_LOG_LEVEL (one who asks for warnings gets the worker's too).
    const { CAMTROVE_LOG_LEVEL: _level, ...userEnv } = env.env();
    const result = await processes.run(['analyze', text, 'probe', '--wait'], userEnv, { timeoutMs: 60_000 });
    assertOneLineError(result, 'CAMTROVE_ERR_MEDIA_UNREADABLE', 'not a readable video or image');
    assert.equal(result.stdout, '', 'the failure is not printed on stdout too');
  });
});
