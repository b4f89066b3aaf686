import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Processes } from '../helpers/cli.js';
import { labelingCli } from '../helpers/labeling-cli.js';
import { makeVideo } from '../helpers/media.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

const run = promisify(execFile);

interface AddAnswer {
  id: string;
  assetIds: string[];
  batchId: string | null;
  warnings: string[];
  skipped: { externalId: string; reason: string }[];
  failed?: { assetId: string; externalId: string; error: { code: string; message: string } }[];
}

interface AssetJson {
  id: string;
  externalId: string;
  content: string;
  jsonContent: string[] | null;
  jsonMetadata: Record<string, unknown> & { processingParameters?: Record<string, unknown> };
  processing: { state: string; error: { code: string; message: string } | null };
  resolution: { width: number; height: number } | null;
  numberOfFrames: number | null;
}

const INTERFACE = {
  jobs: {
    VEHICLE: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], required: 1, isChild: false, content: { categories: { CAR: { name: 'Car', children: ['COLOR'] }, TRUCK: { name: 'Truck' } }, input: 'radio' } },
    COLOR: { mlTask: 'CLASSIFICATION', isChild: true, required: 0, content: { categories: { RED: { name: 'Red' }, BLUE: { name: 'Blue' } }, input: 'radio' } },
  },
};

/**
 * `camtrove projects` and `camtrove assets` as a user runs them on a local library: each command
 * serves it to itself and prepares what it adds. Real clips and images made by ffmpeg; every bad
 * input is one line naming what is wrong. (Events, --server and tokens: labeling-cli-server.e2e.test.ts.)
 */
describe(`camtrove projects and assets (${dialectName})`, () => {
  let env: TestEnv;
  const processes = new Processes();
  let clip: string;
  let longer: string;
  let frames: string[];
  let projectId: string;

  const { cli, ok, json, refused } = labelingCli(processes, () => env);
  const asset = (ref: string) => json<AssetJson>(['assets', 'show', projectId, ref]);

  before(async () => {
    env = await createTestEnv();
    clip = await makeVideo(join(env.dir, 'clip.mp4'), { seconds: 1, width: 160, height: 120, fps: 5 });
    longer = await makeVideo(join(env.dir, 'longer.mov'), { seconds: 2, width: 128, height: 96, fps: 10 });
    // Three distinct images, the last of another size (a frame list may mix sizes).
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=1', '-frames:v', '2', join(env.dir, 'frame-%d.jpg')]);
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=80x60:rate=1', '-frames:v', '1', join(env.dir, 'frame-3.jpg')]);
    frames = [1, 2, 3].map((n) => join(env.dir, `frame-${n}.jpg`));
    await writeFile(join(env.dir, 'interface.json'), JSON.stringify(INTERFACE));
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  it('projects create, ls and show', async () => {
    ({ id: projectId } = await json<{ id: string }>(['projects', 'create', '--title', 'Gate traffic', '--description', 'cars at the north gate', '--interface', join(env.dir, 'interface.json')]));
    assert.match(projectId, /^[0-9a-f]{32}$/);
    const inline = await cli(['projects', 'create', '--title', 'Frames', '--input-type', 'IMAGE', '--interface', JSON.stringify({ jobs: { KIND: { mlTask: 'CLASSIFICATION', content: { categories: { A: { name: 'A' } }, input: 'radio' } } } })]);
    ok(inline, 'create with the interface inline');
    assert.match(inline.stdout, /^created project [0-9a-f]{32}: add videos with `camtrove assets add [0-9a-f]{32} FILE\.\.\.`\n$/);

    const [listed, table, shown, human] = await Promise.all([
      json<{ projects: { id: string; title: string; inputType: string; numberOfAssets: number }[]; total: number }>(['projects', 'ls']),
      cli(['projects', 'ls', '--first', '1']),
      json<{ title: string; description: string; jsonInterface: typeof INTERFACE }>(['projects', 'show', projectId]),
      cli(['projects', 'show', projectId]),
    ]);
    assert.deepEqual(listed.projects.map((p) => [p.title, p.inputType, p.numberOfAssets]), [['Gate traffic', 'VIDEO', 0], ['Frames', 'IMAGE', 0]]);
    assert.equal(listed.total, 2);
    ok(table, 'projects ls');
    const [header, row, more] = table.stdout.trim().split('\n');
    assert.match(header!, /^ID\s+TYPE\s+ASSETS\s+CREATED \(UTC\)\s+TITLE$/);
    assert.match(row!, new RegExp(`^${projectId}\\s+VIDEO\\s+0\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+Gate traffic$`));
    assert.equal(more, '1-1 of 2; more: --skip 1');

    assert.deepEqual([shown.title, shown.description, Object.keys(shown.jsonInterface.jobs).sort()], ['Gate traffic', 'cars at the north gate', ['COLOR', 'VEHICLE']]);
    ok(human, 'projects show');
    assert.match(human.stdout, /VEHICLE: OBJECT_DETECTION; tools rectangle; categories CAR, TRUCK/);
    assert.match(human.stdout, /COLOR \(child\): CLASSIFICATION; categories RED, BLUE/);
  });

  it('projects create refuses a bad interface with one line naming the job and key, and creates nothing', async () => {
    const unknownTask = { jobs: { VEHICLE: { mlTask: 'GUESSING', content: { categories: { CAR: { name: 'Car' } } } } } };
    const missingChild = { jobs: { VEHICLE: { mlTask: 'CLASSIFICATION', content: { categories: { CAR: { name: 'Car', children: ['COLOR'] } } } } } };
    // A few at a time: each refusal is its own process, and they share nothing.
    await Promise.all([
      refused(['projects', 'create', '--title', 'x', '--interface', JSON.stringify(unknownTask)], 1, 'CAMTROVE_ERR_INVALID_INTERFACE', 'VEHICLE', 'GUESSING'),
      refused(['projects', 'create', '--title', 'x', '--interface', JSON.stringify(missingChild)], 1, 'CAMTROVE_ERR_INVALID_INTERFACE', 'COLOR'),
      refused(['projects', 'create', '--title', 'x', '--interface', join(env.dir, 'missing.json')], 2, '--interface', 'no such file'),
      refused(['projects', 'create', '--title', 'x', '--interface', '{"jobs": '], 2, '--interface', 'not JSON'),
    ]);
    await Promise.all([
      refused(['projects', 'create', '--title', 'x', '--interface', '{}', '--input-type', 'AUDIO'], 2, '--input-type', 'VIDEO, IMAGE'),
      refused(['projects', 'create', '--interface', '{}'], 2, '--title'),
    ]);
    assert.equal((await json<{ total: number }>(['projects', 'ls'])).total, 2);
  });

  it('assets add a local clip with an external id and metadata: uploaded, prepared, frames counted', async () => {
    const added = await json<AddAnswer>(['assets', 'add', projectId, clip, '--external-id', 'clip-1', '--metadata', '{"site": "north", "speed": 12}']);
    assert.equal(added.id, projectId);
    assert.equal(added.assetIds.length, 1);
    assert.deepEqual([added.failed, added.skipped, added.warnings], [[], [], []]);
    const shown = await asset('clip-1');
    assert.equal(shown.id, added.assetIds[0]);
    assert.equal(shown.processing.state, 'READY');
    assert.deepEqual([shown.numberOfFrames, shown.resolution], [5, { width: 160, height: 120 }]);
    assert.deepEqual([shown.jsonMetadata.site, shown.jsonMetadata.speed], ['north', 12]);
    assert.match(shown.content, /^camtrove:file\/[0-9a-f]{64}$/, 'the clip is in the library, named by its content');
    // The same asset by its id, and in words.
    const [byId, human] = await Promise.all([asset(shown.id), cli(['assets', 'show', projectId, 'clip-1'])]);
    assert.equal(byId.externalId, 'clip-1');
    ok(human, 'assets show');
    assert.match(human.stdout, new RegExp(`^asset ${shown.id}\n`));
    assert.match(human.stdout, /frames:\s+5\n/);
    assert.match(human.stdout, /size:\s+160x120\n/);
  });

  it('assets add --frames: images, local, as one asset of as many frames, each keeping its size', async () => {
    const added = await json<AddAnswer>(['assets', 'add', projectId, '--frames', frames.join(','), '--external-id', 'frames-1']);
    assert.deepEqual([added.assetIds.length, added.failed], [1, []]);
    const shown = await asset('frames-1');
    assert.equal(shown.processing.state, 'READY');
    assert.equal(shown.numberOfFrames, 3);
    assert.equal(shown.jsonContent?.length, 3);
    for (const ref of shown.jsonContent ?? []) assert.match(ref, /^camtrove:file\/[0-9a-f]{64}$/);
    // The same list from a file, one image per line.
    await writeFile(join(env.dir, 'frames.txt'), `${frames.join('\n')}\n`);
    const fromFile = await json<AddAnswer>(['assets', 'add', projectId, '--frames', `@${join(env.dir, 'frames.txt')}`, '--external-id', 'frames-2']);
    assert.equal(fromFile.assetIds.length, 1);
    assert.deepEqual((await asset('frames-2')).jsonContent, shown.jsonContent, 'the same images, stored once');
  });

  it('assets add --split-frames and --fps set the processing parameters and the frames follow them', async () => {
    const split = await json<AddAnswer>(['assets', 'add', projectId, longer, '--split-frames', '--external-id', 'split-1']);
    assert.deepEqual(split.failed, []);
    const splitAsset = await asset('split-1');
    assert.equal(splitAsset.jsonMetadata.processingParameters?.shouldUseNativeVideo, false);
    assert.equal(splitAsset.numberOfFrames, 20, '2 s at 10 fps: every frame');

    const sampled = await json<AddAnswer>(['assets', 'add', projectId, longer, '--fps', '5', '--external-id', 'fps-1', '--metadata', '{"site": "south", "speed": 30}']);
    assert.deepEqual(sampled.failed, []);
    const sampledAsset = await asset('fps-1');
    assert.equal(sampledAsset.jsonMetadata.processingParameters?.framesPlayedPerSecond, 5);
    assert.equal(sampledAsset.jsonMetadata.processingParameters?.shouldKeepNativeFrameRate, false);
    assert.equal(sampledAsset.jsonMetadata.site, 'south');
    assert.equal(sampledAsset.numberOfFrames, 10, '2 s sampled at 5 fps');
  });

  it('assets ls filters by external id (contains, or exactly) and metadata, and pages', async () => {
    const ids = async (...filters: string[]) => (await json<{ assets: { externalId: string }[] }>(['assets', 'ls', projectId, ...filters])).assets.map((a) => a.externalId).sort();
    // Read-only: the searches run side by side.
    const found = await Promise.all([
      ids(),
      ids('--external-id-in', 'frames'),
      ids('--external-id-in', 'clip,split'),
      ids('--external-id-strictly-in', 'frames'),
      ids('--external-id-strictly-in', 'frames-1', '--external-id-strictly-in', 'fps-1'),
      ids('--metadata-where', '{"site": "north"}'),
      ids('--metadata-where', '{"site": ["north", "south"]}'),
      ids('--metadata-where', '{"speed": [20, 40]}'),
    ]);
    assert.deepEqual(found, [
      ['clip-1', 'fps-1', 'frames-1', 'frames-2', 'split-1'],
      ['frames-1', 'frames-2'],
      ['clip-1', 'split-1'],
      [],
      ['fps-1', 'frames-1'],
      ['clip-1'],
      ['clip-1', 'fps-1'],
      ['fps-1'],
    ]);

    const [some, table] = await Promise.all([
      json<{ assets: Record<string, unknown>[]; total: number }>(['assets', 'ls', projectId, '--fields', 'id,externalId', '--first', '2', '--skip', '1']),
      cli(['assets', 'ls', projectId, '--first', '2']),
    ]);
    assert.equal(some.total, 5);
    assert.equal(some.assets.length, 2);
    for (const a of some.assets) assert.deepEqual(Object.keys(a).sort(), ['externalId', 'id']);

    ok(table, 'assets ls');
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0]!, /^ID\s+EXTERNAL ID\s+STATE\s+FRAMES\s+SIZE\s+FPS\s+CREATED \(UTC\)$/);
    assert.match(lines[1]!, /^[0-9a-f]{32}\s+clip-1\s+READY\s+5\s+160x120\s+5\s+\d{4}-/);
    assert.equal(lines.at(-1), '1-2 of 5; more: --skip 2');
    await refused(['assets', 'ls', projectId, '--metadata-where', '{"site": '], 1, '--metadata-where', 'CAMTROVE_ERR_INVALID_QUERY');
    await refused(['assets', 'ls', projectId, '--first', '0'], 2, '--first');
  });

  it('an external id already in the project is skipped with a warning; when all are, nothing is added', async () => {
    const again = await cli(['assets', 'add', projectId, clip, longer, '--external-id', 'clip-1', '--external-id', 'new-1', '--json']);
    ok(again, 'add with one existing id');
    const answer = JSON.parse(again.stdout) as AddAnswer;
    assert.equal(answer.assetIds.length, 1);
    assert.deepEqual(answer.skipped, [{ externalId: 'clip-1', reason: 'exists' }]);
    assert.match(again.stderr, /^warning: .*clip-1/m);
    await refused(['assets', 'add', projectId, clip, '--external-id', 'clip-1'], 1, 'CAMTROVE_ERR_INVALID_ASSETS', 'no assets to import');
  });

  it('assets rm by external id or asset id; the library keeps the files', async () => {
    const removed = await json<{ deleted: number }>(['assets', 'rm', projectId, '--external-id', 'new-1']);
    assert.equal(removed.deleted, 1);
    const { id } = await asset('frames-2');
    const human = await cli(['assets', 'rm', projectId, id]);
    ok(human, 'assets rm by id');
    assert.equal(human.stdout, `removed 1 asset from project ${projectId}\n`);
    await refused(['assets', 'show', projectId, 'frames-2'], 1, 'CAMTROVE_ERR_ASSET_NOT_FOUND', 'frames-2');
    await refused(['assets', 'rm', projectId], 1, 'asset ids', '--external-id');
    await refused(['assets', 'rm', projectId, id, '--external-id', 'clip-1'], 1, 'not both');
    const files = await json<{ files: { name: string }[] }>(['files', 'ls']);
    assert.ok(files.files.some((f) => f.name === 'clip.mp4'), 'the uploaded clip stays in the library');
  });

  it('refuses bad input with one line naming it, before uploading anything', async () => {
    const notVideo = join(env.dir, 'notes.txt');
    await writeFile(notVideo, 'not a video');
    // A few at a time: each refusal is its own process, and they share nothing.
    await Promise.all([
      refused(['assets', 'add', projectId, notVideo], 1, 'CAMTROVE_ERR_INVALID_ASSETS', notVideo, 'mp4, mkv, 3gp, avi, m4v, mov, webm'),
      refused(['assets', 'add', projectId, join(env.dir, 'missing.mp4')], 1, 'missing.mp4', 'no such file'),
      refused(['assets', 'add', projectId, clip, 'http://127.0.0.1:9/clip.mp4'], 1, 'CAMTROVE_ERR_INVALID_ASSETS', 'cannot be mixed'),
      refused(['assets', 'add', projectId, clip, '--frames', frames.join(',')], 1, 'not both'),
    ]);
    await Promise.all([
      refused(['assets', 'add', projectId], 1, 'nothing to add'),
      refused(['assets', 'add', projectId, clip, '--metadata', '[1, 2]'], 1, 'CAMTROVE_ERR_INVALID_METADATA', '--metadata'),
      refused(['assets', 'add', projectId, clip, '--metadata', '{"speed": NaN}'], 1, 'CAMTROVE_ERR_INVALID_METADATA', 'not JSON'),
      refused(['assets', 'add', projectId, clip, longer, '--metadata', '{}', '--metadata', '{}', '--metadata', '{}'], 1, '3 --metadata for 2 assets'),
    ]);
    await Promise.all([
      refused(['assets', 'add', projectId, clip, '--fps', '0'], 1, '--fps', 'positive'),
      refused(['assets', 'add', projectId, clip, '--external-id', 'a', '--external-id', 'b'], 1, '2 --external-id for 1 asset'),
      refused(['assets', 'add', projectId, 'ftp://example.com/a.mp4'], 1, 'ftp://example.com/a.mp4'),
      refused(['assets', 'add', 'f'.repeat(32), clip], 1, 'CAMTROVE_ERR_PROJECT_NOT_FOUND', 'f'.repeat(32)),
    ]);
    await Promise.all([
      refused(['projects', 'show', 'f'.repeat(32)], 1, 'CAMTROVE_ERR_PROJECT_NOT_FOUND', 'f'.repeat(32)),
    ]);
    assert.equal((await json<{ total: number }>(['assets', 'ls', projectId])).total, 4, 'nothing added');
  });

  it('a truncated video is named by its external id when its preparation fails, and the command exits 1', async () => {
    const bytes = await readFile(longer);
    const truncated = join(env.dir, 'truncated.mp4');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const result = await cli(['assets', 'add', projectId, truncated, '--external-id', 'broken-1']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /broken-1/);
    assert.match(result.stderr, /CAMTROVE_ERR_(ASSET_SOURCE|MEDIA_UNREADABLE|MEDIA_PROCESSING)/);
    // Added and failed (the call says which), or refused whole: either way nothing is left half-prepared.
    const left = await json<{ assets: AssetJson[] }>(['assets', 'ls', projectId, '--external-id-strictly-in', 'broken-1']);
    for (const a of left.assets) {
      assert.equal(a.processing.state, 'FAILED');
      ok(await cli(['assets', 'rm', projectId, a.id]), 'rm the failed asset');
    }
  });

  it('projects rm deletes a project with its assets', async () => {
    const removed = await cli(['projects', 'rm', projectId]);
    ok(removed, 'projects rm');
    assert.equal(removed.stdout, `deleted project ${projectId} with 4 assets\n`);
    await refused(['projects', 'show', projectId], 1, 'CAMTROVE_ERR_PROJECT_NOT_FOUND', projectId);
    await refused(['assets', 'ls', projectId], 1, 'CAMTROVE_ERR_PROJECT_NOT_FOUND');
  });
});
