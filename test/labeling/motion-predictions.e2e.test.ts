// Real footage end to end: vtest.avi (people walking on a square) segmented into events, the events
// made assets, and each asset's camtrove-motion prediction checked against the pixels that move.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { apiClient } from '../helpers/api.js';
import { servedLibrary } from '../helpers/http.js';
import { sampleClips } from '../helpers/media.js';
import { dialectName } from '../helpers/test-library.js';
import { jsonClient } from './helpers.js';

const run = promisify(execFile);
type Vertices = { x: number; y: number }[];
type Frames = Record<string, { PEOPLE?: { annotations: { mid: string; categories: { name: string }[]; boundingPoly: { normalizedVertices: Vertices }[] }[] } }>;

/** Grey frames of a video at 96×72, one byte per pixel. */
async function greyFrames(path: string): Promise<Uint8Array[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path, '-vf', 'scale=96:72', '-pix_fmt', 'gray', '-f', 'rawvideo', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const size = 96 * 72;
  return Array.from({ length: Math.floor(stdout.length / size) }, (_, i) => new Uint8Array(stdout.buffer, stdout.byteOffset + i * size, size));
}

describe(`motion predictions on real footage (${dialectName})`, () => {
  const served = servedLibrary();

  it('gives each walker of vtest.avi a box of its own, on the pixels that move', async (t) => {
    const clips = sampleClips(t, 'vtest.avi');
    if (!clips) return;
    const [vtest] = clips;
    served.library.startWorkers();
    const api = jsonClient(served.server.url);
    const upload = apiClient(served.server.url);
    const fileId = await upload.upload(await readFile(vtest), 'vtest.avi');
    await upload.succeed({ analysis: 'segment', file_id: fileId }, 180_000);
    const jsonInterface = { jobs: { PEOPLE: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], content: { input: 'radio', categories: { CAR: { name: 'Car' }, PERSON: { name: 'Person' } } } } } };
    const projectId = (await api.post<{ id: string }>('/api/projects', { title: 'walkers', inputType: 'VIDEO', jsonInterface })).body.id;
    const added = await api.post<{ batchId: string; assetIds: string[] }>(`/api/projects/${projectId}/assets/from-events`, { where: { media: fileId }, categoryMapping: { '*': 'PERSON' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.ok(added.body.assetIds.length >= 1);
    await api.settle(projectId, added.body.batchId, 120_000);

    // The longest asset (the walkers are on the square the whole time).
    const assets = (await api.get<{ assets: { id: string; numberOfFrames: number }[] }>(`/api/projects/${projectId}/assets`)).body.assets;
    const asset = assets.sort((a, b) => b.numberOfFrames - a.numberOfFrames)[0]!;
    assert.ok(asset.numberOfFrames > 500, `${asset.numberOfFrames} frames`);
    const { labels } = (await api.get<{ labels: { id: string; labelType: string; modelName: string; numberOfAnnotations: number }[] }>(`/api/projects/${projectId}/labels?assetId=${asset.id}`)).body;
    assert.deepEqual(labels.map((l) => [l.labelType, l.modelName]), [['PREDICTION', 'camtrove-motion']]);
    assert.ok(labels[0]!.numberOfAnnotations >= 6, `${labels[0]!.numberOfAnnotations} tracks: one per walker, not one box around everyone`);
    const frames = (await api.get<{ jsonResponse: Frames }>(`/api/labels/${labels[0]!.id}`)).body.jsonResponse;
    const firstPts = (await api.get<{ frames: { pts: number }[] }>(`/api/assets/${asset.id}/frames?first=1`)).body.frames[0]!.pts;

    // Background: the median of 41 frames spread over the clip; a pixel moves where it differs from it.
    const grey = await greyFrames(vtest);
    const sample = Array.from({ length: 41 }, (_, i) => grey[Math.floor((i * (grey.length - 1)) / 40)]!);
    const background = new Uint8Array(96 * 72).map((_, p) => sample.map((f) => f[p]!).sort((a, b) => a - b)[20]!);
    let checked = 0;
    let onWalkers = 0;
    const missed: string[] = [];
    for (const k of [100, 250, 400, 550]) {
      const shown = frames[String(k)]?.PEOPLE?.annotations ?? [];
      assert.ok(shown.length >= 2, `frame ${k}: ${shown.length} boxes`);
      const source = grey[Math.round(firstPts * 10) + k]!;
      const moving = (x0: number, y0: number, x1: number, y1: number) => {
        let n = 0;
        let all = 0;
        for (let y = Math.floor(y0 * 72); y < Math.ceil(y1 * 72); y++) {
          for (let x = Math.floor(x0 * 96); x < Math.ceil(x1 * 96); x++) {
            all += 1;
            if (Math.abs(source[y * 96 + x]! - background[y * 96 + x]!) > 25) n += 1;
          }
        }
        return all === 0 ? 0 : n / all;
      };
      const whole = moving(0, 0, 1, 1);
      for (const box of shown) {
        assert.deepEqual(box.categories, [{ name: 'PERSON' }]);
        const v = box.boundingPoly[0]!.normalizedVertices;
        const [x0, y0, x1, y1] = [v[1]!.x, v[1]!.y, v[3]!.x, v[3]!.y];
        assert.ok((x1 - x0) * (y1 - y0) < 0.25, `frame ${k}: a box of ${((x1 - x0) * (y1 - y0) * 100).toFixed(0)} % of the frame`);
        // On a walker, pixels that differ from the background are several times as common as over the whole frame.
        if (moving(x0, y0, x1, y1) > 3 * whole) onWalkers += 1;
        else missed.push(`frame ${k}, ${box.mid}: ${moving(x0, y0, x1, y1).toFixed(3)} inside vs ${whole.toFixed(3)} overall`);
        checked += 1;
      }
    }
    assert.ok(checked >= 8, `${checked} boxes`);
    // Someone who stands still for most of the clip is part of the median background: a few boxes may miss.
    assert.ok(onWalkers >= 0.8 * checked, missed.join('; '));
  });
});
