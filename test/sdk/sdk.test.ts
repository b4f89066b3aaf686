// Every method of the SDK against a real served library, through the REST API: projects, the four
// kinds of asset source, Kili's semantics, filters, the generator, typed errors and API keys.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventRepository } from '../../src/adapters/db/event.repository.js';
import { AuthError, BatchImportError, Camtrove, CamtroveApiError, ImportValidationError, NotFoundError, type Asset, type JsonInterface } from '../../src/sdk/index.js';
import { eventRecord, motionEvent } from '../helpers/events.js';
import { servedLibrary } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { dialectName } from '../helpers/test-library.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const jsonInterface: JsonInterface = {
  jobs: {
    OBJECTS: { mlTask: 'OBJECT_DETECTION', required: 1, isChild: false, tools: ['rectangle'], content: { input: 'radio', categories: { CAR: { name: 'Car' }, PERSON: { name: 'Person' } } } },
    WEATHER: { mlTask: 'CLASSIFICATION', required: 0, content: { input: 'radio', categories: { SUN: { name: 'Sun' }, RAIN: { name: 'Rain' } } } },
  },
};

/** Serves files of a folder on 127.0.0.1 (404 for the others): the URLs the server fetches. */
async function fileServer(files: Record<string, string>): Promise<{ url: string; close(): void }> {
  const server: Server = createServer((request, response) => {
    const path = files[request.url ?? ''];
    if (!path) return void response.writeHead(404).end('not here');
    response.writeHead(200, { 'content-type': 'video/mp4' });
    createReadStream(path).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

async function rejectsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error, expected: { code?: string; status?: number; message?: RegExp }): Promise<Error> {
  let caught: Error | undefined;
  await assert.rejects(promise, (error: Error) => {
    caught = error;
    assert.ok(error instanceof type, `expected ${type.name}, got ${error.name}: ${error.message}`);
    if (expected.code) assert.equal((error as CamtroveApiError).code, expected.code, error.message);
    if (expected.status) assert.equal((error as CamtroveApiError).status, expected.status);
    if (expected.message) assert.match(error.message, expected.message);
    return true;
  });
  return caught!;
}

describe(`the SDK against a served library (${dialectName})`, () => {
  const served = servedLibrary();
  let camtrove: Camtrove;
  let clip: string;
  let images: string[];
  let urls: { url: string; close(): void };

  before(async () => {
    served.library.startWorkers();
    const dir = served.library.env.dir;
    clip = await makeVideo(join(dir, 'clip.mp4'), { seconds: 2, fps: 10 });
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=1:duration=3', '-q:v', '2', join(dir, 'image-%d.jpg')]);
    images = [1, 2, 3].map((i) => join(dir, `image-${i}.jpg`));
    await writeFile(join(dir, 'broken.mp4'), Buffer.from('this is no video at all, only text that says it is one'));
    urls = await fileServer({ '/clip.mp4': clip, '/clip': clip });
    camtrove = new Camtrove({ apiEndpoint: served.server.url });
  });
  after(() => urls?.close());

  const newProject = async (title = 'survey') => (await camtrove.createProject({ title, description: 'gate', inputType: 'VIDEO', jsonInterface })).id;
  const assetOf = async (projectId: string, externalId: string): Promise<Asset> => {
    const [asset] = await camtrove.assets({ projectId, externalIdStrictlyIn: [externalId] });
    assert.ok(asset, `no asset ${externalId}`);
    return asset;
  };

  it('creates, lists, counts, updates and deletes projects', async () => {
    const before = await camtrove.countProjects();
    const id = await newProject('first');
    assert.match(id, /^[0-9a-f]{32}$/);
    const second = await newProject('second');
    assert.equal(await camtrove.countProjects(), before + 2);
    const [project] = await camtrove.projects({ projectId: id });
    assert.equal(project?.title, 'first');
    assert.equal(project?.description, 'gate');
    assert.equal(project?.inputType, 'VIDEO');
    assert.equal(project?.numberOfAssets, 0);
    assert.deepEqual(Object.keys(project.jsonInterface.jobs).sort(), ['OBJECTS', 'WEATHER']);
    assert.match(project.createdAt, /^\d{4}-\d\d-\d\dT.*Z$/);
    const all = await camtrove.projects();
    assert.deepEqual(all.slice(-2).map((p) => p.id), [id, second], 'in creation order');
    assert.deepEqual((await camtrove.projects({ first: 1, skip: all.length - 1 })).map((p) => p.id), [second]);
    const updated = await camtrove.updateProject({ projectId: id, title: 'renamed', description: 'north gate' });
    assert.equal(updated.title, 'renamed');
    assert.equal(updated.description, 'north gate');
    assert.deepEqual(await camtrove.deleteProject(second), { id: second, deletedAssets: 0 });
    await rejectsWith(camtrove.updateProject({ projectId: second, title: 'x' }), NotFoundError, { code: 'CAMTROVE_ERR_PROJECT_NOT_FOUND', status: 404 });
    await rejectsWith(camtrove.deleteProject(second), NotFoundError, { code: 'CAMTROVE_ERR_PROJECT_NOT_FOUND' });
    await rejectsWith(camtrove.assets({ projectId: second }), NotFoundError, { code: 'CAMTROVE_ERR_PROJECT_NOT_FOUND' });
  });

  it('refuses an invalid interface naming the job, with the API code', async () => {
    const bad = { jobs: { BOXES: { mlTask: 'OBJECT_DETECTION', tools: ['lasso'] } } };
    await rejectsWith(camtrove.createProject({ title: 't', inputType: 'VIDEO', jsonInterface: bad }), CamtroveApiError, { code: 'CAMTROVE_ERR_INVALID_INTERFACE', status: 400, message: /BOXES/ });
  });

  it('adds a local video, uploaded once by content, and resolves once it is ready', async () => {
    const projectId = await newProject();
    const progress: number[] = [];
    const result = await camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['clip'], jsonMetadataArray: [{ camera: 'gate' }], onProgress: (p) => progress.push(p.bytesUploaded) });
    assert.equal(result.id, projectId);
    assert.equal(result.assetIds.length, 1);
    assert.deepEqual(result.warnings, []);
    assert.equal(progress.at(-1), (await readFile(clip)).length);
    const asset = await assetOf(projectId, 'clip');
    assert.equal(asset.id, result.assetIds[0]);
    assert.equal(asset.content, `camtrove:file/${await sha256(clip)}`);
    assert.equal(asset.processing.state, 'READY');
    assert.equal(asset.numberOfFrames, 20);
    assert.deepEqual(asset.resolution, { width: 320, height: 240 });
    assert.equal(asset.frameRate, 10);
    assert.equal(asset.codec, 'h264');
    assert.equal(asset.jsonMetadata.camera, 'gate');
    assert.equal(asset.status, 'TODO');
    assert.deepEqual(asset.labels, []);
    // The same bytes again, in another asset: the library keeps one file.
    await camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['again'] });
    assert.equal((await assetOf(projectId, 'again')).content, asset.content);
  });

  it('adds a video by URL, splits one into frames, plays images as one video, samples at a rate', async () => {
    const projectId = await newProject();
    await camtrove.appendManyToDataset({ projectId, contentArray: [`${urls.url}/clip.mp4`, `${urls.url}/clip`], externalIdArray: ['url', 'url-no-extension'] });
    assert.equal((await assetOf(projectId, 'url')).numberOfFrames, 20);
    assert.equal((await assetOf(projectId, 'url-no-extension')).numberOfFrames, 20, 'a URL without an extension is probed');

    await camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['split'], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo: false } }] });
    const split = await assetOf(projectId, 'split');
    assert.equal(split.numberOfFrames, 20);
    assert.equal(split.jsonMetadata.processingParameters?.shouldUseNativeVideo, false);

    await camtrove.appendManyToDataset({ projectId, jsonContentArray: [images], externalIdArray: ['images'] });
    const list = await assetOf(projectId, 'images');
    assert.equal(list.numberOfFrames, 3);
    assert.deepEqual(list.jsonContent, await Promise.all(images.map(async (image) => `camtrove:file/${await sha256(image)}`)));

    await camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['sampled'], jsonMetadataArray: [{ processingParameters: { framesPlayedPerSecond: 5, shouldKeepNativeFrameRate: false } }] });
    const sampled = await assetOf(projectId, 'sampled');
    assert.equal(sampled.numberOfFrames, 10, '2 s at 5 frames a second');
    assert.equal(sampled.jsonMetadata.processingParameters?.numberOfFrames, 10, 'the measured count is filled in');
  });

  it('a library file or event by reference is never uploaded again', async () => {
    const projectId = await newProject();
    const fileId = await sha256(clip);
    const { fetch: counted, calls } = countingFetch();
    const client = new Camtrove({ apiEndpoint: served.server.url, fetch: counted });
    await client.appendManyToDataset({ projectId, contentArray: [`camtrove:file/${fileId.slice(0, 12)}`], externalIdArray: ['ref'] });
    assert.ok(!calls.some((call) => call.includes('/api/files')), calls.join('\n'));
    assert.equal((await assetOf(projectId, 'ref')).numberOfFrames, 20);
  });

  it('rejects naming the asset that could not be prepared, or resolves at once without waiting', async () => {
    const projectId = await newProject();
    const error = await rejectsWith(camtrove.appendManyToDataset({ projectId, contentArray: [join(served.library.env.dir, 'broken.mp4'), clip], externalIdArray: ['broken', 'fine'] }), BatchImportError, { message: /broken/ });
    assert.deepEqual((error as BatchImportError).failed.map((f) => f.externalId), ['broken']);
    assert.equal((error as BatchImportError).code, 'CAMTROVE_ERR_MEDIA_UNREADABLE');
    // A URL that fails is refused when it is fetched, before anything is added.
    await rejectsWith(camtrove.appendManyToDataset({ projectId, contentArray: [`${urls.url}/gone.mp4`], externalIdArray: ['dead-url'] }), CamtroveApiError, { code: 'CAMTROVE_ERR_ASSET_SOURCE', status: 422, message: /dead-url.*404/ });
    assert.equal(await camtrove.countAssets({ projectId, externalIdStrictlyIn: ['dead-url'] }), 0);
    const quick = await camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['no-wait'], waitUntilAvailability: false });
    assert.equal(quick.assetIds.length, 1);
    assert.ok(['PENDING', 'READY'].includes((await assetOf(projectId, 'no-wait')).processing.state));
  });

  describe("Kili's semantics", () => {
    it('drops every copy of an externalId repeated in a call, with a warning naming it', async () => {
      const projectId = await newProject();
      const result = await camtrove.appendManyToDataset({ projectId, contentArray: [clip, clip, clip], externalIdArray: ['one', 'twice', 'twice'] });
      assert.equal(result.assetIds.length, 1);
      assert.match(result.warnings.join('\n'), /twice/);
      assert.ok(result.skipped.some((s) => s.externalId === 'twice' && s.reason === 'duplicate_in_request'));
      assert.equal(await camtrove.countAssets({ projectId, externalIdStrictlyIn: ['twice'] }), 0);
    });

    it('skips externalIds already in the project with a warning; when all are, "no assets to import"', async () => {
      const projectId = await newProject();
      await camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['first'] });
      const result = await camtrove.appendManyToDataset({ projectId, contentArray: [clip, clip], externalIdArray: ['first', 'second'] });
      assert.equal(result.assetIds.length, 1);
      assert.match(result.warnings.join('\n'), /first/);
      assert.deepEqual(result.skipped, [{ externalId: 'first', reason: 'exists' }]);
      await rejectsWith(camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['first'] }), ImportValidationError, { code: 'CAMTROVE_ERR_INVALID_ASSETS', status: 400, message: /no assets to import/ });
      assert.equal(await camtrove.countAssets({ projectId }), 2);
    });

    it('gives an asset without an externalId a random one', async () => {
      const projectId = await newProject();
      const { assetIds } = await camtrove.appendManyToDataset({ projectId, contentArray: [clip] });
      const [asset] = await camtrove.assets({ projectId, assetId: assetIds[0] });
      assert.match(asset!.externalId, /^[0-9a-f]{32}$/);
    });

    it('refuses, on the server too, a URL that is not a video, and URLs mixed with library references', async () => {
      const projectId = await newProject();
      await rejectsWith(camtrove.appendManyToDataset({ projectId, contentArray: [`${urls.url}/notes.txt`], externalIdArray: ['notes'] }), ImportValidationError, { message: /notes.*mp4, mkv, 3gp, avi, m4v, mov, webm/ });
      await rejectsWith(camtrove.appendManyToDataset({ projectId, contentArray: [`${urls.url}/clip.mp4`, `camtrove:file/${(await sha256(clip)).slice(0, 12)}`] }), ImportValidationError, { code: 'CAMTROVE_ERR_INVALID_ASSETS' });
      assert.equal(await camtrove.countAssets({ projectId }), 0, 'nothing half-added');
    });

    it('updatePropertiesInAssets replaces metadata but keeps processingParameters left out; addMetadata merges; setMetadata keeps text, url, processingParameters', async () => {
      const projectId = await newProject();
      const processingParameters = { framesPlayedPerSecond: 5, shouldKeepNativeFrameRate: false };
      await camtrove.appendManyToDataset({ projectId, contentArray: [clip, clip], externalIdArray: ['a', 'b'], jsonMetadataArray: [{ x: 1, y: 2, processingParameters }, { text: 'note', url: 'https://example.com', other: true }] });
      const [a, b] = [await assetOf(projectId, 'a'), await assetOf(projectId, 'b')];
      assert.deepEqual(await camtrove.updatePropertiesInAssets({ projectId, externalIds: ['a'], jsonMetadatas: [{ z: 3 }] }), [{ id: a.id }]);
      let metadata = (await assetOf(projectId, 'a')).jsonMetadata;
      assert.equal(metadata.z, 3);
      assert.equal(metadata.x, undefined, 'replaced');
      assert.equal(metadata.processingParameters?.framesPlayedPerSecond, 5, 'processingParameters kept');
      await camtrove.addMetadata({ projectId, assetIds: [a.id], jsonMetadatas: [{ w: 4 }] });
      metadata = (await assetOf(projectId, 'a')).jsonMetadata;
      assert.deepEqual([metadata.z, metadata.w], [3, 4], 'merged');
      await camtrove.setMetadata({ projectId, assetIds: [b.id], jsonMetadatas: [{ fresh: 1 }] });
      metadata = (await assetOf(projectId, 'b')).jsonMetadata;
      assert.deepEqual([metadata.fresh, metadata.text, metadata.url, metadata.other], [1, 'note', 'https://example.com', undefined]);
      await rejectsWith(camtrove.updatePropertiesInAssets({ projectId, externalIds: ['nobody'], jsonMetadatas: [{}] }), NotFoundError, { code: 'CAMTROVE_ERR_ASSET_NOT_FOUND', message: /nobody/ });
    });

    it('externalIdIn matches partially, externalIdStrictlyIn exactly; metadataWhere filters values and ranges; fields choose', async () => {
      const projectId = await newProject();
      const ids = ['cam-1-morning', 'cam-1-evening', 'cam-2-morning'];
      const metadata = [{ camera: 'gate', shift: 'day', speed: 12 }, { camera: 'gate', shift: 'night', speed: 30 }, { camera: 'yard', shift: 'day', speed: 18 }];
      await camtrove.appendManyToDataset({ projectId, contentArray: ids.map(() => clip), externalIdArray: ids, jsonMetadataArray: metadata, waitUntilAvailability: false });
      const names = async (filters: Partial<Parameters<Camtrove['countAssets']>[0]>) => (await camtrove.assets({ projectId, ...filters, fields: ['externalId'] })).map((a) => a.externalId).sort();
      assert.deepEqual(await names({ externalIdIn: ['morning'] }), ['cam-1-morning', 'cam-2-morning']);
      assert.deepEqual(await names({ externalIdIn: ['cam-1', 'cam-2-m'] }), ids.slice().sort());
      assert.deepEqual(await names({ externalIdStrictlyIn: ['morning'] }), []);
      assert.deepEqual(await names({ externalIdStrictlyIn: ['cam-1-morning', 'cam-2-morning'] }), ['cam-1-morning', 'cam-2-morning']);
      assert.deepEqual(await names({ metadataWhere: { camera: 'gate' } }), ['cam-1-evening', 'cam-1-morning']);
      assert.deepEqual(await names({ metadataWhere: { shift: ['night', 'dusk'] } }), ['cam-1-evening']);
      assert.deepEqual(await names({ metadataWhere: { speed: [12, 18] } }), ['cam-1-morning', 'cam-2-morning']);
      assert.deepEqual(await names({ metadataWhere: { camera: 'gate', speed: [20, 40] } }), ['cam-1-evening']);
      assert.equal(await camtrove.countAssets({ projectId, metadataWhere: { shift: 'day' } }), 2);
      assert.equal(await camtrove.countAssets({ projectId, externalIdIn: ['cam-1'] }), 2);
      const [only] = await camtrove.assets({ projectId, externalIdStrictlyIn: ['cam-1-morning'], fields: ['id', 'externalId'] });
      assert.deepEqual(Object.keys(only!).sort(), ['externalId', 'id']);
      await rejectsWith(camtrove.assets({ projectId, metadataWhere: { speed: { above: 1 } } }), CamtroveApiError, { code: 'CAMTROVE_ERR_INVALID_QUERY', message: /speed/ });
    });

    it('deleteManyFromDataset by externalIds or by assetIds', async () => {
      const projectId = await newProject();
      const { assetIds } = await camtrove.appendManyToDataset({ projectId, contentArray: [clip, clip, clip], externalIdArray: ['x', 'y', 'z'], waitUntilAvailability: false });
      const [x] = await camtrove.assets({ projectId, externalIdStrictlyIn: ['x'], fields: ['id'] });
      assert.deepEqual(await camtrove.deleteManyFromDataset({ projectId, externalIds: ['x'] }), { deleted: 1, assetIds: [x!.id] });
      const byId = await camtrove.deleteManyFromDataset({ projectId, assetIds: assetIds.filter((id) => id !== x!.id) });
      assert.equal(byId.deleted, 2);
      assert.equal(await camtrove.countAssets({ projectId }), 0);
      assert.equal((await camtrove.projects({ projectId }))[0]?.numberOfAssets, 0);
    });
  });

  it('appendEventsToDataset adds each matching event once, as event:<id>, with its metadata', async () => {
    const projectId = await newProject();
    const form = new FormData();
    form.append('file', new Blob([await readFile(clip)]), 'clip.mp4');
    const { file_id: media } = (await (await fetch(`${served.server.url}/api/files`, { method: 'POST', body: form })).json()) as { file_id: string };
    const info = { duration: 2, size: 1, bitRate: null, formatName: 'mov', creationTime: null, video: null, audio: null } as never;
    await served.library.database.db.insertInto('media').values({ id: media, camera_id: null, captured_at: null, duration: 2, width: 320, height: 240, fps: 10, video_codec: 'h264', latitude: null, longitude: null, info: JSON.stringify(info), created_at: 1, updated_at: 1 }).execute();
    const events = new EventRepository(served.library.database);
    const id = (n: number) => `${n}`.padStart(32, 'e');
    await events.replaceForMedia(media, [eventRecord(id(1), media, motionEvent(0, 1)), eventRecord(id(2), media, motionEvent(1, 2))]);
    await events.addLabel(id(1), { name: 'car', score: null, source: 'user' }, 1);

    const first = await camtrove.appendEventsToDataset({ projectId, where: { label: 'car' } });
    assert.equal(first.assetIds.length, 1);
    const asset = await assetOf(projectId, `event:${id(1)}`);
    assert.equal(asset.processing.state, 'READY');
    assert.ok(asset.jsonMetadata.score !== undefined && asset.jsonMetadata.labels !== undefined, JSON.stringify(asset.jsonMetadata));
    assert.deepEqual((await camtrove.appendEventsToDataset({ projectId, where: { label: 'car' } })).assetIds, [], 'a re-run adds nothing');
    assert.equal((await camtrove.appendEventsToDataset({ projectId, where: {} })).assetIds.length, 1, 'only the new event');
    assert.equal(await camtrove.countAssets({ projectId, externalIdIn: ['event:'] }), 2);
  });
});

/** A fetch that records the requests it sends. */
function countingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  return { calls, fetch: (input, init) => (calls.push(`${init?.method ?? 'GET'} ${input instanceof Request ? input.url : input.toString()}`), fetch(input, init)) };
}

describe(`the SDK pages through large projects (${dialectName})`, () => {
  // No workers here: 2,345 assets stay pending, which is all listing needs.
  const served = servedLibrary();

  it('assets() returns every asset 1000 at a time; first and skip page too; asGenerator fetches only what is read', async () => {
    const { fetch: counted, calls } = countingFetch();
    const camtrove = new Camtrove({ apiEndpoint: served.server.url, fetch: counted });
    const { id: projectId } = await camtrove.createProject({ title: 'many', inputType: 'VIDEO', jsonInterface });
    const clip = await makeVideo(join(served.library.env.dir, 'clip.mp4'), { seconds: 1 });
    const fileId = await sha256(clip);
    const externalIds = Array.from({ length: 2345 }, (_, i) => `asset-${String(i).padStart(5, '0')}`);
    // The first is the local file, uploaded; the others name it in the library.
    await camtrove.appendManyToDataset({ projectId, contentArray: externalIds.map((_, i) => (i === 0 ? clip : `camtrove:file/${fileId}`)), externalIdArray: externalIds, waitUntilAvailability: false });
    assert.equal(await camtrove.countAssets({ projectId }), 2345);

    calls.length = 0;
    const all = await camtrove.assets({ projectId, fields: ['externalId'] });
    assert.deepEqual(all.map((a) => a.externalId).sort(), externalIds);
    assert.equal(calls.length, 3, calls.join('\n'));
    assert.deepEqual(calls.map((c) => new URL(c.split(' ')[1]!).searchParams.get('skip')), ['0', '1000', '2000']);

    assert.equal((await camtrove.assets({ projectId, first: 1200, fields: ['id'] })).length, 1200);
    assert.equal((await camtrove.assets({ projectId, skip: 2300, fields: ['id'] })).length, 45);

    calls.length = 0;
    const read: string[] = [];
    for await (const asset of camtrove.assets({ projectId, fields: ['externalId'], asGenerator: true })) {
      read.push(asset.externalId);
      if (read.length === 5) break;
    }
    assert.equal(read.length, 5);
    assert.equal(calls.length, 1, 'one page fetched for five assets');
  });
});

describe(`the SDK with an API key (${dialectName})`, () => {
  const served = servedLibrary();

  it('sends the key on every request, uploads included; without it the server refuses with AuthError', async () => {
    const { token } = await served.library.tokens.create('sdk');
    served.library.startWorkers();
    const clip = await makeVideo(join(served.library.env.dir, 'clip.mp4'), { seconds: 1 });
    const camtrove = new Camtrove({ apiEndpoint: served.server.url, apiKey: token });
    const { id: projectId } = await camtrove.createProject({ title: 'keyed', inputType: 'VIDEO', jsonInterface });
    const { assetIds } = await camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['c'] });
    assert.equal(assetIds.length, 1);
    assert.equal(await camtrove.countAssets({ projectId }), 1);
    const error = await rejectsWith(new Camtrove({ apiEndpoint: served.server.url }).countProjects(), AuthError, { code: 'CAMTROVE_ERR_UNAUTHORIZED', status: 401 });
    assert.ok(!error.message.includes(token));
    const saved = process.env.CAMTROVE_API_KEY;
    try {
      process.env.CAMTROVE_API_KEY = token;
      assert.equal(await new Camtrove({ apiEndpoint: served.server.url }).countProjects(), 1, 'CAMTROVE_API_KEY is the default key');
    } finally {
      if (saved === undefined) delete process.env.CAMTROVE_API_KEY;
      else process.env.CAMTROVE_API_KEY = saved;
    }
  });
});
