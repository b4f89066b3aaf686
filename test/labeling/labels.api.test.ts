import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventRepository } from '../../src/adapters/db/event.repository.js';
import { apiClient } from '../helpers/api.js';
import { eventRecord, motionEvent } from '../helpers/events.js';
import { servedLibrary } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { dialectName } from '../helpers/test-library.js';
import { INTERFACE, jsonClient } from './helpers.js';

interface Label {
  id: string;
  assetId: string;
  externalId: string;
  labelType: string;
  modelName: string | null;
  authorId: string | null;
  isLatestLabelForUser: boolean;
  numberOfAnnotations: number;
  numberOfKeyFrames: number;
  jsonResponse?: Record<string, unknown>;
}
type Vertices = { x: number; y: number }[];
interface FrameAnnotation { mid: string; isKeyFrame: boolean; categories: { name: string }[]; boundingPoly: { normalizedVertices: Vertices }[] }

/** Kili's rectangle: bottom-left, top-left, top-right, bottom-right. */
const rect = (x1: number, y1: number, x2: number, y2: number) => [{ normalizedVertices: [{ x: x1, y: y2 }, { x: x1, y: y1 }, { x: x2, y: y1 }, { x: x2, y: y2 }] }];
const deer = (mid: string, poly: unknown, isKeyFrame = true) => ({ mid, type: 'rectangle', categories: [{ name: 'DEER' }], isKeyFrame, children: {}, boundingPoly: poly });
const objects = (frame: unknown) => (frame as { OBJECT_DETECTION_JOB?: { annotations: FrameAnnotation[] } }).OBJECT_DETECTION_JOB?.annotations ?? [];

describe(`labels over REST (${dialectName})`, () => {
  const served = servedLibrary();
  const api = () => jsonClient(served.server.url);
  let dir: string;
  let projectId: string;
  /** Two assets of 20 frames each (2 s at 10 fps). */
  let assetIds: string[];

  before(async () => {
    served.library.startWorkers();
    dir = await mkdtemp(join(tmpdir(), 'camtrove-labels-'));
    const clip = await makeVideo(join(dir, 'clip.mp4'), { seconds: 2, fps: 10, width: 160, height: 120 });
    const fileId = await apiClient(served.server.url).upload(await readFile(clip), 'clip.mp4');
    projectId = (await api().post<{ id: string }>('/api/projects', { title: 'labels', inputType: 'VIDEO', jsonInterface: INTERFACE })).body.id;
    const added = await api().post<{ assetIds: string[]; batchId: string }>(`/api/projects/${projectId}/assets`, { contentArray: [`camtrove:file/${fileId}`, `camtrove:file/${fileId}`], externalIdArray: ['a', 'b'] });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    await api().settle(projectId, added.body.batchId);
    assetIds = added.body.assetIds;
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const appendLabels = (body: Record<string, unknown>) => api().post<{ labels: { id: string; assetId: string; externalId: string }[]; replaced: number }>(`/api/projects/${projectId}/labels`, body);
  const labelsOf = async (query: string) => (await api().get<{ labels: Label[] }>(`/api/projects/${projectId}/labels?${query}`)).body.labels;

  it('stores key frames and gives every frame back, interpolated, with isKeyFrame', async () => {
    const jsonResponse = {
      '0': { OBJECT_DETECTION_JOB: { annotations: [deer('d1', rect(0.1, 0.2, 0.3, 0.4))] } },
      '10': { OBJECT_DETECTION_JOB: { annotations: [deer('d1', rect(0.5, 0.6, 0.7, 0.8))] } },
      '15': {},
    };
    const added = await appendLabels({ assetExternalIdArray: ['a'], jsonResponseArray: [jsonResponse], authorIdArray: ['ana'], secondsToLabelArray: [42] });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const [created] = added.body.labels;
    assert.equal(created!.externalId, 'a');

    const { status, body } = await api().get<Label>(`/api/labels/${created!.id}`);
    assert.equal(status, 200);
    assert.equal(body.numberOfKeyFrames, 2, 'key frames at 0 and 10; frame 15 is given but not after a frame the deer is on');
    const frames = body.jsonResponse!;
    assert.deepEqual(Object.keys(frames), Array.from({ length: 20 }, (_, i) => String(i)));
    const five = objects(frames['5'])[0]!;
    assert.equal(five.isKeyFrame, false);
    const [bl, tl, tr, br] = five.boundingPoly[0]!.normalizedVertices;
    // Halfway between (0.1, 0.2)-(0.3, 0.4) and (0.5, 0.6)-(0.7, 0.8).
    assert.deepEqual([tl, tr, br, bl], [{ x: 0.3, y: 0.4 }, { x: 0.5, y: 0.4 }, { x: 0.5, y: 0.6 }, { x: 0.3, y: 0.6 }]);
    assert.equal(objects(frames['10'])[0]!.isKeyFrame, true);
    assert.deepEqual(objects(frames['19'])[0]!.boundingPoly, rect(0.5, 0.6, 0.7, 0.8), 'the last key holds to the last frame');

    const asset = (await api().get<{ status: string; labels: { id: string; labelType: string; authorId: string }[] }>(`/api/assets/${assetIds[0]}`)).body;
    assert.equal(asset.status, 'LABELED');
    assert.deepEqual(asset.labels.map((l) => [l.id, l.labelType, l.authorId]), [[created!.id, 'DEFAULT', 'ana']]);

    const streamed = await fetch(`${served.server.url}/api/labels/${created!.id}/json-response`);
    assert.equal(streamed.status, 200);
    assert.match(streamed.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await streamed.json(), frames);
  });

  it('gives back an every-frame jsonResponse identical to the one written', async () => {
    const every: Record<string, unknown> = {};
    for (let f = 0; f < 20; f++) {
      // d2 moves right 0.01 per frame from frame 2 to frame 12, leaves at 13; drawn at 2 and 12.
      // Coordinates as a labeling tool writes them: the decimals it shows, not 0.1 + 0.01 × k in floating point.
      const x = Number((0.1 + (f - 2) / 100).toFixed(2));
      every[String(f)] = f >= 2 && f <= 12 ? { OBJECT_DETECTION_JOB: { annotations: [deer('d2', rect(x, 0.1, Number((x + 0.1).toFixed(2)), 0.2), f === 2 || f === 12)] } } : {};
    }
    const added = await appendLabels({ assetIdArray: [assetIds[1]], jsonResponseArray: [every] });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const label = (await api().get<Label>(`/api/labels/${added.body.labels[0]!.id}`)).body;
    assert.equal(label.numberOfKeyFrames, 3, 'keys at 2 and 12, and where it left (13)');
    assert.deepEqual(label.jsonResponse, every);
  });

  it('refuses a label that does not fit, naming the asset, frame, job and annotation, and stores nothing', async () => {
    const before = (await api().get<{ count: number }>(`/api/projects/${projectId}/labels/count`)).body.count;
    const cases: [unknown, RegExp][] = [
      [{ '0': { OBJECT_DETECTION_JOB: { annotations: [deer('x', rect(0.1, 0.1, 1.5, 0.2))] } } }, /asset "b".*frame 0, job OBJECT_DETECTION_JOB, annotation "x": vertex \(1\.5, 0\.1\) is outside the frame/],
      [{ '20': {} }, /asset "b".*frame 20: beyond the asset's last frame \(19\)/],
      [{ '3': { WEATHER: { categories: [{ name: 'SUN' }] } } }, /frame 3, job WEATHER: unknown job/],
      [{ '3': { OBJECT_DETECTION_JOB: { annotations: [{ ...deer('y', rect(0, 0, 0.1, 0.1)), categories: [{ name: 'BEAR' }] }] } } }, /annotation "y": unknown category "BEAR"/],
      [{ '3': { OBJECT_DETECTION_JOB: { annotations: [{ mid: 'z', type: 'marker', categories: [{ name: 'FOX' }], point: { x: 0.5, y: 0.5 } }] } } }, /annotation "z": type "marker" is not a tool of this job \(rectangle\)/],
    ];
    for (const [jsonResponse, message] of cases) {
      // The first label is fine: one bad label refuses the whole call.
      const answer = await appendLabels({ assetExternalIdArray: ['a', 'b'], jsonResponseArray: [{}, jsonResponse] });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error!.code, 'CAMTROVE_ERR_INVALID_LABEL');
      assert.match(answer.body.error!.message, message);
    }
    const mismatched = await appendLabels({ assetExternalIdArray: ['a', 'b'], jsonResponseArray: [{}] });
    assert.equal(mismatched.status, 400);
    assert.match(mismatched.body.error!.message, /jsonResponseArray has 1 entries and assetExternalIdArray 2/);
    const unknownAsset = await appendLabels({ assetExternalIdArray: ['nope'], jsonResponseArray: [{}] });
    assert.equal(unknownAsset.status, 404);
    assert.equal((await api().get<{ count: number }>(`/api/projects/${projectId}/labels/count`)).body.count, before);
  });

  it('keeps predictions per model, and overwrite replaces that model\'s earlier ones only', async () => {
    const guess = (x: number) => ({ '0': { OBJECT_DETECTION_JOB: { annotations: [deer('p', rect(x, 0.1, x + 0.1, 0.2))] } } });
    const noModel = await appendLabels({ assetExternalIdArray: ['a'], jsonResponseArray: [guess(0.1)], labelType: 'PREDICTION' });
    assert.equal(noModel.status, 400);
    assert.match(noModel.body.error!.message, /needs a modelName/);
    for (const [model, x] of [['m1', 0.1], ['m1', 0.2], ['m2', 0.3]] as const) {
      assert.equal((await appendLabels({ assetExternalIdArray: ['a'], jsonResponseArray: [guess(x)], labelType: 'PREDICTION', modelName: model })).status, 201);
    }
    assert.equal((await labelsOf('assetExternalId=a&labelTypeIn=PREDICTION')).length, 3, 'without overwrite, predictions add up');
    const replaced = await appendLabels({ assetExternalIdArray: ['a'], jsonResponseArray: [guess(0.5)], labelType: 'PREDICTION', modelName: 'm1', overwrite: true });
    assert.equal(replaced.body.replaced, 2);
    const left = await labelsOf('assetExternalId=a&labelTypeIn=PREDICTION&withJsonResponse=true');
    assert.deepEqual(left.map((l) => l.modelName).sort(), ['m1', 'm2']);
    const m1 = left.find((l) => l.modelName === 'm1')!;
    assert.deepEqual(objects(m1.jsonResponse!['0'])[0]!.boundingPoly, rect(0.5, 0.1, 0.6, 0.2));
    const defaults = await labelsOf('assetExternalId=a&labelTypeIn=DEFAULT');
    assert.equal(defaults.length, 1, 'DEFAULT labels are left alone');
    assert.equal(defaults[0]!.isLatestLabelForUser, true);
  });

  it('gives assets made from events a camtrove-motion prediction, its boxes on the frames whose times cover them', async () => {
    const { file } = await served.library.files.addFromPath(join(dir, 'clip.mp4'), { name: 'event-media.mp4' });
    const a = { x: 0.1, y: 0.2, w: 0.2, h: 0.2 };
    const b = { x: 0.5, y: 0.2, w: 0.2, h: 0.2 };
    await new EventRepository(served.library.database).replaceForMedia(file.id, [
      eventRecord('a'.repeat(32), file.id, motionEvent(0, 1, { boxTrack: [{ time: 0.2, box: a }, { time: 0.6, box: b }] })),
    ]);
    const mapped = await api().post<{ batchId: string; assetIds: string[] }>(`/api/projects/${projectId}/assets/from-events`, { where: { media: file.id }, categoryMapping: { '*': 'FOX' } });
    assert.equal(mapped.status, 201, JSON.stringify(mapped.body));
    await api().settle(projectId, mapped.body.batchId);
    const [prediction] = await labelsOf(`assetId=${mapped.body.assetIds[0]}&withJsonResponse=true`);
    assert.ok(prediction, 'a prediction was made once the asset was prepared');
    assert.deepEqual([prediction.labelType, prediction.modelName, prediction.numberOfKeyFrames], ['PREDICTION', 'camtrove-motion', 3]);
    const frames = prediction.jsonResponse!;
    // 10 fps from 0 s: t = 0.2 is frame 2, t = 0.6 frame 6; the track ends on frame 7.
    assert.deepEqual(Object.keys(frames).filter((f) => objects(frames[f]).length > 0), ['2', '3', '4', '5', '6']);
    assert.deepEqual(objects(frames['2'])[0]!.categories, [{ name: 'FOX' }]);
    assert.deepEqual(objects(frames['2'])[0]!.boundingPoly, rect(0.1, 0.2, 0.30000000000000004, 0.4));
    assert.deepEqual(objects(frames['4'])[0]!.boundingPoly, rect(0.3, 0.2, 0.5, 0.4), 'halfway between the two boxes');
    const [listed] = (await api().get<{ assets: { status: string; labels: { labelType: string; modelName: string }[] }[] }>(`/api/projects/${projectId}/assets?assetId=${mapped.body.assetIds[0]}`)).body.assets;
    assert.equal(listed!.status, 'TODO', 'a prediction alone leaves the asset to label');
    assert.deepEqual(listed!.labels.map((l) => [l.labelType, l.modelName]), [['PREDICTION', 'camtrove-motion']]);

    const refused = await api().post(`/api/projects/${projectId}/assets/from-events`, { where: { media: file.id }, categoryMapping: { deer: 'BEAR' } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error!.message, /categoryMapping\["deer"\]: category "BEAR" is not one of job OBJECT_DETECTION_JOB's \(DEER, FOX\)/);
  });

  it('refuses an interface change that would orphan labels, and deletes labels', async () => {
    const withoutDeer = structuredClone(INTERFACE) as { jobs: Record<string, { content: { categories: Record<string, { children: string[] }> } }> };
    const categories = withoutDeer.jobs.OBJECT_DETECTION_JOB!.content.categories;
    delete categories.DEER;
    categories.FOX!.children = ['ANTLERS'];
    const refused = await api().patch(`/api/projects/${projectId}`, { jsonInterface: withoutDeer });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error!.code, 'CAMTROVE_ERR_INTERFACE_IN_USE');
    assert.match(refused.body.error!.message, /category DEER of job OBJECT_DETECTION_JOB/);

    const all = await labelsOf('first=1000');
    const gone = await api().del<{ deleted: number }>(`/api/projects/${projectId}/labels`, { ids: all.map((l) => l.id) });
    assert.deepEqual(gone.body, { deleted: all.length });
    assert.equal((await api().get<{ count: number }>(`/api/projects/${projectId}/labels/count`)).body.count, 0);
    assert.equal((await api().patch(`/api/projects/${projectId}`, { jsonInterface: withoutDeer })).status, 200, 'with the labels gone the change is allowed');
    assert.equal((await api().get(`/api/labels/${all[0]!.id}`)).status, 404);
  });
});
