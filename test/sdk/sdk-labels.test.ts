// The SDK's label methods against a real served library: appendLabels, createPredictions (with and
// without overwrite), labels (with fields), countLabels, deleteLabels, and the typed errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Camtrove, LabelValidationError, MissingArgumentError, NotFoundError, type JsonInterface, type JsonResponse } from '../../src/sdk/index.js';
import { servedLibrary } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { dialectName } from '../helpers/test-library.js';
import { readZip } from '../helpers/zip.js';

const jsonInterface: JsonInterface = {
  jobs: {
    OBJECTS: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle', 'marker'], content: { input: 'radio', categories: { CAR: { name: 'Car' }, PERSON: { name: 'Person' } } } },
    WEATHER: { mlTask: 'CLASSIFICATION', content: { input: 'radio', categories: { SUN: { name: 'Sun' }, RAIN: { name: 'Rain' } } } },
  },
};
const box = (x: number) => [{ normalizedVertices: [{ x, y: 0.5 }, { x, y: 0.25 }, { x: x + 0.25, y: 0.25 }, { x: x + 0.25, y: 0.5 }] }];
const car = (x: number): JsonResponse => ({ '0': { OBJECTS: { annotations: [{ mid: 'car', type: 'rectangle', categories: [{ name: 'CAR' }], isKeyFrame: true, boundingPoly: box(x) }] } } });

describe(`the SDK's labels (${dialectName})`, () => {
  const served = servedLibrary();
  let camtrove: Camtrove;
  let projectId: string;

  before(async () => {
    served.library.startWorkers();
    const clip = await makeVideo(join(served.library.env.dir, 'clip.mp4'), { seconds: 1, fps: 10 });
    camtrove = new Camtrove({ apiEndpoint: served.server.url });
    projectId = (await camtrove.createProject({ title: 'labels', inputType: 'VIDEO', jsonInterface })).id;
    await camtrove.appendManyToDataset({ projectId, contentArray: [clip, clip], externalIdArray: ['one', 'two'] });
  });

  it('adds labels by external id, reads them back with every frame, and counts them', async () => {
    const weather: JsonResponse = { '0': { WEATHER: { categories: [{ name: 'SUN' }], isKeyFrame: true } }, '5': { WEATHER: { categories: [{ name: 'RAIN' }], isKeyFrame: true } } };
    const added = await camtrove.appendLabels({ projectId, assetExternalIdArray: ['one', 'two'], jsonResponseArray: [car(0.5), weather], authorIdArray: ['ana', 'ben'], secondsToLabelArray: [12, 30] });
    assert.deepEqual(added.labels.map((l) => l.externalId), ['one', 'two']);
    const [label] = await camtrove.labels({ projectId, assetExternalId: 'two' });
    assert.equal(label!.authorId, 'ben');
    assert.equal(label!.secondsToLabel, 30);
    assert.equal(label!.labelType, 'DEFAULT');
    const frames = label!.jsonResponse!;
    assert.equal(Object.keys(frames).length, 10);
    const answer = (f: string) => (frames[f] as { WEATHER: { categories: { name: string }[]; isKeyFrame: boolean } }).WEATHER;
    assert.deepEqual([answer('4').categories[0]!.name, answer('4').isKeyFrame, answer('9').categories[0]!.name], ['SUN', false, 'RAIN']);
    const brief = await camtrove.labels({ projectId, fields: ['id', 'externalId'] });
    assert.deepEqual(brief.map((l) => Object.keys(l).sort()), [['externalId', 'id'], ['externalId', 'id']]);
    assert.equal(await camtrove.countLabels({ projectId, labelTypeIn: ['DEFAULT'] }), 2);
  });

  it('keeps predictions per model; overwrite replaces that model\'s earlier ones', async () => {
    await camtrove.createPredictions({ projectId, assetExternalIdArray: ['one'], jsonResponseArray: [car(0.1)], modelName: 'detector-v1' });
    await camtrove.createPredictions({ projectId, assetExternalIdArray: ['one'], jsonResponseArray: [car(0.2)], modelName: 'detector-v1' });
    await camtrove.createPredictions({ projectId, assetExternalIdArray: ['one'], jsonResponseArray: [car(0.3)], modelName: 'detector-v2' });
    assert.equal(await camtrove.countLabels({ projectId, labelTypeIn: ['PREDICTION'] }), 3);
    const replaced = await camtrove.createPredictions({ projectId, assetExternalIdArray: ['one'], jsonResponseArray: [car(0.4)], modelName: 'detector-v1', overwrite: true });
    assert.equal(replaced.replaced, 2);
    const predictions = await camtrove.labels({ projectId, labelTypeIn: ['PREDICTION'] });
    assert.deepEqual(predictions.map((p) => p.modelName).sort(), ['detector-v1', 'detector-v2']);
    const v1 = predictions.find((p) => p.modelName === 'detector-v1')!;
    assert.deepEqual((v1.jsonResponse!['0'] as { OBJECTS: { annotations: { boundingPoly: unknown }[] } }).OBJECTS.annotations[0]!.boundingPoly, box(0.4));
    await assert.rejects(camtrove.createPredictions({ projectId, assetExternalIdArray: ['one'], jsonResponseArray: [car(0.4)] } as never), MissingArgumentError);
  });

  it('exports labels to a zip file, or returns its bytes', async () => {
    const filename = join(served.library.env.dir, 'labels-mot.zip');
    const seen: string[] = [];
    const written = await camtrove.exportLabels({ projectId, fmt: 'mot', filename, onProgress: (e) => seen.push(e.status) });
    assert.equal(written.export.status, 'DONE');
    assert.equal(seen.at(-1), 'DONE');
    const files = await readZip(filename);
    // Asset "one": car at x 0.5–0.75, y 0.25–0.5 of 320×240 on frame index 0 (MOT frame 1).
    assert.deepEqual(files.get('one/gt/gt.txt')!.trim().split('\n')[0]!.split(',').slice(0, 6).map(Number), [1, 1, 160, 60, 80, 60]);
    const inMemory = await camtrove.exportLabels({ projectId, fmt: 'kili', singleFile: true });
    assert.equal(inMemory.filename, null);
    assert.equal(Buffer.from(inMemory.bytes!.subarray(0, 2)).toString(), 'PK', 'a zip');
    await assert.rejects(camtrove.exportLabels({ projectId, fmt: 'pascal_voc' as never }), (error: Error & { status?: number }) => error.status === 400);
  });

  it('refuses a bad label with a typed error naming what is wrong, and deletes labels', async () => {
    await assert.rejects(camtrove.appendLabels({ projectId, assetExternalIdArray: ['one'], jsonResponseArray: [{ '0': { OBJECTS: { annotations: [{ mid: 'x', type: 'polygon', categories: [{ name: 'CAR' }], boundingPoly: box(0.1) }] } } }] }), (error: Error) => {
      assert.ok(error instanceof LabelValidationError, error.name);
      assert.match(error.message, /asset "one".*frame 0, job OBJECTS, annotation "x": type "polygon" is not a tool of this job/);
      return true;
    });
    await assert.rejects(camtrove.appendLabels({ projectId, assetExternalIdArray: ['three'], jsonResponseArray: [{}] }), NotFoundError);
    const all = await camtrove.labels({ projectId, fields: ['id'] });
    await assert.rejects(camtrove.deleteLabels({ ids: [all[0]!.id, 'ffffffffffffffffffffffffffffffff'] }), NotFoundError);
    assert.equal(await camtrove.countLabels({ projectId }), all.length, 'a refused delete deletes nothing');
    assert.deepEqual(await camtrove.deleteLabels({ ids: all.map((l) => l.id) }), { deleted: all.length });
    assert.equal(await camtrove.countLabels({ projectId }), 0);
  });
});
