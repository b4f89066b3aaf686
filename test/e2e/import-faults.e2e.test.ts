import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { appendFile, chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { ImportRepository } from '../../src/adapters/db/import.repository.js';
import { LockRepository } from '../../src/adapters/db/lock.repository.js';
import { openLibrary } from '../../src/main.js';
import { filesBelow } from '../helpers/api.js';
import type { ImportJson } from '../helpers/import.js';
import { Processes, waitUntil } from '../helpers/cli.js';
import { makeVideo, uniqueMp4 } from '../helpers/media.js';
import { hasProgram } from '../helpers/proc.js';
import { mountTmpfs } from '../helpers/tmpfs.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';


const isRoot = process.getuid?.() === 0;

describe(`camtrove import: bad input and faults (${dialectName})`, () => {
  const processes = new Processes();
  let env: TestEnv;
  let base: Buffer;
  before(async () => {
    env = await createTestEnv();
    base = await readFile(await makeVideo(join(env.dir, 'base.mp4'), { seconds: 1, width: 160, height: 120, fps: 5 }));
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  async function library() {
    return openLibrary(env.config(), { logger: pino({ level: 'silent' }) });
  }

  /** Blob ids on disk (the temp folder aside) and file ids in the database: equal when nothing is orphaned or lost. */
  async function blobsAndRows(): Promise<{ blobs: string[]; rows: string[] }> {
    const blobs = (await filesBelow(join(env.dir, 'data', 'blobs'))).filter((f) => !f.startsWith('tmp')).map((f) => f.split('/').pop()!).sort();
    const lib = await library();
    try {
      const rows = (await lib.database.db.selectFrom('files').select('id').execute()).map((r) => r.id).sort();
      return { blobs, rows };
    } finally {
      await lib.close();
    }
  }

  it('refuses, before any work, a folder that does not exist, an invalid regex and a regex without a camera', async () => {
    const folder = join(env.dir, 'empty');
    await mkdir(folder, { recursive: true });
    const cases: [string[], RegExp][] = [
      [[join(env.dir, 'nowhere')], /nowhere is not a folder \(it does not exist, or it is a file\) \(CAMTROVE_ERR_INVALID_IMPORT\)/],
      [[folder, '--regex', '(?P<camera>[a-z+'], /the regex "\(\?P<camera>\[a-z\+" is not a valid regular expression/],
      [[folder, '--regex', '(?P<cam>\\w+)-(?P<epoch>\\d+)'], /has no camera group .* and no --camera names the camera/],
      [[folder, '--tz', 'Mars/Olympus'], /--tz "Mars\/Olympus" is not an IANA time zone/],
      [[folder, '--shard-size', '0'], /--shard-size must be a whole number of at least 1, not "0"/],
    ];
    for (const [args, message] of cases) {
      const run = await processes.run(['import', ...args], env.env());
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const jobs = await processes.run(['jobs', 'ls', '--json'], env.env());
    assert.deepEqual((JSON.parse(jobs.stdout) as { jobs: unknown[] }).jobs, [], 'no job was started');
  });

  it('reports every bad file with its reason, imports the rest, and exits non-zero', async () => {
    const folder = join(env.dir, 'bad');
    await mkdir(join(folder, 'loop'), { recursive: true });
    await writeFile(join(folder, 'CAM1-ok-1700000000.mp4'), uniqueMp4(base, 'ok'));
    await writeFile(join(folder, 'CAM1-empty-1700000001.mp4'), '');
    await writeFile(join(folder, 'CAM1-text-1700000002.mp4'), 'this is not a video\n');
    await writeFile(join(folder, 'CAM1-future-99999999999999999.mp4'), uniqueMp4(base, 'future'));
    await symlink('..', join(folder, 'loop', 'again'));
    await symlink(join(folder, 'gone.mp4'), join(folder, 'CAM1-dangling-1700000003.mp4'));
    // A name that is not UTF-8 (Latin-1 "é"), as copied off an old camera's card.
    const latin1 = Buffer.concat([Buffer.from(`${folder}/CAM2-caf`), Buffer.from([0xe9]), Buffer.from('-1700000004.mp4')]);
    await writeFile(latin1, uniqueMp4(base, 'latin1'));

    const run = await processes.run(['import', folder, '--json', '--no-segment'], env.env(), { timeoutMs: 60_000 });
    assert.equal(run.code, 1, 'a failed file makes the exit code non-zero');
    const report = JSON.parse(run.stdout) as ImportJson;
    assert.equal(report.imported, 2, 'the good file and the one with a non-UTF-8 name');
    const reasons = Object.fromEntries(report.errors.map((e) => [e.path.split('/').pop()!, e.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), ['CAM1-empty-1700000001.mp4', 'CAM1-future-99999999999999999.mp4', 'CAM1-text-1700000002.mp4']);
    assert.equal(reasons['CAM1-empty-1700000001.mp4'], 'the file is empty (0 bytes)');
    assert.match(reasons['CAM1-text-1700000002.mp4']!, /^not a readable video or image: /);
    assert.match(reasons['CAM1-future-99999999999999999.mp4']!, /outside 1970–2100/);
    assert.equal(report.skipped, 2, 'the link loop and the dangling link');
    const { blobs, rows } = await blobsAndRows();
    assert.deepEqual(blobs, rows, 'the text file\'s bytes were not kept');
    assert.equal(rows.length, 2);

    const lib = await library();
    try {
      const items = await new ImportRepository(lib.database.db).items(report.job_id);
      const latinItem = items.find((i) => i.path.includes('CAM2-caf'))!;
      assert.equal(latinItem.state, 'stored');
      assert.equal(latinItem.fileId, createHash('sha256').update(uniqueMp4(base, 'latin1')).digest('hex'));
    } finally {
      await lib.close();
    }

    // The human summary names the failures and the skipped files with their reasons.
    const human = await processes.run(['import', folder, '--no-segment'], env.env(), { timeoutMs: 60_000 });
    assert.equal(human.code, 1);
    assert.match(human.stdout, /0 imported, 2 already imported, 0 duplicates, 2 skipped, 3 failed/);
    assert.match(human.stdout, /CAM1-dangling-1700000003\.mp4: a broken symbolic link/);
    assert.match(human.stdout, /loop\/again: a link to a folder already walked/);
  });

  it('reports a file it may not read', { skip: isRoot && !hasProgram('setpriv') ? 'running as root without setpriv to drop privileges' : false }, async () => {
    const folder = join(env.dir, 'private');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'CAM3-locked-1700000100.mp4'), uniqueMp4(base, 'locked'));
    await writeFile(join(folder, 'CAM3-open-1700000101.mp4'), uniqueMp4(base, 'open'));
    await chmod(join(folder, 'CAM3-locked-1700000100.mp4'), 0o000);
    const args = ['import', folder, '--json', '--no-segment', '--data', join(env.dir, 'locked-out-data')];
    const run = isRoot ? await runWithoutPermissionOverride(args, { ...env.env(), CAMTROVE_DATABASE_URL: '' }) : await processes.run(args, { ...env.env(), CAMTROVE_DATABASE_URL: '' });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as ImportJson;
    assert.equal(report.imported, 1);
    assert.deepEqual(report.errors, [{ path: join(folder, 'CAM3-locked-1700000100.mp4'), reason: 'permission denied: the file cannot be read' }]);
  });

  it('does not keep a file that grows while it is imported, and imports it once it is complete', async () => {
    const folder = join(env.dir, 'growing');
    await mkdir(folder, { recursive: true });
    const growing = join(folder, 'CAM4-rec-1700000200.mp4');
    await writeFile(growing, uniqueMp4(base, 'start'));
    // A recorder still writing: 64 KiB every 2 ms for as long as the import runs.
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await appendFile(growing, Buffer.alloc(64 << 10, 1));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const run = await processes.run(['import', folder, '--json', '--no-segment'], env.env(), { timeoutMs: 60_000 });
    writing = false;
    await writer;
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as ImportJson;
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0]!.reason, /the file changed while it was imported .*run the import again once it is complete/);
    const before = await blobsAndRows();
    assert.deepEqual(before.blobs, before.rows, 'no blob of the half-written file');

    const again = await processes.run(['import', folder, '--json', '--no-segment'], env.env(), { timeoutMs: 60_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as ImportJson).imported, 1, 'the failed file is tried again');
  });

  it('lets one import into a library run at a time, and takes over the lock of one that was killed', async () => {
    const folder = join(env.dir, 'locked');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'CAM5-x-1700000300.mp4'), uniqueMp4(base, 'lock'));
    const lib = await library();
    const locks = new LockRepository(lib.database.db);
    const jobCount = async () => (JSON.parse((await processes.run(['jobs', 'ls', '--json'], env.env())).stdout) as { jobs: unknown[] }).jobs.length;
    const jobsBefore = await jobCount();
    try {
      // This test process holds the lock, as a running import would.
      const now = Date.now();
      const mine = { holder: 'a'.repeat(32), host: hostname(), pid: process.pid, purpose: 'import of /somewhere/else', acquiredAt: now, expiresAt: now + 60_000 };
      assert.equal((await locks.acquire('import', mine, () => false)).acquired, true);
      const refused = await processes.run(['import', folder, '--no-segment'], env.env());
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`another import into this library is running \\(import of /somewhere/else, pid ${process.pid} on .*\\(CAMTROVE_ERR_LOCKED\\)`));
      assert.equal(await jobCount(), jobsBefore, 'no job was started');

      // A holder killed with -9 leaves its lock behind; its pid is gone, so the next import takes it.
      await locks.release('import', mine.holder);
      const dead = execFileSync(process.execPath, ['-e', 'console.log(process.pid)']).toString().trim();
      assert.equal((await locks.acquire('import', { ...mine, pid: Number(dead) }, () => false)).acquired, true);
      const taken = await processes.run(['import', folder, '--no-segment', '--json'], env.env());
      assert.equal(taken.code, 0, taken.stderr);
      assert.equal((JSON.parse(taken.stdout) as ImportJson).imported, 1);
      assert.equal(await locks.holder('import'), null, 'released at the end');
    } finally {
      await locks.release('import', 'a'.repeat(32));
      await lib.close();
    }
  });

  it('after kill -9 at any moment, running the import again imports every file exactly once and orphans nothing', async () => {
    const folder = join(env.dir, 'killed');
    await mkdir(folder, { recursive: true });
    const count = 150;
    for (let k = 0; k < count; k += 1) await writeFile(join(folder, `CAM6-x-${1_700_000_000 + k}.mp4`), uniqueMp4(base, `kill-${k}`.repeat(200)));
    const storedNow = async () => {
      const lib = await library();
      try {
        return Number((await lib.database.db.selectFrom('import_items').select((eb) => eb.fn.countAll().as('n')).where('state', '=', 'stored').executeTakeFirst())?.n ?? 0);
      } finally {
        await lib.close();
      }
    };
    const before = await storedNow();
    const first = processes.start(['import', folder, '--no-segment', '--concurrency', '2'], env.env());
    await waitUntil('some files stored', async () => (await storedNow()) - before >= 20 || !first.running, 60_000, 20);
    first.kill('SIGKILL');
    await first.exited;
    const partial = (await storedNow()) - before;
    assert.ok(partial < count, `killed part-way (${partial} of ${count} stored)`);

    const again = await processes.run(['import', folder, '--no-segment', '--json'], env.env(), { timeoutMs: 120_000 });
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as ImportJson;
    assert.equal(report.imported + report.already_imported, count);
    assert.ok(report.already_imported >= partial, 'what the killed run stored is not imported again');
    const { blobs, rows } = await blobsAndRows();
    assert.deepEqual(blobs, rows, 'every blob has its row and every row its blob');
    const lib = await library();
    try {
      const items = await new ImportRepository(lib.database.db).items(report.job_id);
      assert.equal(items.length, count, 'each file once in the job');
      assert.ok(items.every((i) => i.state === 'stored'));
      const media = await lib.database.db.selectFrom('media').select('id').where('camera_id', '=', 'CAM6').execute();
      assert.equal(media.length, count);
    } finally {
      await lib.close();
    }
  });

  it('stops with a clear error when the library\'s disk is full, keeps nothing half-written, and continues once there is room', async (t) => {
    const data = join(env.dir, 'small-disk');
    const blobsDir = join(data, 'blobs');
    // CI runs as root: there a refused mount fails the test instead of skipping it.
    const unmount = await mountTmpfs(t, blobsDir, '1m');
    if (!unmount) return;
    try {
      const folder = join(env.dir, 'big');
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, 'CAM7-a-1700000400.mp4'), uniqueMp4(base, 'small'));
      await writeFile(join(folder, 'CAM7-b-1700000401.mp4'), uniqueMp4(base, 'x'.repeat(3 << 20)));
      const envSmall = { ...env.env(), CAMTROVE_DATA: data, CAMTROVE_DATABASE_URL: '' };
      const run = await processes.run(['import', folder, '--no-segment', '--concurrency', '1'], envSmall, { timeoutMs: 60_000 });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /the disk holding the library is full \(ENOSPC\) while storing .*CAM7-b-1700000401\.mp4; nothing of that file was kept.*\(CAMTROVE_ERR_NO_SPACE\)/);
      assert.deepEqual(await filesBelow(join(blobsDir, 'tmp')), [], 'no partial copy left');
      const kept = (await filesBelow(blobsDir)).filter((f) => !f.startsWith('tmp'));
      assert.deepEqual(kept.map((f) => f.split('/').pop()), [createHash('sha256').update(uniqueMp4(base, 'small')).digest('hex')], 'the file stored before is intact');

      execFileSync('mount', ['-o', 'remount,size=8m', blobsDir]);
      const again = await processes.run(['import', folder, '--no-segment', '--json'], envSmall, { timeoutMs: 60_000 });
      assert.equal(again.code, 0, again.stderr);
      const report = JSON.parse(again.stdout) as ImportJson;
      assert.deepEqual([report.imported, report.already_imported], [1, 1]);
    } finally {
      execFileSync('umount', ['-l', blobsDir]);
      await rm(data, { recursive: true, force: true });
    }
  });
});


/**
 * Runs the CLI as root without the capabilities that let root ignore file permissions
 * (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a mode-000 file is as unreadable as it is to anyone
 * else. It stays uid 0, owner of the checkout and the temp folders: unlike switching to "nobody", it
 * reaches them wherever they lie, a private (0700) folder included.
 */
async function runWithoutPermissionOverride(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const { camtroveBin } = await import('../helpers/cli.js');
  const { NODE_TEST_CONTEXT: _ignored, ...clean } = env;
  const dropped = '-dac_override,-dac_read_search';
  const child = spawn('setpriv', [`--inh-caps=${dropped}`, `--bounding-set=${dropped}`, process.execPath, camtroveBin, ...args], { env: clean });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
