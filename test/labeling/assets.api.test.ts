import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../helpers/api.js';
import { servedLibrary } from '../helpers/http.js';
import { makeMotionClip, makeVideo } from '../helpers/media.js';
import { dialectName } from '../helpers/test-library.js';
import { INTERFACE, decodedFramePts, ffmpeg, ffmpegFrameRgb, ffmpegSampledFrames, fileServer, imageRgb, jsonClient } from './helpers.js';

interface Asset {
  id: string;
  externalId: string;
  content: string;
  jsonContent: string[] | null;
  jsonMetadata: Record<string, unknown>;
  processing: { state: string; error: { code: string; message: string } | null };
  resolution: { width: number; height: number } | null;
  numberOfFrames: number | null;
  frameRate: number | null;
  codec: string | null;
  startTime: number | null;
  rotation: number | null;
}
interface Appended { id: string; assetIds: string[]; batchId: string | null; warnings: string[]; skipped: { externalId: string; reason: string }[] }
interface Frame { index: number; pts: number | null; width: number; height: number }

describe(`labeling assets over REST (${dialectName})`, () => {
  const served = servedLibrary();
  const api = () => jsonClient(served.server.url);
  let dir: string;
  let clip: string;
  let clipId: string;
  let urls: Awaited<ReturnType<typeof fileServer>>;

  before(async () => {
    served.library.startWorkers();
    dir = await mkdtemp(join(tmpdir(), 'camtrove-assets-'));
    clip = await makeVideo(join(dir, 'clip.mp4'), { seconds: 2, fps: 10, width: 160, height: 120 });
    await makeVideo(join(dir, 'other.mp4'), { seconds: 1, fps: 12, width: 128, height: 96 });
    await writeFile(join(dir, 'notes.txt'), 'these are not video frames\n'.repeat(50));
    urls = await fileServer({
      '/other.mp4': { path: join(dir, 'other.mp4'), type: 'video/mp4' },
      '/stream': { path: join(dir, 'other.mp4'), type: 'application/octet-stream' },
      '/text': { path: join(dir, 'notes.txt'), type: 'text/plain' },
    });
    clipId = await apiClient(served.server.url).upload(await readFile(clip), 'clip.mp4');
  });
  after(async () => {
    await urls?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const project = async (inputType = 'VIDEO') => (await api().post<{ id: string }>('/api/projects', { title: 'assets', inputType, jsonInterface: INTERFACE })).body.id;
  const append = (projectId: string, body: Record<string, unknown>) => api().post<Appended>(`/api/projects/${projectId}/assets`, body);
  const assetsOf = async (projectId: string, query = '') => (await api().get<{ assets: Asset[] }>(`/api/projects/${projectId}/assets${query}`)).body.assets;
  const appendReady = async (projectId: string, body: Record<string, unknown>) => {
    const answer = await append(projectId, body);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const batch = await api().settle(projectId, answer.body.batchId!);
    assert.deepEqual(batch.failed, []);
    return answer.body;
  };
  const samePixels = async (assetId: string, k: number, video: string) => {
    const response = await fetch(`${served.server.url}/api/assets/${assetId}/frames/${k}?format=png`);
    assert.equal(response.status, 200, `frame ${k}: ${response.status}`);
    assert.equal(response.headers.get('content-type'), 'image/png');
    const png = join(dir, `frame-${assetId}-${k}.png`);
    await writeFile(png, Buffer.from(await response.arrayBuffer()));
    const served_ = await imageRgb(png);
    const truth = await ffmpegFrameRgb(video, k);
    assert.ok(truth.length > 0, `ffmpeg has a frame ${k}`);
    assert.ok(served_.equals(truth), `frame ${k} of asset ${assetId} is ffmpeg's frame ${k}, pixel for pixel`);
  };

  it('adds a library file and a URL, measures them, and lists every decoded frame with its presentation time', async () => {
    const projectId = await project();
    const fromFile = await appendReady(projectId, { contentArray: [`camtrove:file/${clipId}`], externalIdArray: ['clip'], jsonMetadataArray: [{ site: 'ridge', hour: 3 }] });
    const fromUrl = await appendReady(projectId, { contentArray: [`${urls.url}/other.mp4`, `${urls.url}/stream`] });
    assert.equal(fromUrl.assetIds.length, 2);
    const [first, second, third] = await assetsOf(projectId);
    assert.ok(first && second && third);
    assert.equal(first.id, fromFile.assetIds[0]);
    assert.equal(first.externalId, 'clip');
    assert.equal(first.content, `camtrove:file/${clipId}`);
    assert.deepEqual(first.jsonMetadata, { site: 'ridge', hour: 3 });
    assert.equal(first.processing.state, 'READY');
    assert.deepEqual(first.resolution, { width: 160, height: 120 });
    assert.equal(first.numberOfFrames, 20);
    assert.equal(first.frameRate, 10);
    assert.equal(first.codec, 'h264');
    assert.match(second.externalId, /^[0-9a-f]{32}$/, 'a missing external id gets a random one');
    assert.equal(second.content, `${urls.url}/other.mp4`);
    assert.equal(second.numberOfFrames, 12);
    assert.equal(third.numberOfFrames, 12, 'a URL without an extension is probed');

    const truth = await decodedFramePts(clip);
    const frames = await api().get<{ frames: Frame[]; total: number }>(`/api/assets/${first.id}/frames`);
    assert.equal(frames.body.total, truth.length);
    assert.deepEqual(frames.body.frames.map((f) => f.index), truth.map((_, i) => i));
    frames.body.frames.forEach((f, i) => assert.ok(Math.abs(f.pts! - truth[i]!) < 1e-4, `frame ${i}: pts ${f.pts} vs ${truth[i]}`));
    assert.deepEqual(frames.body.frames.slice(0, 1).map((f) => [f.width, f.height]), [[160, 120]]);
    const page = await api().get<{ frames: Frame[] }>(`/api/assets/${first.id}/frames?skip=18&first=5`);
    assert.deepEqual(page.body.frames.map((f) => f.index), [18, 19]);
    for (const k of [0, 1, 9, 19]) await samePixels(first.id, k, clip);

    const missing = await api().get(`/api/assets/${first.id}/frames/20`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error?.code, 'CAMTROVE_ERR_ASSET_FRAME_NOT_FOUND');
    assert.match(missing.body.error?.message ?? '', /20 frames/);
    const jpeg = await fetch(`${served.server.url}/api/assets/${first.id}/frames/3`);
    assert.equal(jpeg.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual([...Buffer.from(await jpeg.arrayBuffer()).subarray(0, 2)], [0xff, 0xd8]);
  });

  it('keeps Kili\'s rules: duplicates in a call dropped, existing ids skipped, all skipped is an error, an empty call does nothing', async () => {
    const projectId = await project();
    const file = `camtrove:file/${clipId}`;
    const first = await appendReady(projectId, { contentArray: [file, file, file], externalIdArray: ['a', 'dup', 'dup'] });
    assert.equal(first.assetIds.length, 1);
    assert.deepEqual(first.skipped, [{ externalId: 'dup', reason: 'duplicate_in_request' }, { externalId: 'dup', reason: 'duplicate_in_request' }].slice(0, first.skipped.length));
    assert.ok(first.warnings.some((w) => w.includes('dup')), JSON.stringify(first.warnings));
    assert.deepEqual((await assetsOf(projectId)).map((a) => a.externalId), ['a']);

    const again = await appendReady(projectId, { contentArray: [file, file], externalIdArray: ['a', 'b'] });
    assert.equal(again.assetIds.length, 1);
    assert.ok(again.skipped.some((s) => s.externalId === 'a' && s.reason === 'exists'));
    assert.ok(again.warnings.some((w) => w.includes('a')));

    const none = await append(projectId, { contentArray: [file, file], externalIdArray: ['a', 'b'] });
    assert.equal(none.status, 400);
    assert.equal(none.body.error?.code, 'CAMTROVE_ERR_INVALID_ASSETS');
    assert.match(none.body.error?.message ?? '', /no assets to import/);

    const empty = await append(projectId, { contentArray: [] });
    assert.equal(empty.status, 201);
    assert.deepEqual(empty.body.assetIds, []);
    assert.deepEqual((await assetsOf(projectId)).map((a) => a.externalId), ['a', 'b']);
  });

  it('refuses mixed sources, mixed shouldUseNativeVideo and contents that are not video, naming the asset, and adds nothing', async () => {
    const projectId = await project();
    const refused = async (body: Record<string, unknown>, code: string, ...words: string[]) => {
      const answer = await append(projectId, body);
      assert.equal(answer.status, code === 'CAMTROVE_ERR_ASSET_SOURCE' ? 422 : 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error?.code, code);
      for (const word of words) assert.ok(answer.body.error?.message.includes(word), `"${answer.body.error?.message}" names ${word}`);
      assert.equal((await api().get<{ count: number }>(`/api/projects/${projectId}/assets/count`)).body.count, 0, 'nothing was added');
    };
    const file = `camtrove:file/${clipId}`;
    await refused({ contentArray: [file, `${urls.url}/other.mp4`], externalIdArray: ['lib', 'web'] }, 'CAMTROVE_ERR_INVALID_ASSETS');
    await refused(
      { contentArray: [file, file], externalIdArray: ['native', 'split'], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo: true } }, { processingParameters: { shouldUseNativeVideo: false } }] },
      'CAMTROVE_ERR_INVALID_ASSETS',
      'shouldUseNativeVideo',
    );
    await refused({ contentArray: [`${urls.url}/notes.txt`], externalIdArray: ['notes'] }, 'CAMTROVE_ERR_INVALID_ASSETS', 'notes', 'mp4', 'webm');
    await refused({ contentArray: ['/home/me/clip.mp4'], externalIdArray: ['local'] }, 'CAMTROVE_ERR_INVALID_ASSETS', 'local', 'camtrove:file/');
    await refused({ contentArray: [`${urls.url}/other.mp4`, `${urls.url}/text`], externalIdArray: ['fine', 'words'] }, 'CAMTROVE_ERR_ASSET_SOURCE', 'words', 'not a video');
    await refused({ contentArray: [`${urls.url}/missing.mp4`], externalIdArray: ['gone'] }, 'CAMTROVE_ERR_ASSET_SOURCE', 'gone', '404');
    await refused({ contentArray: ['http://127.0.0.1:9/closed.mp4'], externalIdArray: ['closed'] }, 'CAMTROVE_ERR_ASSET_SOURCE', 'closed', 'refused');
    await refused({ contentArray: [file], externalIdArray: ['x'], jsonMetadataArray: ['not an object'] }, 'CAMTROVE_ERR_INVALID_ASSETS', 'x', 'object');
    await refused({ contentArray: [file, file], externalIdArray: ['x'] }, 'CAMTROVE_ERR_INVALID_ASSETS');
  });

  it('updates metadata the way Kili does, and filters by external id and metadata', async () => {
    const projectId = await project();
    const file = `camtrove:file/${clipId}`;
    await appendReady(projectId, {
      contentArray: [file, file, file],
      externalIdArray: ['v1', 'v10', 'w2'],
      jsonMetadataArray: [{ site: 'ridge', hour: 3, processingParameters: { framesPlayedPerSecond: 5 } }, { site: 'creek', hour: 14 }, { site: 'ridge', hour: 22 }],
    });
    const byExternal = async (query: string) => (await assetsOf(projectId, query)).map((a) => a.externalId);
    assert.deepEqual(await byExternal('?externalIdIn=v1'), ['v1', 'v10'], 'externalIdIn matches partially');
    assert.deepEqual(await byExternal('?externalIdStrictlyIn=v1'), ['v1'], 'externalIdStrictlyIn exactly');
    assert.deepEqual(await byExternal('?externalIdStrictlyIn=v1&externalIdStrictlyIn=w2'), ['v1', 'w2']);
    assert.deepEqual(await byExternal(`?metadataWhere=${encodeURIComponent('{"site":"ridge"}')}`), ['v1', 'w2']);
    assert.deepEqual(await byExternal(`?metadataWhere=${encodeURIComponent('{"hour":[10,23]}')}`), ['v10', 'w2']);
    assert.deepEqual(await byExternal(`?metadataWhere=${encodeURIComponent('{"site":["creek","lake"]}')}`), ['v10']);
    assert.equal((await api().get<{ count: number }>(`/api/projects/${projectId}/assets/count?metadataWhere=${encodeURIComponent('{"site":"ridge"}')}&externalIdIn=w`)).body.count, 1);
    const bad = await api().get(`/api/projects/${projectId}/assets?metadataWhere=${encodeURIComponent('{"site"')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error?.code, 'CAMTROVE_ERR_INVALID_QUERY');
    const some = await assetsOf(projectId, '?fields=id,externalId&first=2');
    assert.deepEqual(some.map((a) => Object.keys(a).sort()), [['externalId', 'id'], ['externalId', 'id']]);
    assert.equal((await api().get(`/api/projects/${projectId}/assets?fields=colour`)).status, 400);

    const sampled = (await assetsOf(projectId, '?externalIdStrictlyIn=v1'))[0]!;
    assert.equal(sampled.numberOfFrames, 10, 'sampled at 5 fps from a 10 fps, 2 s clip');
    assert.equal((sampled.jsonMetadata.processingParameters as { numberOfFrames: number }).numberOfFrames, 10, 'what was measured is in processingParameters');

    // Replace: keys left out go, processingParameters stays.
    const replaced = await api().patch(`/api/projects/${projectId}/assets`, { externalIds: ['v1'], jsonMetadatas: [{ camera: 'c4' }] });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    const afterReplace = (await assetsOf(projectId, '?externalIdStrictlyIn=v1'))[0]!;
    assert.equal(afterReplace.jsonMetadata.camera, 'c4');
    assert.equal(afterReplace.jsonMetadata.site, undefined);
    assert.equal((afterReplace.jsonMetadata.processingParameters as { framesPlayedPerSecond: number }).framesPlayedPerSecond, 5);
    assert.equal(afterReplace.numberOfFrames, 10);
    // Merge (addMetadata).
    await api().patch(`/api/projects/${projectId}/assets`, { externalIds: ['v1'], jsonMetadatas: [{ weather: 'rain' }], mode: 'merge' });
    const merged = (await assetsOf(projectId, '?externalIdStrictlyIn=v1'))[0]!;
    assert.equal(merged.jsonMetadata.camera, 'c4');
    assert.equal(merged.jsonMetadata.weather, 'rain');
    // Naming processingParameters replaces it, and the asset is prepared again at the new rate.
    await api().patch(`/api/projects/${projectId}/assets`, { externalIds: ['v1'], jsonMetadatas: [{ processingParameters: { framesPlayedPerSecond: 2 } }] });
    let reprepared: Asset | undefined;
    for (let i = 0; i < 200; i += 1) {
      reprepared = (await assetsOf(projectId, '?externalIdStrictlyIn=v1'))[0]!;
      if (reprepared.processing.state === 'READY') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(reprepared?.numberOfFrames, 4);
    assert.equal(reprepared?.jsonMetadata.camera, undefined);
    // Set (setMetadata): replaced, processingParameters kept.
    await api().patch(`/api/projects/${projectId}/assets`, { externalIds: ['v1'], jsonMetadatas: [{ only: 1 }], mode: 'set' });
    const set = (await assetsOf(projectId, '?externalIdStrictlyIn=v1'))[0]!;
    assert.equal(set.jsonMetadata.only, 1);
    assert.equal((set.jsonMetadata.processingParameters as { framesPlayedPerSecond: number }).framesPlayedPerSecond, 2);

    const unknown = await api().patch(`/api/projects/${projectId}/assets`, { externalIds: ['nope'], jsonMetadatas: [{}] });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error?.message ?? '', /nope/);
    const both = await api().patch(`/api/projects/${projectId}/assets`, { externalIds: ['v1'], assetIds: [sampled.id], jsonMetadatas: [{}] });
    assert.equal(both.status, 400);
    const notObject = await api().patch(`/api/projects/${projectId}/assets`, { externalIds: ['v1'], jsonMetadatas: [[1, 2]] });
    assert.equal(notObject.status, 400);
    assert.equal(notObject.body.error?.code, 'CAMTROVE_ERR_INVALID_METADATA');
  });

  it('splits a video into frames stored as images, and lets them go when the asset is removed', async () => {
    const projectId = await project();
    const { assetIds } = await appendReady(projectId, { contentArray: [`camtrove:file/${clipId}`], externalIdArray: ['split'], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo: false, framesPlayedPerSecond: 5 } }] });
    const frames = (await api().get<{ frames: Frame[]; total: number }>(`/api/assets/${assetIds[0]}/frames`)).body;
    assert.equal(frames.total, 10);
    const image = await fetch(`${served.server.url}/api/assets/${assetIds[0]}/frames/9`);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/jpeg');
    const { library } = served;
    const before = (await library.files.list({ limit: 1000 })).items.filter((f) => f.name.startsWith('split_'));
    assert.equal(before.length, 10, 'ten images, named after the external id and the 1-based frame number');
    const inUse = await fetch(`${served.server.url}/api/files/${before[0]!.id}?cascade=true`, { method: 'DELETE' });
    assert.equal(inUse.status, 409, 'a frame of an asset is not deleted from under it');
    const removed = await api().del<{ deleted: number }>(`/api/projects/${projectId}/assets`, { externalIds: ['split'] });
    assert.equal(removed.body.deleted, 1);
    const after_ = (await library.files.list({ limit: 1000 })).items.filter((f) => f.name.startsWith('split_'));
    assert.deepEqual(after_, []);
    assert.equal((await api().get(`/api/assets/${assetIds[0]}`)).status, 404);
    assert.equal((await apiClient(served.server.url).download(clipId)).status, 200, 'the video itself stays in the library');
  });

  it('plays a list of images of different sizes as one asset, and fails one with a broken image naming it', async () => {
    const projectId = await project();
    const client = apiClient(served.server.url);
    const ids: string[] = [];
    for (const [i, size] of ['64x48', '32x32', '80x40'].entries()) {
      const path = join(dir, `img${i}.png`);
      await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=1:duration=1`, '-frames:v', '1', path]);
      ids.push(await client.upload(await readFile(path), `img${i}.png`));
    }
    const { assetIds } = await appendReady(projectId, { jsonContentArray: [ids.map((id) => `camtrove:file/${id}`)], externalIdArray: ['pictures'] });
    const frames = (await api().get<{ frames: Frame[] }>(`/api/assets/${assetIds[0]}/frames`)).body.frames;
    assert.deepEqual(frames.map((f) => [f.index, f.width, f.height]), [[0, 64, 48], [1, 32, 32], [2, 80, 40]]);
    const asset = (await api().get<Asset>(`/api/assets/${assetIds[0]}`)).body;
    assert.deepEqual(asset.jsonContent, ids.map((id) => `camtrove:file/${id}`));
    const second = await fetch(`${served.server.url}/api/assets/${assetIds[0]}/frames/1`);
    assert.equal(second.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await second.arrayBuffer()).equals(await readFile(join(dir, 'img1.png'))), 'a frame list\'s frame is its own image');

    const broken = await client.upload(Buffer.concat([(await readFile(join(dir, 'img0.png'))).subarray(0, 40), Buffer.from('broken')]), 'broken.png');
    const answer = await append(projectId, { jsonContentArray: [[`camtrove:file/${ids[0]}`, `camtrove:file/${broken}`]], externalIdArray: ['bad-pictures'] });
    assert.equal(answer.status, 201);
    const batch = await api().settle(projectId, answer.body.batchId!);
    assert.equal(batch.failed.length, 1);
    assert.equal(batch.failed[0]!.externalId, 'bad-pictures');
    assert.equal(batch.failed[0]!.error.code, 'CAMTROVE_ERR_ASSET_SOURCE');
    assert.match(batch.failed[0]!.error.message, /bad-pictures.*frame 1/);
    const notReady = await api().get(`/api/assets/${answer.body.assetIds[0]}/frames`);
    assert.equal(notReady.status, 409);
    assert.equal(notReady.body.error?.code, 'CAMTROVE_ERR_ASSET_NOT_READY');
  });

  it('indexes variable-frame-rate, offset and rotated video frame by frame, served upright and exact', async () => {
    const projectId = await project();
    const client = apiClient(served.server.url);
    // 10 fps for a second, then 30 fps, with a start offset: frame k is never k / fps here.
    const vfr = join(dir, 'vfr.mkv');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=30:duration=2', '-vf', "select='if(lt(t\\,1)\\,not(mod(n\\,3))\\,1)'", '-fps_mode', 'vfr', '-output_ts_offset', '5', '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', vfr]);
    const rotated = await makeMotionClip(join(dir, 'rotated.mp4'), { seconds: 2, from: 0, to: 2, rotate: 90 });
    const { assetIds } = await appendReady(projectId, {
      contentArray: [`camtrove:file/${await client.upload(await readFile(vfr), 'vfr.mkv')}`, `camtrove:file/${await client.upload(await readFile(rotated), 'rotated.mp4')}`],
      externalIdArray: ['vfr', 'rotated'],
    });
    const vfrTruth = await decodedFramePts(vfr);
    const vfrAsset = (await api().get<Asset>(`/api/assets/${assetIds[0]}`)).body;
    assert.equal(vfrAsset.numberOfFrames, vfrTruth.length);
    assert.ok(Math.abs(vfrAsset.startTime! - vfrTruth[0]!) < 1e-3, `startTime ${vfrAsset.startTime} is the first frame's time ${vfrTruth[0]}`);
    const vfrFrames = (await api().get<{ frames: Frame[] }>(`/api/assets/${assetIds[0]}/frames`)).body.frames;
    vfrFrames.forEach((f, i) => assert.ok(Math.abs(f.pts! - vfrTruth[i]!) < 1e-3, `frame ${i}: ${f.pts} vs ${vfrTruth[i]}`));
    for (const k of [0, 5, vfrTruth.length - 1]) await samePixels(assetIds[0]!, k, vfr);
    // Stepping forward frame by frame: the frames after one decoded come from the same decode (read
    // ahead), and each is still ffmpeg's own frame.
    for (let k = 1; k < vfrTruth.length; k += 1) await samePixels(assetIds[0]!, k, vfr);

    // Sampled at 7 fps: frame k is the k-th output of ffmpeg's fps=7:round=up, pixel for pixel.
    const sampled = await appendReady(projectId, { contentArray: [`camtrove:file/${await client.upload(await readFile(vfr), 'vfr.mkv')}`], externalIdArray: ['vfr-7fps'], jsonMetadataArray: [{ processingParameters: { framesPlayedPerSecond: 7 } }] });
    const outputs = await ffmpegSampledFrames(vfr, 7);
    assert.equal((await api().get<Asset>(`/api/assets/${sampled.assetIds[0]}`)).body.numberOfFrames, outputs.length);
    for (let k = 0; k < outputs.length; k += 1) {
      const response = await fetch(`${served.server.url}/api/assets/${sampled.assetIds[0]}/frames/${k}?format=png`);
      const png = join(dir, `sampled-${k}.png`);
      await writeFile(png, Buffer.from(await response.arrayBuffer()));
      assert.ok((await imageRgb(png)).equals(outputs[k]!), `sampled frame ${k} is ffmpeg's`);
    }

    const rotatedAsset = (await api().get<Asset>(`/api/assets/${assetIds[1]}`)).body;
    assert.deepEqual(rotatedAsset.resolution, { width: 360, height: 640 }, 'width and height as displayed');
    assert.equal(Math.abs(rotatedAsset.rotation!) % 180, 90);
    for (const k of [0, 24, 25, 26, 27, 40, 41]) await samePixels(assetIds[1]!, k, rotated);
  });

  it('fills a project from an event search, once per event, with the event\'s facts as metadata', async () => {
    const projectId = await project();
    const client = apiClient(served.server.url);
    const motion = await makeMotionClip(join(dir, 'motion.mp4'), { seconds: 8, from: 2, to: 5 });
    const mediaId = await client.upload(await readFile(motion), 'motion.mp4');
    await client.succeed({ analysis: 'segment', file_id: mediaId }, 60_000);
    const events = (await api().get<{ events: { id: string; start: number; end: number; score: number }[] }>(`/api/events?media=${mediaId}`)).body.events;
    assert.ok(events.length >= 1);
    const first = await api().post<Appended>(`/api/projects/${projectId}/assets/from-events`, { where: { media: mediaId } });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.assetIds.length, events.length);
    await api().settle(projectId, first.body.batchId!);
    const assets = await assetsOf(projectId);
    assert.deepEqual(assets.map((a) => a.externalId).sort(), events.map((e) => `event:${e.id}`).sort());
    const asset = assets.find((a) => a.externalId === `event:${events[0]!.id}`)!;
    assert.equal(asset.jsonMetadata.mediaId, mediaId);
    assert.equal(asset.jsonMetadata.score, events[0]!.score);
    assert.equal(asset.processing.state, 'READY');
    // 25 fps: the event's span, frame for frame, not the whole 8 s clip.
    const span = events[0]!.end - events[0]!.start;
    assert.ok(Math.abs(asset.numberOfFrames! - Math.round(span * 25)) <= 2, `${asset.numberOfFrames} frames for ${span} s`);
    const again = await api().post<Appended>(`/api/projects/${projectId}/assets/from-events`, { where: { media: mediaId } });
    assert.equal(again.status, 201);
    assert.deepEqual(again.body.assetIds, [], 'a re-run adds only new events');
    assert.equal((await api().get<{ count: number }>(`/api/projects/${projectId}/assets/count`)).body.count, events.length);
  });

  it('deletes a project with its assets and answers 404 for assets that are gone', async () => {
    const projectId = await project();
    const { assetIds } = await appendReady(projectId, { contentArray: [`camtrove:file/${clipId}`] });
    const deleted = await api().del<{ deletedAssets: number }>(`/api/projects/${projectId}`);
    assert.equal(deleted.body.deletedAssets, 1);
    const gone = await api().get(`/api/assets/${assetIds[0]}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error?.code, 'CAMTROVE_ERR_ASSET_NOT_FOUND');
    assert.equal((await apiClient(served.server.url).download(clipId)).status, 200);
  });
});

describe(`asset URLs under the network policy (${dialectName})`, () => {
  const served = servedLibrary({ cameraNetworks: '127.0.0.1/32' });

  it('does not fetch a URL outside CAMTROVE_CAMERA_NETWORKS, and says so naming the asset', async () => {
    const api = jsonClient(served.server.url);
    const projectId = (await api.post<{ id: string }>('/api/projects', { title: 'policy', inputType: 'VIDEO', jsonInterface: INTERFACE })).body.id;
    let requests = 0;
    const outside = await fileServer({ '/clip.mp4': { body: 'bytes' } }, '127.0.0.2');
    outside.server.on('request', () => (requests += 1));
    try {
      const answer = await api.post(`/api/projects/${projectId}/assets`, { contentArray: [`${outside.url}/clip.mp4`], externalIdArray: ['elsewhere'] });
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      assert.equal(answer.body.error?.code, 'CAMTROVE_ERR_ASSET_SOURCE');
      assert.match(answer.body.error?.message ?? '', /elsewhere.*127\.0\.0\.2.*CAMTROVE_CAMERA_NETWORKS/);
      assert.equal(requests, 0, 'no request reached the address');
    } finally {
      await outside.close();
    }
  });
});
