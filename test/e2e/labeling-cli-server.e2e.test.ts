import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { EventRepository } from '../../src/adapters/db/event.repository.js';
import { openLibrary } from '../../src/main.js';
import { Processes } from '../helpers/cli.js';
import { labelingCli } from '../helpers/labeling-cli.js';
import { eventRecord, motionEvent } from '../helpers/events.js';
import { makeVideo } from '../helpers/media.js';
import { readZip } from '../helpers/zip.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

interface AddAnswer {
  id: string;
  assetIds: string[];
  failed?: { assetId: string; externalId: string; error: { code: string; message: string } }[];
}

interface AssetJson {
  id: string;
  externalId: string;
  jsonMetadata: Record<string, unknown>;
  processing: { state: string };
  numberOfFrames: number | null;
}

const INTERFACE = { jobs: { VEHICLE: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], content: { categories: { CAR: { name: 'Car' } }, input: 'radio' } } } };

/**
 * `camtrove assets from-events`, and the `projects`/`assets` commands against a `camtrove serve`
 * with --server and on a library that has API tokens (labeling-cli.e2e.test.ts has the rest).
 */
describe(`camtrove assets from events, and the labeling commands on a server (${dialectName})`, () => {
  let env: TestEnv;
  const processes = new Processes();
  let clip: string;

  const { cli, ok, json, refused } = labelingCli(processes, () => env);

  before(async () => {
    env = await createTestEnv();
    clip = await makeVideo(join(env.dir, 'clip.mp4'), { seconds: 1, width: 160, height: 120, fps: 5 });
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  it('assets from-events makes each matching event an asset once; a re-run adds nothing', async () => {
    const library = await openLibrary(env.config(), { logger: pino({ level: 'silent' }) });
    try {
      await library.cameras.add({ id: 'gate-1', type: 'import' });
      const { file } = await library.files.addFromPath(clip, { name: 'event-clip.mp4' });
      const start = Date.UTC(2026, 10, 30, 8);
      await new EventRepository(library.database).replaceForMedia(file.id, [
        eventRecord('e'.repeat(32), file.id, motionEvent(0, 1, { score: 0.9 }), { cameraId: 'gate-1', startedAt: start, endedAt: start + 1000, clipFileId: file.id }),
        eventRecord('d'.repeat(32), file.id, motionEvent(0, 1, { score: 0.2 }), { cameraId: 'gate-1', startedAt: start + 5000, endedAt: start + 6000, clipFileId: file.id }),
      ]);
    } finally {
      await library.close();
    }
    const { id: eventsProject } = await json<{ id: string }>(['projects', 'create', '--title', 'Events', '--interface', JSON.stringify(INTERFACE)]);
    const added = await json<AddAnswer>(['assets', 'from-events', eventsProject, '--camera', 'gate-1', '--min-score', '0.5']);
    assert.deepEqual([added.assetIds.length, added.failed], [1, []]);
    const listed = await json<{ assets: AssetJson[] }>(['assets', 'ls', eventsProject]);
    assert.deepEqual(listed.assets.map((a) => [a.externalId, a.processing.state, a.numberOfFrames]), [[`event:${'e'.repeat(32)}`, 'READY', 5]]);
    assert.equal(listed.assets[0]!.jsonMetadata.camera ?? listed.assets[0]!.jsonMetadata.cameraId, 'gate-1');
    const again = await cli(['assets', 'from-events', eventsProject, '--camera', 'gate-1']);
    ok(again, 'from-events again');
    assert.match(again.stdout, /^added 1 asset to project/, 'only the event not yet there');
    const none = await json<AddAnswer>(['assets', 'from-events', eventsProject, '--camera', 'gate-1']);
    assert.deepEqual(none.assetIds, []);
    await refused(['assets', 'from-events', eventsProject, '--min-score', 'high'], 1, 'score');
  });

  it('works the same against a camtrove server with --server, which keeps the library', async () => {
    const server = await processes.serve(env.env());
    const client = await createTestEnv();
    try {
      const remote = (args: string[]) => processes.run([...args, '--server', server.url], client.env(), { timeoutMs: 90_000 });
      const created = await remote(['projects', 'create', '--title', 'Remote', '--interface', JSON.stringify(INTERFACE), '--json']);
      ok(created, 'create on the server');
      const { id } = JSON.parse(created.stdout) as { id: string };
      const added = await remote(['assets', 'add', id, clip, '--external-id', 'remote-1', '--json']);
      ok(added, 'add on the server');
      assert.deepEqual((JSON.parse(added.stdout) as AddAnswer).failed, []);
      const shown = await remote(['assets', 'show', id, 'remote-1', '--json']);
      ok(shown, 'show on the server');
      assert.equal((JSON.parse(shown.stdout) as AssetJson).numberOfFrames, 5);
      // labels add: the file's name names the asset; a bad label is refused naming its frame.
      const box = [{ normalizedVertices: [{ x: 0.1, y: 0.4 }, { x: 0.1, y: 0.2 }, { x: 0.3, y: 0.2 }, { x: 0.3, y: 0.4 }] }];
      await writeFile(join(client.dir, 'remote-1.json'), JSON.stringify({ '0': { VEHICLE: { annotations: [{ mid: 'c1', type: 'rectangle', categories: [{ name: 'CAR' }], isKeyFrame: true, boundingPoly: box }] } } }));
      await writeFile(join(client.dir, 'bad.json'), JSON.stringify({ '9': {} }));
      const labelled = await remote(['labels', 'add', id, join(client.dir, 'remote-1.json'), '--author', 'ana']);
      ok(labelled, 'labels add on the server');
      assert.match(labelled.stdout, /^added 1 label to project /);
      const badLabel = await remote(['labels', 'add', id, join(client.dir, 'bad.json'), '--external-id', 'remote-1']);
      assert.equal(badLabel.code, 1);
      assert.match(badLabel.stderr, /^error: invalid label for asset "remote-1": frame 9: beyond the asset's last frame \(4\) \(CAMTROVE_ERR_INVALID_LABEL\)\n$/);
      const predicted = await remote(['labels', 'add', id, join(client.dir, 'remote-1.json'), '--type', 'PREDICTION', '--model', 'detector', '--json']);
      ok(predicted, 'a prediction');
      const labels = await remote(['labels', 'ls', id, '--with-json-response', '--json']);
      ok(labels, 'labels ls');
      const listedLabels = (JSON.parse(labels.stdout) as { labels: { id: string; labelType: string; authorId: string | null; jsonResponse: Record<string, unknown> }[]; total: number });
      assert.deepEqual(listedLabels.labels.map((l) => [l.labelType, l.authorId]), [['DEFAULT', 'ana'], ['PREDICTION', null]]);
      assert.equal(Object.keys(listedLabels.labels[0]!.jsonResponse).length, 5, 'every frame of the 5-frame clip');
      const table = await remote(['labels', 'ls', id, '--type', 'PREDICTION']);
      assert.match(table.stdout, /PREDICTION\s+detector\s+1\s+1\s/);
      // labels export, then the CVAT file added back as a REVIEW label.
      const zip = join(client.dir, 'cvat.zip');
      const exportedZip = await remote(['labels', 'export', id, '--fmt', 'cvat_video', '-o', zip]);
      ok(exportedZip, 'labels export');
      assert.match(exportedZip.stdout, /^exported 1 asset as cvat_video to .*cvat\.zip/);
      const xml = (await readZip(zip)).get('annotations.xml')!;
      assert.match(xml, /<box frame="0" [^>]*keyframe="1"/);
      await writeFile(join(client.dir, 'remote-1.xml'), xml);
      const fromCvat = await remote(['labels', 'add', id, join(client.dir, 'remote-1.xml'), '--type', 'REVIEW', '--json']);
      ok(fromCvat, 'labels add from CVAT');
      const noFolder = await remote(['labels', 'export', id, '--fmt', 'mot', '-o', join(client.dir, 'missing', 'x.zip')]);
      assert.equal(noFolder.code, 1);
      assert.match(noFolder.stderr, /CAMTROVE_ERR_OUTPUT_PATH/);
      const removedLabel = await remote(['labels', 'rm', id, listedLabels.labels[1]!.id]);
      assert.equal(removedLabel.stdout, `deleted 1 label of project ${id}\n`);
      // The same library, read locally.
      assert.equal((await json<AssetJson>(['assets', 'show', id, 'remote-1'])).numberOfFrames, 5);
      assert.ok((await json<{ projects: { title: string }[] }>(['projects', 'ls'])).projects.some((p) => p.title === 'Remote'));
      const removed = await remote(['projects', 'rm', id]);
      ok(removed, 'rm on the server');
      assert.equal(removed.stdout, `deleted project ${id} with 1 asset\n`);
    } finally {
      server.process.kill('SIGTERM');
      await server.process.waitForExit();
      await client.cleanup();
    }
    const gone = await processes.run(['projects', 'ls', '--server', server.url], env.env());
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^error: .*\(CAMTROVE_ERR_SERVER_UNREACHABLE\)\n$/);
    assert.ok(gone.stderr.includes(server.url), gone.stderr);
  });

  it('a library with API tokens still serves its own commands: the in-process server takes only the command\'s own key', async () => {
    ok(await cli(['token', 'create', '--name', 'ci']), 'token create');
    const { id } = await json<{ id: string }>(['projects', 'create', '--title', 'With a token', '--interface', JSON.stringify(INTERFACE)]);
    const listed = await json<{ projects: { id: string }[] }>(['projects', 'ls']);
    assert.ok(listed.projects.some((p) => p.id === id));
  });

});
