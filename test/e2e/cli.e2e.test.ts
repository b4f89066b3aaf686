import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { openDatabase } from '../../src/adapters/db/database.js';
import { freePort, Processes, waitUntil, type CliResult } from '../helpers/cli.js';
import { makeVideo } from '../helpers/media.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

interface AnalysisJson {
  analysis_id: string;
  file_id: string | null;
  analysis: string;
  state: string;
  attempts: number;
  error: { code: string; message: string } | null;
  result: Record<string, unknown> | null;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

function assertExit(result: CliResult, code: number): void {
  assert.equal(result.code, code, `exit code ${result.code} (expected ${code})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
}

function json<T>(result: CliResult): T {
  assertExit(result, 0);
  return JSON.parse(result.stdout) as T;
}

/** Every command and sub-command of the CLI, as the words a user types. */
/** `--help` processes run at once. */
const HELP_AT_ONCE = 4;

function commandPaths(command: Command, prefix: string[] = []): { words: string[]; command: Command }[] {
  return command.commands.flatMap((sub) => [{ words: [...prefix, sub.name()], command: sub }, ...commandPaths(sub, [...prefix, sub.name()])]);
}

describe('camtrove CLI', () => {
  let env: TestEnv;
  const processes = new Processes();
  let clip: string;
  let clipBytes: Buffer;

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => processes.run(args, { ...env.env(), ...extraEnv });

  before(async () => {
    env = await createTestEnv();
    clip = await makeVideo(join(env.dir, 'clip.mp4'), { seconds: 1, width: 160, height: 120 });
    clipBytes = await readFile(clip);
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  it('describes every command with --help and exits 0', async () => {
    const program = buildProgram();
    const commands = [{ words: [] as string[], command: program }, ...commandPaths(program)];
    assert.ok(commands.length >= 13, `expected every command, found ${commands.map((c) => c.words.join(' ')).join(', ')}`);
    // A few at a time: fifty Node processes starting at once on two busy cores outlast any timeout.
    const results: CliResult[] = [];
    for (let i = 0; i < commands.length; i += HELP_AT_ONCE) results.push(...(await Promise.all(commands.slice(i, i + HELP_AT_ONCE).map(({ words }) => cli([...words, '--help'])))));
    commands.forEach(({ words, command }, i) => {
      const result = results[i]!;
      const name = ['camtrove', ...words].join(' ');
      assertExit(result, 0);
      assert.ok(command.description().length > 10, `${name} has a description`);
      assert.match(result.stdout, new RegExp(`^Usage: ${name} `), `${name} --help starts with its usage`);
      assert.ok(oneLine(result.stdout).includes(command.description()), `${name} --help shows "${command.description()}":\n${result.stdout}`);
      for (const sub of command.commands) assert.match(result.stdout, new RegExp(`\\b${sub.name()}\\b`), `${name} --help lists ${sub.name()}`);
    });
  });

  it('adds a file once, however often and under whatever name it is added', async () => {
    const id = sha256(clipBytes);
    const first = await cli(['files', 'add', clip]);
    assertExit(first, 0);
    assert.equal(first.stdout.trim(), `${id}  added  ${clip}`);

    const copy = join(env.dir, 'copy-of-clip.mp4');
    await copyFile(clip, copy);
    const again = json<{ files: { file_id: string; name: string; size: number; content_type: string; created: boolean; path: string }[] }>(await cli(['files', 'add', clip, copy, '--json']));
    assert.deepEqual(
      again.files.map((f) => [f.file_id, f.created, f.path, f.name, f.size, f.content_type]),
      [
        [id, false, clip, 'clip.mp4', clipBytes.length, 'video/mp4'],
        [id, false, copy, 'clip.mp4', clipBytes.length, 'video/mp4'],
      ],
    );
    const human = await cli(['files', 'add', copy]);
    assertExit(human, 0);
    assert.equal(human.stdout.trim(), `${id}  already stored  ${copy}`);

    const listed = json<{ files: { file_id: string }[]; next: string | null }>(await cli(['files', 'ls', '--json']));
    assert.deepEqual(listed.files.map((f) => f.file_id), [id]);
    assert.equal(listed.next, null);
  });

  it('refuses to add a path that is not a file, storing nothing', async () => {
    const fresh = join(env.dir, 'fresh.txt');
    await writeFile(fresh, 'not stored while another path of the same command is wrong');
    const missing = join(env.dir, 'no-such-clip.mp4');
    const [result, folder] = await Promise.all([cli(['files', 'add', fresh, missing]), cli(['files', 'add', env.dir])]);
    assert.notEqual(result.code, 0);
    assert.ok(result.stderr.includes(missing) && result.stderr.includes('no such file'), result.stderr);
    assert.notEqual(folder.code, 0);
    assert.ok(folder.stderr.includes(env.dir) && folder.stderr.includes('not a regular file'), folder.stderr);
    const listed = json<{ files: { name: string }[] }>(await cli(['files', 'ls', '--json']));
    assert.deepEqual(listed.files.map((f) => f.name), ['clip.mp4']);
  });

  it('lists files as a table', async () => {
    const result = await cli(['files', 'ls']);
    assertExit(result, 0);
    const [header, ...rows] = result.stdout.trim().split('\n');
    assert.match(header ?? '', /^ID\s+SIZE\s+TYPE\s+ADDED\s+NAME$/);
    assert.equal(rows.length, 1);
    assert.match(rows[0] ?? '', new RegExp(`^${sha256(clipBytes).slice(0, 12)}\\s+\\d+\\.\\d KiB\\s+video/mp4\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+clip\\.mp4$`));
    const bad = await cli(['files', 'ls', '--limit', 'many']);
    assert.notEqual(bad.code, 0);
    assert.ok(bad.stderr.includes('--limit') && bad.stderr.includes('many'), bad.stderr);
  });

  it('writes the exact bytes of a file found by an id prefix, to a path or stdout', async () => {
    const bytes = randomBytes(300_000);
    const path = join(env.dir, 'random.bin');
    await writeFile(path, bytes);
    assertExit(await cli(['files', 'add', path]), 0);
    const prefix = sha256(bytes).slice(0, 8);

    const out = join(env.dir, 'out.bin');
    const written = await cli(['files', 'get', prefix, '-o', out]);
    assertExit(written, 0);
    assert.match(written.stdout, /^wrote 293\.0 KiB to /);
    assert.ok((await readFile(out)).equals(bytes), 'the written file has the stored bytes');

    const piped = await cli(['files', 'get', prefix]);
    assertExit(piped, 0);
    assert.ok(piped.stdoutBytes.equals(bytes), 'stdout carries the stored bytes and nothing else');
  });

  it('removes a file; afterwards it is gone', async () => {
    const path = join(env.dir, 'to-remove.txt');
    await writeFile(path, `remove me ${randomBytes(8).toString('hex')}`);
    const id = sha256(await readFile(path));
    assertExit(await cli(['files', 'add', path]), 0);

    const removed = await cli(['files', 'rm', id.slice(0, 10)]);
    assertExit(removed, 0);
    assert.equal(removed.stdout.trim(), `removed ${id} (to-remove.txt)`);

    const never = join(env.dir, 'never.txt');
    for (const gone of await Promise.all([cli(['files', 'get', id, '-o', never]), cli(['files', 'rm', id])])) {
      assertExit(gone, 1);
      assert.ok(gone.stderr.includes(`no file has id ${id}`) && gone.stderr.includes('CAMTROVE_ERR_FILE_NOT_FOUND'), gone.stderr);
    }
    await assert.rejects(readFile(never), { code: 'ENOENT' }, 'nothing is written for a missing file');
  });

  it('analyze <path> probe --wait --json adds the file, runs the probe here and prints it', async () => {
    const other = await makeVideo(join(env.dir, 'probe-me.mp4'), { seconds: 2, width: 176, height: 144, fps: 5 });
    const analysis = json<AnalysisJson>(await cli(['analyze', other, 'probe', '--wait', '--json']));
    assert.equal(analysis.state, 'SUCCESS');
    assert.equal(analysis.analysis, 'probe');
    assert.equal(analysis.file_id, sha256(await readFile(other)));
    assert.equal(analysis.attempts, 1);
    assert.equal(analysis.error, null);
    const result = analysis.result as { duration: number; video: { codec: string; width: number; height: number; fps: number } };
    assert.equal(result.duration, 2);
    assert.deepEqual([result.video.codec, result.video.width, result.video.height, result.video.fps], ['h264', 176, 144, 5]);
  });

  it('analyze <id prefix> thumbnail --wait prints the result, whose file is in the library', async () => {
    const result = await cli(['analyze', sha256(clipBytes).slice(0, 7), 'thumbnail', '-p', 't=0.5', '--wait']);
    assertExit(result, 0);
    const thumbnail = JSON.parse(result.stdout) as { file_id: string; t: number; width: number; height: number };
    assert.deepEqual({ ...thumbnail, file_id: typeof thumbnail.file_id }, { file_id: 'string', t: 0.5, width: 160, height: 120 });
    const jpeg = await cli(['files', 'get', thumbnail.file_id]);
    assertExit(jpeg, 0);
    assert.deepEqual([...jpeg.stdoutBytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'the result file is a JPEG');
  });

  it('analyze - sleep --wait runs an analysis without input', async () => {
    const started = Date.now();
    const result = await cli(['analyze', '-', 'sleep', '-p', 'time=0.2', '--wait']);
    assertExit(result, 0);
    assert.deepEqual(JSON.parse(result.stdout), { slept: 0.2 });
    assert.ok(Date.now() - started >= 200);

    const queued = json<{ analysis_id: string; state: string }>(await cli(['analyze', '-', 'sleep', '-p', 'time=0', '--json']));
    assert.match(queued.analysis_id, /^[0-9a-f]{32}$/);
    assert.equal(queued.state, 'PENDING');
  });

  it('Ctrl-C during analyze --wait cancels the analysis and says so', async () => {
    assertExit(await cli(['migrate']), 0);
    const database = openDatabase(env.config());
    try {
      const newest = () => database.db.selectFrom('analyses').select(['id', 'state']).where('analysis', '=', 'sleep').orderBy('created_at', 'desc').executeTakeFirst();
      const before = await newest();
      const run = processes.start(['analyze', '-', 'sleep', '-p', 'time=60', '--wait'], env.env());
      const started = await waitUntil('the analysis to start', async () => {
        const row = await newest();
        return row && row.id !== before?.id && row.state === 'STARTED' && row;
      }, 30_000, 100);
      const interruptedAt = Date.now();
      run.kill('SIGINT');
      const exit = await run.exited;
      assert.ok(Date.now() - interruptedAt < 10_000, 'the command did not stop soon after Ctrl-C');
      assert.equal(exit.code, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`interrupted: analysis ${started.id} was cancelled \\(CAMTROVE_ERR_ANALYSIS_CANCELLED\\)`));
      assert.equal((await newest())?.state, 'CANCELLED');
      const job = await database.db.selectFrom('jobs').select('state').where('id', '=', started.id).executeTakeFirstOrThrow();
      assert.equal(job.state, 'cancelled', 'the job left the queue; nothing will run it later');
    } finally {
      await database.close();
    }
  });

  it('a failing analysis exits non-zero and says why on stderr', async () => {
    const text = join(env.dir, 'notes.txt');
    await writeFile(text, 'these are not moving pictures\n');
    const result = await cli(['analyze', text, 'probe', '--wait']);
    assertExit(result, 1);
    assert.match(result.stderr, /^error: analysis [0-9a-f]{32} failed: not a readable video or image: .*\(CAMTROVE_ERR_MEDIA_UNREADABLE\)$/m);
    assert.equal(result.stdout, '', 'the failure is said once, on stderr');
  });

  it('refuses unknown analyses, bad parameters and missing inputs with clear messages', async () => {
    const cases: [string[], RegExp][] = [
      [['analyze', '-', 'sharpen'], /unknown analysis "sharpen"; available: .*\bprobe\b.*\bsleep\b.*\(CAMTROVE_ERR_UNKNOWN_ANALYSIS\)/],
      [['analyze', '-', 'sleep', '-p', 'time=soon'], /invalid parameters for analysis sleep: time: expected number, got "soon", which is not a number in plain decimal \(such as 0\.5, -3 or 1e3\) \(CAMTROVE_ERR_INVALID_PARAMS\)/],
      [['analyze', '-', 'sleep', '-p', 'colour=red'], /unknown parameter colour for analysis sleep; it accepts: time/],
      [['analyze', '-', 'sleep', '-p', 'forever'], /--param "forever" is not key=value/],
      [['analyze', '-', 'probe', '--wait'], /analysis probe needs a file/],
      [['analyze', sha256(clipBytes).slice(0, 8), 'thumbnail', '-p', 't=5', '--wait'], /t=5 is past the end of the video \(1\.000 s\)/],
      [['analyze', join(env.dir, 'missing.mp4'), 'probe'], /missing\.mp4: no such local file, and not a file id either/],
      [['analyze', '-', 'probe', '--model', 'large'], /analysis probe has no models, but model "large" was given/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    cases.forEach(([args, message], i) => {
      const result = results[i]!;
      const said = `camtrove ${args.join(' ')} exited ${result.code}; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      assert.equal(result.code, 1, said);
      assert.match(result.stderr, message, said);
    });
    const usage = await cli(['analyze', '-']);
    assertExit(usage, 2);
    assert.match(usage.stderr, /missing required argument 'analysis'/);
  });

  it('prints a new token once; token ls never shows it', async () => {
    const created = json<{ id: string; name: string; token: string }>(await cli(['token', 'create', '--name', 'e2e-script', '--json']));
    assert.match(created.token, /^ctk_[\w-]{20,}$/);
    assert.equal(created.name, 'e2e-script');

    const human = await cli(['token', 'create', '--name', 'laptop']);
    assertExit(human, 0);
    const humanToken = human.stdout.split('\n')[0] ?? '';
    assert.match(humanToken, /^ctk_[\w-]{20,}$/);
    assert.ok(human.stdout.includes(`Authorization: Bearer ${humanToken}`));

    const lists = [['token', 'ls'], ['token', 'ls', '--json']];
    const results = await Promise.all(lists.map((args) => cli(args)));
    lists.forEach((args, i) => {
      const listed = results[i]!;
      assertExit(listed, 0);
      assert.ok(listed.stdout.includes(created.id) && listed.stdout.includes('e2e-script') && listed.stdout.includes('laptop'), listed.stdout);
      for (const token of [created.token, humanToken]) {
        assert.ok(!listed.stdout.includes(token) && !listed.stdout.includes(token.slice(4, 20)), `${args.join(' ')} shows no token`);
      }
    });
  });

  it('migrate is idempotent', async () => {
    const fresh = await createTestEnv();
    try {
      const run = (args: string[]) => processes.run(args, fresh.env());
      const first = json<{ database: string; applied: string[] }>(await run(['migrate', '--json']));
      assert.ok(first.applied.length > 0, 'a fresh database gets every migration');
      const second = json<{ database: string; applied: string[] }>(await run(['migrate', '--json']));
      assert.deepEqual(second, { database: first.database, applied: [] });
      const human = await run(['migrate']);
      assertExit(human, 0);
      assert.match(human.stdout, /: already up to date\n$/);
    } finally {
      await fresh.cleanup();
    }
  });

  it('stops on a bad configuration value with a message naming it', async () => {
    const unknownKey = join(env.dir, 'unknown-key.json');
    await writeFile(unknownKey, JSON.stringify({ port: 9000, colour: 'blue' }));
    const badValue = join(env.dir, 'bad-value.json');
    await writeFile(badValue, JSON.stringify({ concurrency: 'lots' }));
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['serve'], { CAMTROVE_PORT: 'abc' }, /environment variable CAMTROVE_PORT is "abc"; expected a port number/],
      [['serve', '--config', unknownKey], {}, /unknown key "colour" in config file .*unknown-key\.json; known keys: .*\bport\b/],
      [['worker'], { CAMTROVE_CONFIG: unknownKey }, /unknown key "colour" in config file .*unknown-key\.json/],
      [['serve', '--config', badValue], {}, /key "concurrency" in config file .*bad-value\.json is "lots"; expected a number, optionally followed by name=number pairs/],
      [['serve', '--port', '70000'], {}, /--port flag is "70000"; expected a port number 0-65535/],
      [['migrate'], { CAMTROVE_DATABASE_URL: 'mysql://db/camtrove' }, /environment variable CAMTROVE_DATABASE_URL is "mysql:\/\/db\/camtrove"; expected empty or a postgres:\/\/ URL/],
    ];
    const results = await Promise.all(cases.map(([args, extraEnv]) => cli(args, extraEnv)));
    cases.forEach(([args, , message], i) => {
      const result = results[i]!;
      assert.equal(result.code, 1, `camtrove ${args.join(' ')} exits 1`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /\(CAMTROVE_ERR_CONFIG\)$/m);
    });
  });

  it('serve without ffmpeg stops and says how to install it', async () => {
    const port = String(await freePort());
    const result = await cli(['serve', '--port', port], { CAMTROVE_FFMPEG: '/nonexistent/ffmpeg' });
    assertExit(result, 1);
    assert.match(result.stderr, /ffmpeg was not found at \/nonexistent\/ffmpeg \(CAMTROVE_FFMPEG\): install it \(Debian\/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg\)/);
    assert.match(result.stderr, /CAMTROVE_ERR_FFMPEG_MISSING/);
    assert.ok(!result.stderr.includes('listening'), 'the server never listened');

    const waiting = await cli(['analyze', clip, 'probe', '--wait'], { CAMTROVE_FFPROBE: '/nonexistent/ffprobe' });
    assertExit(waiting, 1);
    assert.match(waiting.stderr, /ffprobe was not found at \/nonexistent\/ffprobe .*apt-get install ffmpeg/);
  });

  it('serve on a port in use says so and names the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const result = await cli(['serve', '--port', String(port)]);
      assertExit(result, 1);
      assert.match(result.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use: .*--port`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
