import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventRepository } from '../../src/adapters/db/event.repository.js';
import { ImportRepository } from '../../src/adapters/db/import.repository.js';
import { Processes } from '../helpers/cli.js';
import { eventRecord, motionEvent } from '../helpers/events.js';
import { servedLibrary } from '../helpers/http.js';
import { makeVideo, uniqueMp4 } from '../helpers/media.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

const T = Date.UTC(2026, 10, 30, 8);
/** Event ids sharing the prefix 000000: a prefix of six zeros is ambiguous, of the whole id it is not. */
const eventId = (n: number) => `000000${n}`.padEnd(32, String(n));
const MEDIA = 'b'.repeat(64);

/**
 * `files`, `analyze`, `events` and `jobs` with `--server`: the CLI on one side with no library of
 * its own, a served library on loopback on the other. The same command run locally against that
 * library prints the same thing.
 */
describe(`the CLI against a camtrove server with --server (${dialectName})`, () => {
  const processes = new Processes();
  const served = servedLibrary();
  let client: TestEnv;
  let clip: string;
  let token: string | null = null;
  const remote = (args: string[], withToken = true) =>
    processes.run([...args, '--server', served.server.url], { ...client.env(), ...(withToken && token ? { CAMTROVE_TOKEN: token } : {}) }, { timeoutMs: 60_000 });
  const local = (args: string[]) => processes.run(args, served.library.env.env(), { timeoutMs: 60_000 });
  /** Runs the command both ways and checks they print the same, on stdout and stderr, with the same exit. */
  const same = async (args: string[]) => {
    const [here, there] = [await local(args), await remote(args)];
    assert.deepEqual({ code: there.code, stdout: there.stdout, stderr: there.stderr }, { code: here.code, stdout: here.stdout, stderr: here.stderr }, args.join(' '));
    return there;
  };

  before(async () => {
    client = await createTestEnv();
    clip = await makeVideo(join(client.dir, 'clip.mp4'), { seconds: 1, width: 160, height: 120, fps: 5 });
    served.library.startWorkers();
    await served.library.cameras.add({ id: 'gate-north-1', type: 'import', name: 'North gate' });
    await served.library.cameras.add({ id: 'gate-north-2', type: 'import' });
    const events = new EventRepository(served.library.database);
    await events.replaceForMedia(MEDIA, [
      eventRecord(eventId(1), MEDIA, motionEvent(0, 4, { score: 0.9, direction: 'E', directionDeg: 90 }), { cameraId: 'gate-north-1', startedAt: T, endedAt: T + 4000, thumbnailFileId: 'c'.repeat(64) }),
      eventRecord(eventId(2), MEDIA, motionEvent(10, 12, { score: 0.4, direction: null, directionDeg: null, zones: [] }), { cameraId: 'gate-north-2', startedAt: T + 10_000, endedAt: T + 12_000 }),
    ]);
    const imports = new ImportRepository(served.library.database.db);
    for (const id of ['site4-a', 'site4-b']) await imports.createJob({ id, requestKey: id, request: { folders: ['/card'] }, segment: false, shardSize: 10, createdAt: T });
  });
  after(async () => {
    await processes.killAll();
    await client.cleanup();
  });

  it('files: add, list, get and remove a server\'s files, by id prefix, while it has no token', async () => {
    const added = await remote(['files', 'add', clip, '--json']);
    assert.equal(added.code, 0, added.stderr);
    const [file] = (JSON.parse(added.stdout) as { files: { file_id: string; name: string; size: number; content_type: string; created: boolean }[] }).files;
    assert.deepEqual({ ...file, file_id: 'x' }, { file_id: 'x', name: 'clip.mp4', size: (await readFile(clip)).length, content_type: 'video/mp4', created: true, path: clip });
    assert.ok(await served.library.files.resolve(file!.file_id), 'stored on the server');
    const again = await remote(['files', 'add', clip]);
    assert.equal(again.stdout, `${file!.file_id}  already stored  ${clip}\n`);

    await same(['files', 'ls']);
    await same(['files', 'ls', '--json']);
    const out = join(client.dir, 'copy.mp4');
    const got = await remote(['files', 'get', file!.file_id.slice(0, 8), '-o', out]);
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(await readFile(out), await readFile(clip));

    const analysed = await remote(['analyze', file!.file_id.slice(0, 10), 'probe', '--wait', '--json']);
    assert.equal(analysed.code, 0, analysed.stderr);
    const analysis = JSON.parse(analysed.stdout) as { analysis_id: string; state: string; file_id: string; result: { duration: number } };
    assert.deepEqual([analysis.state, analysis.file_id], ['SUCCESS', file!.file_id]);
    assert.ok(Math.abs(analysis.result.duration - 1) < 0.2, JSON.stringify(analysis.result));

    const refused = await same(['files', 'rm', file!.file_id.slice(0, 8)]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: .*\(CAMTROVE_ERR_FILE_IN_USE\)\n$/, 'the server\'s error, as a local run prints it');
    const removed = await remote(['files', 'rm', file!.file_id.slice(0, 8), '--cascade']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`^removed ${file!.file_id} \\(clip\\.mp4\\), with 1 analyses\\n$`));
  });

  it('analyze: starts an analysis without input and waits for the server\'s workers', async () => {
    const run = await remote(['analyze', '-', 'sleep', '-p', 'time=0.1', '--wait']);
    assert.equal(run.code, 0, run.stderr);
    const started = await remote(['analyze', '-', 'sleep', '-p', 'time=0.1', '--json']);
    const { analysis_id: id } = JSON.parse(started.stdout) as { analysis_id: string };
    assert.equal((await served.library.analyses.get(id)).analysis, 'sleep');
  });

  it('events: the same list, summary, labels and export as a local run, ids by prefix', async () => {
    await same(['events', 'ls']);
    await same(['events', 'ls', '--camera', 'gate-north-1', '--json']);
    await same(['events', 'ls', '--media', 'bbbbbbbb', '--json']);
    const shown = await same(['events', 'show', eventId(1).slice(0, 7)]);
    assert.match(shown.stdout, new RegExp(`^event ${eventId(1)}\\n`));
    assert.match(shown.stdout, /time: +2026-11-30T08:00:00\.000Z to 2026-11-30T08:00:04\.000Z \(UTC\)/);
    assert.match(shown.stdout, /camera: +North gate \(gate-north-1\)/);
    assert.match(shown.stdout, /duration: +4\.0 s/);
    assert.match(shown.stdout, /score: +0\.9\n/);
    assert.match(shown.stdout, /direction: +E \(90°\)/);
    assert.match(shown.stdout, new RegExp(`thumbnail: +${'c'.repeat(64)}`));
    assert.match(shown.stdout, /clip: +-/);
    assert.ok(shown.stdout.split('\n').length < 20, 'a summary, not the record');
    const json = await same(['events', 'show', eventId(1), '--json']);
    assert.equal((JSON.parse(json.stdout) as { heatmap: unknown[] }).heatmap.length, 16, '--json: the whole record');

    const ambiguous = await same(['events', 'show', '000000']);
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.stderr, /^error: event id prefix 000000 is ambiguous: matches 2 events \(0{6}1{26}, 0{6}2{26}\); give more characters \(CAMTROVE_ERR_AMBIGUOUS_ID\)\n$/);
    const missing = await same(['events', 'show', 'ffffff']);
    assert.match(missing.stderr, /^error: no event has id ffffff… \(CAMTROVE_ERR_EVENT_NOT_FOUND\)\n$/);

    const labelled = await remote(['events', 'label', eventId(2).slice(0, 7), 'deer', '--score', '0.5']);
    assert.equal(labelled.stdout, `event ${eventId(2)}: deer (0.5)\n`);
    const matching = await remote(['events', 'label-matching', 'visit', '--camera', 'gate-north-1']);
    assert.equal(matching.stdout, 'labelled 1 events "visit"\n');
    await same(['events', 'ls', '--label', 'deer', '--label', 'visit', '--json']);
    const unlabelled = await remote(['events', 'unlabel', eventId(2), 'deer']);
    assert.equal(unlabelled.stdout, `removed "deer" from event ${eventId(2)}\n`);
    await same(['events', 'export', '--format', 'csv']);
    const file = join(client.dir, 'events.jsonl');
    const exported = await remote(['events', 'export', '--format', 'jsonl', '-o', file]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal((await readFile(file, 'utf8')).trim().split('\n').length, 2);
  });

  it('jobs: the same list and job, by unique prefix; an ambiguous one names the matches', async () => {
    await same(['jobs', 'ls']);
    await same(['jobs', 'show', 'site4-a']);
    await same(['jobs', 'show', 'site4-b', '--json']);
    const ambiguous = await same(['jobs', 'show', 'site4-']);
    assert.match(ambiguous.stderr, /^error: import job id prefix site4- is ambiguous: matches 2 import jobs \(site4-a, site4-b\); give more characters \(CAMTROVE_ERR_AMBIGUOUS_ID\)\n$/);
  });

  it('cameras: the API and the CLI take a unique prefix of a camera id and refuse an ambiguous one', async () => {
    const one = await fetch(`${served.server.url}/cameras/gate-north-1`);
    assert.equal(one.status, 200);
    const prefix = await fetch(`${served.server.url}/cameras/gate-nor`);
    assert.equal(prefix.status, 409);
    assert.match(((await prefix.json()) as { error: { message: string } }).error.message, /^camera id prefix gate-nor is ambiguous: matches 2 cameras \(gate-north-1, gate-north-2\)/);
    const shown = await local(['cameras', 'show', 'gate-north-2', '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const api = await fetch(`${served.server.url}/api/events?camera=gate-north-&limit=5`);
    assert.equal(api.status, 409, 'a search by an ambiguous camera prefix says so');
    const events = await fetch(`${served.server.url}/api/events/${eventId(1).slice(0, 6)}`);
    assert.equal(((await events.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_AMBIGUOUS_ID');
  });

  it('import --dry-run --server reports what the server has: already imported, duplicate, new', async () => {
    const folder = join(client.dir, 'card');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'CAM1-x-1700002000.mp4'), uniqueMp4(await readFile(clip), 'remote-dry-a'));
    const first = await remote(['import', folder, '--no-segment', '--json']);
    assert.equal((JSON.parse(first.stdout) as { imported: number }).imported, 1, first.stderr);
    await copyFile(join(folder, 'CAM1-x-1700002000.mp4'), join(folder, 'CAM2-x-1700002001.mp4'));
    await writeFile(join(folder, 'CAM3-x-1700002002.mp4'), uniqueMp4(await readFile(clip), 'remote-dry-b'));
    await copyFile(join(folder, 'CAM3-x-1700002002.mp4'), join(folder, 'CAM3-x-1700002003.mp4'));
    const dry = await remote(['import', folder, '--no-segment', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const counts = (r: Record<string, number>, imported: number) => ({ imported, already_imported: r.already_imported, duplicates: r.duplicates, failed: r.failed });
    const preview = JSON.parse(dry.stdout) as Record<string, number>;
    const real = await remote(['import', folder, '--no-segment', '--json']);
    const report = JSON.parse(real.stdout) as Record<string, number>;
    assert.deepEqual(counts(preview, preview.would_import!), counts(report, report.imported!));
    assert.deepEqual(counts(report, report.imported!), { imported: 1, already_imported: 2, duplicates: 1, failed: 0 });
  });

  it('with a token on the server: every command group refuses without it and works with it', async () => {
    token = (await served.library.tokens.create('laptop')).token;
    for (const args of [['files', 'ls'], ['analyze', '-', 'sleep', '-p', 'time=0'], ['events', 'ls'], ['jobs', 'ls']]) {
      const refused = await remote(args, false);
      assert.equal(refused.code, 1, args.join(' '));
      assert.match(refused.stderr, /^error: the server at http:\/\/127\.0\.0\.1:\d+ needs an API token: give it with --token, or in env CAMTROVE_TOKEN .*\(CAMTROVE_ERR_UNAUTHORIZED\)\n$/, args.join(' '));
      const accepted = await remote(args);
      assert.equal(accepted.code, 0, `${args.join(' ')}: ${accepted.stderr}`);
    }
    const wrong = await processes.run(['jobs', 'ls', '--server', served.server.url, '--token', 'ct_wrong'], client.env());
    assert.match(wrong.stderr, /refused the token.*\(CAMTROVE_ERR_UNAUTHORIZED\)/);
    assert.ok(!wrong.stderr.includes(token), 'the token is never printed');
  });
});
