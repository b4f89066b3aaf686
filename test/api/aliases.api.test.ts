import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileForm, servedLibrary } from '../helpers/http.js';
import { dialectName } from '../helpers/test-library.js';

/** The older paths (the seed service's /file and /analysis, /cameras, /jobs) run the handlers of their /api/ paths. */
describe(`older paths answer as their /api/ paths do (${dialectName})`, () => {
  const served = servedLibrary({ concurrency: 1 });

  it('/file, /analysis, /cameras and /jobs give the same answers as /api/files, /api/analyses, /api/cameras and /api/jobs', async () => {
    const url = served.server.url;
    const json = async (path: string, init?: RequestInit) => {
      const response = await fetch(`${url}${path}`, init);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const uploaded = await json('/file', { method: 'POST', body: fileForm('bytes sent to the old path', 'old.txt') });
    assert.equal(uploaded.status, 200);
    const id = uploaded.body.file_id as string;
    assert.deepEqual(await json('/api/files', { method: 'POST', body: fileForm('bytes sent to the old path', 'old.txt') }), { status: 200, body: { file_id: id, created: false } });
    assert.deepEqual(await json('/file'), await json('/api/files'));
    const oldDownload = await fetch(`${url}/file/${id.slice(0, 8)}`, { headers: { range: 'bytes=0-4' } });
    const newDownload = await fetch(`${url}/api/files/${id.slice(0, 8)}`, { headers: { range: 'bytes=0-4' } });
    assert.deepEqual([oldDownload.status, await oldDownload.text()], [newDownload.status, await newDownload.text()]);

    served.library.startWorkers();
    const started = await json('/analysis', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ analysis: 'sleep', time: 0 }) });
    assert.equal(started.status, 200);
    const analysis = started.body.analysis_id as string;
    for (let tries = 0; (await json(`/api/analyses/${analysis}/result`)).status === 202 && tries < 200; tries += 1) await new Promise((r) => setTimeout(r, 50));
    const result = await json(`/api/analyses/${analysis}/result`);
    assert.equal(result.status, 200);
    assert.deepEqual(await json(`/analysis/${analysis}`), result);
    assert.deepEqual(await json('/analysis'), await json('/api/analyses'));
    assert.deepEqual(await json(`/analysis/${'0'.repeat(32)}`, { method: 'DELETE' }), await json(`/api/analyses/${'0'.repeat(32)}`, { method: 'DELETE' }));

    const camera = { id: 'gate', type: 'snapshot', snapshot_url: 'http://127.0.0.1:9/gate.jpg' };
    assert.equal((await json('/cameras', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(camera) })).status, 201);
    assert.deepEqual(await json('/cameras/gate'), await json('/api/cameras/gate'));
    assert.deepEqual(await json('/cameras'), await json('/api/cameras'));
    assert.deepEqual(await json('/jobs'), await json('/api/jobs'));
  });
});
