import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import pino from 'pino';
import { ImportRepository } from '../../src/adapters/db/import.repository.js';
import { MediaRepository } from '../../src/adapters/db/media.repository.js';
import { openLibrary } from '../../src/main.js';
import { filesBelow } from '../helpers/api.js';
import type { ImportJson } from '../helpers/import.js';
import { Processes, waitUntil } from '../helpers/cli.js';
import { makeVideo, uniqueMp4 } from '../helpers/media.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';


describe(`camtrove import (${dialectName})`, () => {
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

  /** The library's media and import items, read directly. */
  async function inLibrary<T>(read: (parts: { media: MediaRepository; imports: ImportRepository; library: Awaited<ReturnType<typeof openLibrary>> }) => Promise<T>): Promise<T> {
    const library = await openLibrary(env.config(), { logger: pino({ level: 'silent' }) });
    try {
      return await read({ media: new MediaRepository(library.database.db), imports: new ImportRepository(library.database.db), library });
    } finally {
      await library.close();
    }
  }

  it('imports a folder: camera and UTC time from each name, one copy per content, segmentation queued; running it again imports nothing new', async () => {
    const folder = join(env.dir, 'card1');
    await mkdir(join(folder, 'site04'), { recursive: true });
    await writeFile(join(folder, 'site04', 'CAM7-survey-1476014557.mp4'), uniqueMp4(base, 'a'));
    // Milliseconds, an upper-case extension, a file at the top of the folder.
    await writeFile(join(folder, 'CAM8-survey-1476014558123.MOV'), uniqueMp4(base, 'b'));
    // A renamed copy of the first: the same bytes.
    await copyFile(join(folder, 'site04', 'CAM7-survey-1476014557.mp4'), join(folder, 'site04', 'CAM9-copy-1476014600.mp4'));
    await writeFile(join(folder, 'site04', 'README.mp4'), uniqueMp4(base, 'readme'));
    await writeFile(join(folder, 'notes.txt'), 'not a video');

    const run = await processes.run(['import', folder, '--json'], env.env(), { timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ImportJson;
    assert.match(report.job_id, /^[0-9a-f]{32}$/);
    assert.deepEqual({ ...report, job_id: 'x', errors: report.errors }, { job_id: 'x', imported: 2, already_imported: 0, duplicates: 1, skipped: 1, failed: 0, errors: [], segmentations: 3, interrupted: false });

    const stored = await inLibrary(async ({ media, imports, library }) => {
      const items = await imports.items(report.job_id);
      const byName = new Map(items.map((i) => [i.path.split('/').pop()!, i]));
      const first = (await media.get(byName.get('CAM7-survey-1476014557.mp4')!.fileId!))!;
      const second = (await media.get(byName.get('CAM8-survey-1476014558123.MOV')!.fileId!))!;
      const cameras = await Promise.all(['CAM7', 'CAM8', 'CAM9'].map((id) => library.cameras.find(id)));
      const analyses = await library.analyses.list({ limit: 10 });
      return { items, byName, first, second, cameras, analyses: analyses.items };
    });
    assert.deepEqual([stored.first.cameraId, stored.first.capturedAt], ['CAM7', 1_476_014_557_000], 'seconds, read as UTC');
    assert.deepEqual([stored.second.cameraId, stored.second.capturedAt], ['CAM8', 1_476_014_558_123], 'milliseconds told apart by size');
    assert.equal(stored.first.info.video?.codec, 'h264', 'probe facts recorded');
    assert.deepEqual(stored.cameras.map((c) => [c?.id, c?.type]), [['CAM7', 'import'], ['CAM8', 'import'], ['CAM9', 'import']]);
    assert.equal(stored.byName.get('CAM9-copy-1476014600.mp4')!.outcome, 'duplicate');
    assert.equal(stored.byName.get('CAM9-copy-1476014600.mp4')!.fileId, stored.first.id);
    assert.equal(stored.analyses.length, 2, 'one segmentation per content, not per file');
    assert.ok(stored.analyses.every((a) => a.analysis === 'segment' && a.state === 'PENDING'));
    const blobs = (await filesBelow(join(env.dir, 'data', 'blobs'))).filter((f) => !f.startsWith('tmp'));
    assert.equal(blobs.length, 2, 'the copy is stored once');

    const again = await processes.run(['import', folder, '--json'], env.env(), { timeoutMs: 60_000 });
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout) as ImportJson;
    assert.equal(second.job_id, report.job_id, 'the same import continues its job');
    assert.deepEqual([second.imported, second.already_imported, second.duplicates, second.skipped, second.failed], [0, 3, 0, 1, 0]);
    assert.equal((await inLibrary(({ library }) => library.analyses.list({ limit: 10 }))).items.length, 2, 'nothing segmented twice');

    // A new file in the folder: only it is imported, into the same job.
    await writeFile(join(folder, 'site04', 'CAM7-survey-1476019999.mp4'), uniqueMp4(base, 'c'));
    const third = JSON.parse((await processes.run(['import', folder, '--json'], env.env(), { timeoutMs: 60_000 })).stdout) as ImportJson;
    assert.deepEqual([third.job_id, third.imported, third.already_imported], [report.job_id, 1, 3]);
  });

  it('reads timestamps with --time-format in the --tz zone, and places from the name', async () => {
    const folder = join(env.dir, 'trap');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'ridge_20240310-013000_45.5_-122.25.mp4'), uniqueMp4(base, 'tz1'));
    // 2024-03-10 02:30 does not exist in Chicago (clocks jump from 2:00 to 3:00); 03:30 is CDT (UTC-5).
    await writeFile(join(folder, 'ridge_20240310-033000_45.5_-122.25.mp4'), uniqueMp4(base, 'tz2'));
    const regex = String.raw`(?P<camera>[a-z]+)_(?P<timestamp>\d{8}-\d{6})_(?P<lat>-?[\d.]+)_(?P<lng>-?[\d.]+)\.mp4`;
    const run = await processes.run(['import', folder, '--regex', regex, '--time-format', '%Y%m%d-%H%M%S', '--tz', 'America/Chicago', '--camera-name-suffix', '-north', '--no-segment', '--json'], env.env(), { timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ImportJson;
    assert.equal(report.imported, 2);
    assert.equal(report.segmentations, 0, '--no-segment');
    const media = await inLibrary(async ({ imports, media }) => Promise.all((await imports.items(report.job_id)).map((i) => media.get(i.fileId!))));
    assert.deepEqual(
      media.map((m) => [m!.cameraId, new Date(m!.capturedAt!).toISOString(), m!.latitude, m!.longitude]),
      [
        ['ridge-north', '2024-03-10T07:30:00.000Z', 45.5, -122.25],
        ['ridge-north', '2024-03-10T08:30:00.000Z', 45.5, -122.25],
      ],
    );
  });

  it('takes the time from the video, then the file\'s modification time, when the name has none, and says which in --csv', async () => {
    const folder = join(env.dir, 'dashcam');
    await mkdir(join(folder, 'van3'), { recursive: true });
    const tagged = join(env.dir, 'tagged.mp4');
    await makeVideo(tagged, { seconds: 1, width: 160, height: 120, fps: 5 });
    await rm(tagged);
    // creation_time in the container: the video's own clock.
    await import('node:child_process').then(({ execFileSync }) =>
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=5:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-metadata', 'creation_time=2023-07-01T12:00:00Z', join(folder, 'van3', 'clip1.mp4')]),
    );
    await writeFile(join(folder, 'van3', 'clip2.mp4'), uniqueMp4(base, 'no-clock'));
    await utimes(join(folder, 'van3', 'clip2.mp4'), new Date('2022-01-02T03:04:05Z'), new Date('2022-01-02T03:04:05Z'));
    const csvPath = join(env.dir, 'dashcam.csv');
    const run = await processes.run(['import', folder, '--regex', '(?P<camera>[^/]+)/', '--no-segment', '--csv', csvPath], env.env(), { timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /import job [0-9a-f]{32}: 2 imported, 0 already imported, 0 duplicates, 0 skipped, 0 failed/);
    const rows = parse(await readFile(csvPath), { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows.map((r) => [r.path!.split('/').pop(), r.status, r.camera, r.captured_at, r.time_source]),
      [
        ['clip1.mp4', 'imported', 'van3', '2023-07-01T12:00:00.000Z', 'metadata'],
        ['clip2.mp4', 'imported', 'van3', '2022-01-02T03:04:05.000Z', 'mtime'],
      ],
    );
    assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.file_id!) && Number(r.size) > 0 && r.shard === '0'));
  });

  it('copies a large file while hashing it, and stores exactly its bytes', async () => {
    const folder = join(env.dir, 'long');
    await mkdir(folder, { recursive: true });
    const bytes = uniqueMp4(base, 'x'.repeat(24 << 20));
    await writeFile(join(folder, 'CAM4-long-1700000600.mp4'), bytes);
    const run = await processes.run(['import', folder, '--no-segment', '--json'], env.env(), { timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const fileId = createHash('sha256').update(bytes).digest('hex');
    assert.deepEqual(await readFile(join(env.dir, 'data', 'blobs', fileId.slice(0, 2), fileId.slice(2, 4), fileId)), bytes);
    assert.deepEqual(await filesBelow(join(env.dir, 'data', 'blobs', 'tmp')), [], 'no copy left in the temp folder');
  });

  it('--link refers to the files where they are instead of copying them', async () => {
    const folder = join(env.dir, 'in-place');
    await mkdir(folder, { recursive: true });
    const original = join(folder, 'CAM3-x-1700000500.mp4');
    await writeFile(original, uniqueMp4(base, 'linked'));
    const run = await processes.run(['import', folder, '--link', '--no-segment', '--json'], env.env(), { timeoutMs: 60_000 });
    assert.equal(run.code, 0, run.stderr);
    const fileId = await inLibrary(async ({ imports }) => (await imports.items((JSON.parse(run.stdout) as ImportJson).job_id))[0]!.fileId!);
    const blob = join(env.dir, 'data', 'blobs', fileId.slice(0, 2), fileId.slice(2, 4), fileId);
    assert.equal(await readlink(blob), original);
    assert.deepEqual(await readFile(blob), await readFile(original), 'the blob reads the original');
  });

  it('--dry-run shows camera, time and size and writes nothing, not even a library', async () => {
    const folder = join(env.dir, 'card2');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'CAM1-x-1700000000.mp4'), uniqueMp4(base, 'dry'));
    await writeFile(join(folder, 'unnamed.mp4'), uniqueMp4(base, 'dry2'));
    const data = join(env.dir, 'never-created');
    const run = await processes.run(['import', folder, '--dry-run', '--data', data], { ...env.env(), CAMTROVE_DATABASE_URL: '' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /import\s+CAM1\s+2023-11-14T22:13:20\.000Z\s+\S+ \S+\s+.*CAM1-x-1700000000\.mp4/);
    assert.match(run.stdout, /skipped\s+-.*unnamed\.mp4: the name does not match the regex/);
    assert.match(run.stdout, /dry run: 1 files .* would be imported, 0 already imported, 0 duplicates, 1 skipped, 0 cannot be; nothing was written/);
    assert.equal(existsSync(data), false);
  });

  it('--dry-run on a library reports what a real run then does: already imported, duplicates, new and failing files', async () => {
    const folder = join(env.dir, 'card3');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'CAM1-x-1700001000.mp4'), uniqueMp4(base, 'exact-a'));
    await writeFile(join(folder, 'CAM1-x-1700001001.mp4'), uniqueMp4(base, 'exact-b'));
    const first = await processes.run(['import', folder, '--no-segment', '--json'], env.env(), { timeoutMs: 60_000 });
    assert.equal((JSON.parse(first.stdout) as ImportJson).imported, 2, first.stderr);
    // A copy of a stored file under a new name, two copies of new content, a new file and an empty one.
    await copyFile(join(folder, 'CAM1-x-1700001000.mp4'), join(folder, 'CAM2-x-1700001002.mp4'));
    await writeFile(join(folder, 'CAM3-x-1700001003.mp4'), uniqueMp4(base, 'exact-c'));
    await copyFile(join(folder, 'CAM3-x-1700001003.mp4'), join(folder, 'CAM3-x-1700001004.mp4'));
    await writeFile(join(folder, 'CAM4-x-1700001005.mp4'), uniqueMp4(base, 'exact-d'));
    await writeFile(join(folder, 'CAM5-x-1700001006.mp4'), '');
    const jobId = (JSON.parse(first.stdout) as ImportJson).job_id;
    const itemsBefore = await inLibrary(async ({ imports }) => (await imports.items(jobId)).length);

    const dry = await processes.run(['import', folder, '--no-segment', '--dry-run', '--json'], env.env(), { timeoutMs: 60_000 });
    assert.equal(dry.code, 1, `a file would fail, as in a real run: ${dry.stderr}`);
    const preview = JSON.parse(dry.stdout) as { would_import: number; already_imported: number; duplicates: number; skipped: number; failed: number; files: { path: string; status: string }[] };
    const human = await processes.run(['import', folder, '--no-segment', '--dry-run'], env.env(), { timeoutMs: 60_000 });
    assert.match(human.stdout, /dry run: 2 files .* would be imported, 3 already imported, 1 duplicates, 0 skipped, 1 cannot be; nothing was written/);
    assert.equal(await inLibrary(async ({ imports }) => (await imports.items(jobId)).length), itemsBefore, 'the dry run wrote nothing');

    const real = await processes.run(['import', folder, '--no-segment', '--json'], env.env(), { timeoutMs: 60_000 });
    const report = JSON.parse(real.stdout) as ImportJson;
    const counts = (r: { already_imported: number; duplicates: number; skipped: number; failed: number }, imported: number) => ({ imported, already_imported: r.already_imported, duplicates: r.duplicates, skipped: r.skipped, failed: r.failed });
    assert.deepEqual(counts(preview, preview.would_import), counts(report, report.imported));
    assert.deepEqual(counts(report, report.imported), { imported: 2, already_imported: 3, duplicates: 1, skipped: 0, failed: 1 });
    const status = new Map(preview.files.map((f) => [f.path.split('/').pop(), f.status]));
    assert.equal(status.get('CAM2-x-1700001002.mp4'), 'already_imported', 'the same content is in the library under another name');
    assert.equal(status.get('CAM3-x-1700001004.mp4'), 'duplicate', 'the second copy of new content');
  });

  it('jobs show --watch follows a job until its segmentation is done', { timeout: 120_000 }, async () => {
    const folder = join(env.dir, 'watched');
    await mkdir(folder, { recursive: true });
    for (let k = 0; k < 3; k += 1) await writeFile(join(folder, `CAM6-x-${1_700_000_700 + k}.mp4`), uniqueMp4(base, `watch-${k}`));
    const run = await processes.run(['import', folder, '--json'], env.env(), { timeoutMs: 60_000 });
    const { job_id: jobId } = JSON.parse(run.stdout) as ImportJson;
    const watch = processes.start(['jobs', 'show', jobId, '--watch'], env.env());
    await waitUntil('the watch to show the job waiting for segmentation', () => /: (processing|complete)\n/.test(watch.stdout) || !watch.running);
    assert.match(watch.stdout, new RegExp(`job ${jobId}: processing\n`), 'nothing segments it before a worker runs');
    const worker = await processes.worker(env.env());
    const exit = await watch.waitForExit(90_000);
    worker.kill('SIGTERM');
    await worker.waitForExit();
    assert.equal(exit.code, 0, watch.stderr);
    assert.match(watch.stdout, new RegExp(`job ${jobId}: complete\n.*3 done, 0 failed of 3 files`), 'it ends once the job is complete');
  });

  it('lists jobs and shows one shard by shard, in the CLI and over HTTP', async () => {
    const folder = join(env.dir, 'sharded');
    await mkdir(folder, { recursive: true });
    for (let k = 0; k < 5; k += 1) await writeFile(join(folder, `CAM5-x-${1_700_000_000 + k}.mp4`), uniqueMp4(base, `shard-${k}`));
    const run = await processes.run(['import', folder, '--shard-size', '2', '--no-segment', '--json'], env.env(), { timeoutMs: 60_000 });
    const { job_id: jobId } = JSON.parse(run.stdout) as ImportJson;

    const show = await processes.run(['jobs', 'show', jobId, '--json'], env.env());
    const view = JSON.parse(show.stdout) as { status: string; shard_map: Record<string, unknown>; request: Record<string, unknown> };
    assert.equal(view.status, 'complete');
    assert.deepEqual(view.shard_map, { 0: { item_count: 2, status: 'complete', done: 2, failed: 0 }, 1: { item_count: 2, status: 'complete', done: 2, failed: 0 }, 2: { item_count: 1, status: 'complete', done: 1, failed: 0 } });
    assert.deepEqual(view.request, { item_count: 5, cameras: ['CAM5'], earliest_date: '2023-11-14T22:13:20.000Z', latest_date: '2023-11-14T22:13:24.000Z', folders: [folder], segment: false, shard_size: 2 });
    const human = await processes.run(['jobs', 'show', jobId], env.env());
    assert.match(human.stdout, new RegExp(`job ${jobId}: complete\\n.*5 done, 0 failed of 5 files`));
    const missing = await processes.run(['jobs', 'show', 'f'.repeat(32)], env.env());
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no import job has id "f{32}" \(CAMTROVE_ERR_IMPORT_JOB_NOT_FOUND\)/);

    const server = await processes.serve(env.env());
    const list = (await (await fetch(`${server.url}/api/jobs?limit=100`)).json()) as { jobs: { job_id: string; item_count: number; shard_count: number; status: string }[] };
    assert.deepEqual(list.jobs.find((j) => j.job_id === jobId), { job_id: jobId, created: list.jobs.find((j) => j.job_id === jobId)!['created' as never], item_count: 5, shard_count: 3, status: 'complete' });
    const one = await fetch(`${server.url}/api/jobs/${jobId}`);
    assert.equal(one.status, 200);
    assert.deepEqual(((await one.json()) as { shard_map: unknown }).shard_map, view.shard_map);
    const unknown = await fetch(`${server.url}/api/jobs/nope`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_IMPORT_JOB_NOT_FOUND');
    server.process.kill('SIGTERM');
    await server.process.waitForExit();
  });
});
