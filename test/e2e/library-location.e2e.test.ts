import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { camtroveBin, Processes, withoutDefaultLibrary } from '../helpers/cli.js';
import { makeVideo } from '../helpers/media.js';
import { hasProgram } from '../helpers/proc.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

interface StatusJson {
  library: { data_dir: string; source: string; exists: boolean };
  database: { dialect: string; location: string };
  queue: { kind: 'database' | 'redis'; location: string | null };
  schema: { applied: number; pending: number } | null;
  counts: { files: number; cameras: number; events: number; jobs_queued: number | null; jobs_running: number | null } | null;
}


describe(`which library a command uses (${dialectName})`, () => {
  let env: TestEnv;
  let clip: string;
  /** This user's data folder in these tests: XDG_DATA_HOME points into the test's folder. */
  let dataHome: string;
  const processes = new Processes();
  /** The environment of a user who names no library: only their XDG_DATA_HOME. */
  const userEnv = (): NodeJS.ProcessEnv => {
    const { CAMTROVE_DATA: _data, ...rest } = env.env();
    return { ...rest, XDG_DATA_HOME: dataHome };
  };
  const status = async (cwd: string, extra: NodeJS.ProcessEnv = {}, args: string[] = []) => {
    const result = await processes.run(['status', '--json', ...args], { ...userEnv(), ...extra }, { cwd });
    assert.equal(result.code, 0, result.stderr);
    return { json: JSON.parse(result.stdout) as StatusJson, stderr: result.stderr };
  };

  before(async () => {
    env = await createTestEnv();
    dataHome = join(env.dir, 'xdg-data');
    clip = await makeVideo(join(env.dir, 'clip.mp4'), { seconds: 1, width: 160, height: 90 });
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  it('status says there is no library yet, and creates none', async () => {
    const result = await processes.run(['status'], { ...userEnv(), CAMTROVE_DATABASE_URL: '' }, { cwd: env.dir });
    assert.equal(result.code, 0, result.stderr);
    const library = join(dataHome, 'camtrove');
    assert.match(result.stdout, new RegExp(`library +${library} \\(the default: this user's data folder\\)`));
    assert.match(result.stdout, new RegExp(`no library at ${library} yet`));
    assert.equal(existsSync(library), false, 'status created nothing');
  });

  it('is the per-user data folder wherever the command runs, and status counts what it holds', async () => {
    const one = join(env.dir, 'one');
    const other = join(env.dir, 'other');
    await Promise.all([mkdir(one), mkdir(other)]);
    const added = await processes.run(['files', 'add', clip], userEnv(), { cwd: one });
    assert.equal(added.code, 0, added.stderr);
    const listed = await processes.run(['files', 'ls', '--json'], userEnv(), { cwd: other });
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal((JSON.parse(listed.stdout) as { files: unknown[] }).files.length, 1, 'the file added from another folder is there');
    assert.equal(existsSync(join(one, 'camtrove-data')) || existsSync(join(other, 'camtrove-data')), false, 'nothing in the current folders');

    const { json } = await status(other);
    assert.equal(json.library.data_dir, join(dataHome, 'camtrove'));
    assert.equal(json.library.source, 'default');
    assert.equal(json.library.exists, true);
    assert.equal(json.database.dialect, dialectName);
    if (dialectName === 'sqlite') assert.equal(json.database.location, join(dataHome, 'camtrove', 'camtrove.db'));
    else assert.ok(!json.database.location.includes(new URL(env.databaseUrl).password || '\0'), 'no password in the database URL');
    assert.equal(json.schema?.pending, 0);
    assert.deepEqual(json.counts, { files: 1, cameras: 0, events: 0, jobs_queued: 0, jobs_running: 0 });
    assert.equal((await status(other, {}, ['--data', join(env.dir, 'flagged')])).json.library.source, 'flag');

    // With the queue in Redis, status names it without its password and counts no jobs (it does not connect there).
    const redis = await status(other, { CAMTROVE_QUEUE: 'redis://camtrove:hunter2-secret@127.0.0.1:6399/3' });
    assert.equal(redis.json.queue.kind, 'redis');
    assert.ok(!JSON.stringify(redis.json).includes('hunter2-secret'), JSON.stringify(redis.json.queue));
    assert.match(String(redis.json.queue.location), /^redis:\/\/camtrove:\*+@127\.0\.0\.1:6399\/3$/);
    assert.deepEqual([redis.json.counts?.files, redis.json.counts?.jobs_queued, redis.json.counts?.jobs_running], [1, null, null]);
    assert.deepEqual((await status(other)).json.queue, { kind: 'database', location: null });
  });

  it('uses a ./camtrove-data of the current folder, with a one-line notice', async () => {
    const project = join(env.dir, 'old-project');
    await mkdir(join(project, 'camtrove-data'), { recursive: true });
    const added = await processes.run(['files', 'add', clip, '--json'], { ...userEnv(), CAMTROVE_DATABASE_URL: '' }, { cwd: project });
    assert.equal(added.code, 0, added.stderr);
    const notice = added.stderr.split('\n').filter((l) => l.trim() !== '');
    assert.equal(notice.length, 1, added.stderr);
    assert.match(notice[0]!, /^notice: using the library in \.\/camtrove-data of the current folder; .* move it there, or pass --data \.\/camtrove-data/);
    assert.ok(existsSync(join(project, 'camtrove-data', 'camtrove.db')), 'the library in ./camtrove-data was used');
    const { json } = await status(project, { CAMTROVE_DATABASE_URL: '' });
    assert.equal(json.library.source, 'current folder');
    assert.equal(json.counts?.files, 1);
    const named = await processes.run(['files', 'ls'], { ...userEnv(), CAMTROVE_DATABASE_URL: '', CAMTROVE_DATA: join(project, 'camtrove-data') }, { cwd: project });
    assert.equal(named.stderr, '', 'no notice once the folder is named');
  });

  it('serve says at start where it listens, where its docs are and which library it serves (JSON logs)', async () => {
    const data = join(env.dir, 'served');
    const server = await processes.serve({ ...env.env(), CAMTROVE_DATA: data }, ['--no-workers']);
    const line = server.process.logs().find((l) => typeof l.msg === 'string' && l.msg.startsWith('camtrove listening on '))!;
    assert.equal(line.msg, `camtrove listening on ${server.url}, API docs at ${server.url}/docs, library ${data}${dialectName === 'postgres' ? ` with database ${String(line.database)}` : ''}`);
    assert.equal(line.docs, `${server.url}/docs`);
    assert.equal(line.dataDir, data);
    assert.equal((await fetch(String(line.docs))).status, 200);
  });

  it('serve on a terminal prints readable lines, not JSON', { skip: hasProgram('script') ? false : 'needs script (util-linux) for a terminal' }, async () => {
    const data = join(env.dir, 'served-tty');
    // The shell execs node, so the pid it writes is the server's own: the test interrupts the
    // server itself once it has said where it listens (or after 60 s, however slow the machine).
    const pidFile = join(env.dir, 'served-tty.pid');
    const command = `echo $$ > ${JSON.stringify(pidFile)}; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(camtroveBin)} serve --port 0 --no-workers`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: withoutDefaultLibrary({ ...env.env(), CAMTROVE_DATA: data, CAMTROVE_LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let interrupted = false;
    const interrupt = (): void => {
      if (interrupted) return;
      interrupted = true;
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGINT');
    };
    const fallback = setTimeout(interrupt, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      if (Buffer.concat(out).toString('utf8').includes('camtrove listening on')) interrupt();
    });
    const code = await new Promise((resolve) => child.once('close', resolve));
    clearTimeout(fallback);
    const text = stripVTControlCharacters(Buffer.concat(out).toString('utf8'));
    assert.equal(code, 0, `the server stops cleanly on SIGINT; it printed:\n${text}`);
    const started = text.split(/\r?\n/).find((l) => l.includes('camtrove listening on'));
    assert.ok(started, text);
    assert.match(started, /^\[\d\d:\d\d:\d\d\] INFO: camtrove listening on http:\/\/127\.0\.0\.1:\d+, API docs at http:\/\/127\.0\.0\.1:\d+\/docs, library /);
    assert.doesNotMatch(text, /\{"level":/, 'no JSON log lines on a terminal');
  });
});
