import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { apiClient } from '../helpers/api.js';
import { servedLibrary } from '../helpers/http.js';
import { makeMotionClip, makeVideo } from '../helpers/media.js';
import { dialectName } from '../helpers/test-library.js';
import { readZip, readZipBytes } from '../helpers/zip.js';
import { INTERFACE, ffmpeg, ffmpegFrameRgb, imageRgb, jsonClient } from './helpers.js';

interface ExportJson { id: string; status: string; progress: { assetsDone: number; assetsTotal: number }; download: string | null; error: { code: string; message: string } | null }

/** Kili's rectangle: bottom-left, top-left, top-right, bottom-right. */
const rect = (x1: number, y1: number, x2: number, y2: number) => [{ normalizedVertices: [{ x: x1, y: y2 }, { x: x1, y: y1 }, { x: x2, y: y1 }, { x: x2, y: y2 }] }];
const deer = (poly: unknown) => ({ OBJECT_DETECTION_JOB: { annotations: [{ mid: 'deer-1', type: 'rectangle', categories: [{ name: 'DEER' }], isKeyFrame: true, boundingPoly: poly }] } });
/** Keys at 0 and 10; the deer leaves at frame 15. */
const label = { '0': deer(rect(0.1, 0.2, 0.3, 0.4)), '10': deer(rect(0.5, 0.6, 0.7, 0.8)), '14': deer(rect(0.5, 0.6, 0.7, 0.8)), '15': {} };
const run = promisify(execFile);
const close = (a: number, b: number) => Math.abs(a - b) < 0.011;

describe(`label exports over REST (${dialectName})`, () => {
  const served = servedLibrary();
  const api = () => jsonClient(served.server.url);
  let dir: string;
  let projectId: string;
  let vfr: string;

  before(async () => {
    served.library.startWorkers();
    dir = await mkdtemp(join(tmpdir(), 'camtrove-exports-'));
    // 160×120 at 10 fps (20 frames), and a phone-style clip stored 640×360 but shown rotated 90° (360×640, 25 fps, 50 frames).
    const flat = await makeVideo(join(dir, 'flat.mp4'), { seconds: 2, fps: 10, width: 160, height: 120 });
    const turned = await makeMotionClip(join(dir, 'turned.mp4'), { seconds: 2, rotate: 90 });
    // Variable frame rate, 96×64: 10 fps for a second, then 30 fps (40 frames), starting at 5 s.
    vfr = join(dir, 'vfr.mkv');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=30:duration=2', '-vf', "select='if(lt(t\\,1)\\,not(mod(n\\,3))\\,1)'", '-fps_mode', 'vfr', '-output_ts_offset', '5', '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', vfr]);
    const upload = apiClient(served.server.url);
    const ids = [await upload.upload(await readFile(flat), 'flat.mp4'), await upload.upload(await readFile(turned), 'turned.mp4'), await upload.upload(await readFile(vfr), 'vfr.mkv')];
    projectId = (await api().post<{ id: string }>('/api/projects', { title: 'exports', inputType: 'VIDEO', jsonInterface: INTERFACE })).body.id;
    const added = await api().post<{ batchId: string }>(`/api/projects/${projectId}/assets`, { contentArray: ids.map((id) => `camtrove:file/${id}`), externalIdArray: ['flat', 'turned', 'vfr'] });
    await api().settle(projectId, added.body.batchId);
    const labelled = await api().post(`/api/projects/${projectId}/labels`, { assetExternalIdArray: ['flat', 'turned', 'vfr'], jsonResponseArray: [label, label, label] });
    assert.equal(labelled.status, 201, JSON.stringify(labelled.body));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts an export, waits until it is done, and gives its zip's path. */
  const exportedZip = async (body: Record<string, unknown>): Promise<string> => {
    const started = await api().post<ExportJson>(`/api/projects/${projectId}/exports`, body);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    let state = started.body;
    for (let i = 0; state.status !== 'DONE' && state.status !== 'FAILED'; i++) {
      assert.ok(i < 600, 'the export finishes');
      await new Promise((r) => setTimeout(r, 100));
      state = (await api().get<ExportJson>(`/api/exports/${state.id}`)).body;
    }
    assert.equal(state.status, 'DONE', JSON.stringify(state.error));
    const count = (body.externalIds as string[] | undefined)?.length ?? 3;
    assert.deepEqual(state.progress, { assetsDone: count, assetsTotal: count });
    const response = await fetch(`${served.server.url}${state.download!}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/zip');
    const zip = join(dir, `${state.id}.zip`);
    await writeFile(zip, Buffer.from(await response.arrayBuffer()));
    return zip;
  };
  const exported = async (body: Record<string, unknown>): Promise<Map<string, string>> => readZip(await exportedZip(body));

  it('cvat_video: every frame of the track in pixels of each video as displayed, key frames and the outside flag kept', async () => {
    const files = await exported({ fmt: 'cvat_video' });
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'track' || name === 'box' });
    for (const [name, width, height] of [['flat', 160, 120], ['turned', 360, 640], ['vfr', 96, 64]] as const) {
      const xml = parser.parse(files.get(`annotations/${name}.xml`)!) as { annotations: { track: { label: string; box: Record<string, string>[] }[] } };
      const [track] = xml.annotations.track;
      assert.equal(track!.label, 'Deer');
      const boxes = track!.box;
      assert.deepEqual(boxes.map((b) => Number(b.frame)), Array.from({ length: 16 }, (_, i) => i), `${name}: frames 0–14 shown, 15 outside`);
      assert.deepEqual(boxes.filter((b) => b.keyframe === '1').map((b) => Number(b.frame)), [0, 10, 14, 15]);
      assert.equal(boxes[15]!.outside, '1');
      // Frame 5, halfway: x 0.3–0.5, y 0.4–0.6 of the frame as displayed.
      const five = boxes[5]!;
      assert.ok(close(Number(five.xtl), 0.3 * width) && close(Number(five.xbr), 0.5 * width) && close(Number(five.ytl), 0.4 * height) && close(Number(five.ybr), 0.6 * height), `${name}: ${JSON.stringify(five)}`);
    }
  });

  it('cvat_video: imported back, the same key frames and outside flags', async () => {
    const files = await exported({ fmt: 'cvat_video', externalIds: ['turned'] });
    const xml = files.get('annotations.xml') ?? files.get('annotations/turned.xml')!;
    const imported = await api().post<{ labels: { id: string }[]; warnings: string[] }>(`/api/projects/${projectId}/labels/import`, { fmt: 'cvat_video', assetExternalId: 'turned', content: xml, labelType: 'REVIEW' });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    const back = await api().get<{ jsonResponse: Record<string, unknown>; numberOfKeyFrames: number }>(`/api/labels/${imported.body.labels[0]!.id}`);
    assert.equal(back.body.numberOfKeyFrames, 4, 'keys at 0, 10 and 14, and the outside key at 15');
    const original = (await api().get<{ labels: { jsonResponse: Record<string, { OBJECT_DETECTION_JOB?: { annotations: { isKeyFrame: boolean; boundingPoly: { normalizedVertices: { x: number; y: number }[] }[] }[] } }> }[] }>(`/api/projects/${projectId}/labels?assetExternalId=turned&labelTypeIn=DEFAULT&withJsonResponse=true`)).body.labels[0]!.jsonResponse;
    const again = back.body.jsonResponse as typeof original;
    for (let f = 0; f < 20; f++) {
      const [a] = original[String(f)]?.OBJECT_DETECTION_JOB?.annotations ?? [];
      const [b] = again[String(f)]?.OBJECT_DETECTION_JOB?.annotations ?? [];
      assert.equal(Boolean(a), Boolean(b), `frame ${f}`);
      if (!a || !b) continue;
      assert.equal(a.isKeyFrame, b.isKeyFrame, `frame ${f}`);
      a.boundingPoly[0]!.normalizedVertices.forEach((v, i) => {
        const w = b.boundingPoly[0]!.normalizedVertices[i]!;
        assert.ok(Math.abs(v.x - w.x) < 1e-3 && Math.abs(v.y - w.y) < 1e-3, `frame ${f}: ${JSON.stringify([v, w])}`);
      });
    }
    const unknown = await api().post(`/api/projects/${projectId}/labels/import`, { fmt: 'cvat_video', assetExternalId: 'turned', content: xml.replace(/label="Deer"/g, 'label="Moose"').replace(/<name>Deer<\/name>/g, '<name>Moose</name>') });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error!.message, /"Moose"/);
  });

  it('mot: 1-based frames in pixels, one row per frame the deer is on', async () => {
    const files = await exported({ fmt: 'mot' });
    for (const [name, width, height] of [['flat', 160, 120], ['turned', 360, 640], ['vfr', 96, 64]] as const) {
      const rows = files.get(`${name}/gt/gt.txt`)!.trim().split('\n').map((line) => line.split(',').map(Number));
      assert.deepEqual(rows.map((r) => r[0]), Array.from({ length: 15 }, (_, i) => i + 1));
      const six = rows[5]!; // frame index 5 is MOT frame 6
      assert.deepEqual([six[0], six[1]], [6, 1]);
      assert.ok(close(six[2]!, 0.3 * width) && close(six[3]!, 0.4 * height) && close(six[4]!, 0.2 * width) && close(six[5]!, 0.2 * height), `${name}: ${six.join(',')}`);
      assert.equal(files.get(`${name}/gt/labels.txt`)!.trim().split('\n')[0], 'Deer');
    }
  });

  it('yolo_v8: a label file per frame named by frame index + 1, key frames only when asked', async () => {
    const files = await exported({ fmt: 'yolo_v8', interpolate: false, annotatedOnly: true });
    const names = [...files.keys()].filter((n) => n.startsWith('labels/flat')).sort();
    assert.deepEqual(names, ['labels/flat_01.txt', 'labels/flat_11.txt', 'labels/flat_15.txt']);
    const [cls, cx, cy, w, h] = files.get('labels/flat_11.txt')!.trim().split(' ').map(Number);
    assert.deepEqual([cls, cx, cy, w, h].map((v) => Math.round(v! * 1000) / 1000), [0, 0.6, 0.7, 0.2, 0.2]);
    assert.match(files.get('data.yaml')!, /Deer/);
  });

  it('yolo_v8 with the frames\' images: one JPEG per label file, named alike, upright', async () => {
    const files = await readZipBytes(await exportedZip({ fmt: 'yolo_v8', withAssets: true, annotatedOnly: true }));
    const labels = [...files.keys()].filter((n) => n.startsWith('labels/')).map((n) => n.slice('labels/'.length, -'.txt'.length)).sort();
    const images = [...files.keys()].filter((n) => n.startsWith('images/')).map((n) => n.slice('images/'.length, -'.jpg'.length)).sort();
    assert.equal(labels.length, 45, 'frames 0–14 of each video');
    assert.deepEqual(images, labels);
    const jpeg = join(dir, 'turned-5.jpg');
    await writeFile(jpeg, files.get('images/turned_06.jpg')!);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', jpeg]);
    assert.equal(stdout.trim(), '360,640');
    // On the variable-rate video, image vfr_06 is decoded frame 5 (t = 5.5 s), not the frame at 5 ÷ fps.
    const vfrJpeg = join(dir, 'vfr-5.jpg');
    await writeFile(vfrJpeg, files.get('images/vfr_06.jpg')!);
    const image = await imageRgb(vfrJpeg);
    const difference = async (k: number) => {
      const frame = await ffmpegFrameRgb(vfr, k);
      let sum = 0;
      for (let i = 0; i < frame.length; i++) sum += Math.abs(frame[i]! - image[i]!);
      return sum / frame.length;
    };
    const [four, five, six] = [await difference(4), await difference(5), await difference(6)];
    assert.ok(five < 6 && five < four && five < six, `mean differences to frames 4, 5, 6: ${four.toFixed(1)}, ${five.toFixed(1)}, ${six.toFixed(1)}`);
    const refused = await api().post(`/api/projects/${projectId}/exports`, { fmt: 'mot', withAssets: true });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error!.message, /withAssets: mot exports carry no frame images/);
  });

  it('coco: one image per frame of each video, each its own size, a track_id on every box', async () => {
    const files = await exported({ fmt: 'coco' });
    const coco = JSON.parse(files.get('annotations.json')!) as { images: { id: number; width: number; height: number; frame_index: number; video: string }[]; annotations: { image_id: number; bbox: number[]; track_id: number }[] };
    assert.equal(coco.images.length, 110);
    assert.equal(new Set(coco.images.map((i) => i.id)).size, 110, 'image ids unique across videos');
    const turnedFive = coco.images.find((i) => i.video === 'turned' && i.frame_index === 5)!;
    assert.deepEqual([turnedFive.width, turnedFive.height], [360, 640]);
    const box = coco.annotations.find((a) => a.image_id === turnedFive.id)!;
    // x 0.3–0.5, y 0.4–0.6 of the upright frame.
    assert.ok(close(box.bbox[0]!, 108) && close(box.bbox[1]!, 256) && close(box.bbox[2]!, 72) && close(box.bbox[3]!, 128), box.bbox.join(','));
    assert.equal(new Set(coco.annotations.map((a) => a.track_id)).size, 3, 'one track per video');
    assert.equal(coco.annotations.length, 45);
  });

  it('kili: every frame, which adds back as the same label', async () => {
    const files = await exported({ fmt: 'kili' });
    const flat = JSON.parse(files.get('labels/flat.json')!) as { externalId: string; jsonResponse: Record<string, unknown> };
    assert.equal(Object.keys(flat.jsonResponse).length, 20);
    const again = await api().post<{ labels: { id: string }[] }>(`/api/projects/${projectId}/labels`, { assetExternalIdArray: ['flat'], jsonResponseArray: [flat.jsonResponse] });
    assert.equal(again.status, 201);
    const back = await api().get<{ jsonResponse: unknown; numberOfKeyFrames: number }>(`/api/labels/${again.body.labels[0]!.id}`);
    assert.deepEqual(back.body.jsonResponse, flat.jsonResponse);
    assert.equal(back.body.numberOfKeyFrames, 4);
  });

  it('refuses an unknown format or asset, and a download before the export is done', async () => {
    const bad = await api().post(`/api/projects/${projectId}/exports`, { fmt: 'pascal_voc' });
    assert.equal(bad.status, 400);
    const missing = await api().post(`/api/projects/${projectId}/exports`, { fmt: 'mot', externalIds: ['nope'] });
    assert.equal(missing.status, 404);
    assert.match(missing.body.error!.message, /"nope"/);
    assert.equal((await api().get('/api/exports/ffffffffffffffffffffffffffffffff')).status, 404);
  });
});
