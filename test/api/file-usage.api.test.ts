import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileForm, servedLibrary } from '../helpers/http.js';

interface Usage {
  file_id: string;
  name: string;
  deletion: string;
  remedy: string | null;
  description: string;
  uses: Record<string, number>;
}

describe('what uses a file, and the library at a glance', () => {
  const served = servedLibrary();
  const upload = async (content: string, name: string) => {
    const response = await fetch(`${served.server.url}/api/files`, { method: 'POST', body: fileForm(content, name) });
    assert.equal(response.status, 200);
    return ((await response.json()) as { file_id: string }).file_id;
  };
  const usage = async (id: string) => {
    const response = await fetch(`${served.server.url}/api/files/${id}/usage`);
    assert.equal(response.status, 200);
    return (await response.json()) as Usage;
  };

  it('GET /api/library counts the files and their bytes', async () => {
    const before = (await (await fetch(`${served.server.url}/api/library`)).json()) as { files: { count: number; bytes: number } };
    await upload('a'.repeat(1000), 'a.bin');
    await upload('b'.repeat(234), 'b.bin');
    await upload('a'.repeat(1000), 'same-bytes.bin');
    const after = (await (await fetch(`${served.server.url}/api/library`)).json()) as { files: { count: number; bytes: number } };
    assert.deepEqual(after, { files: { count: before.files.count + 2, bytes: before.files.bytes + 1234 } });
  });

  it('a file nothing uses is deleted alone; a waiting analysis refuses the deletion, saying what to do', async () => {
    const id = await upload('c'.repeat(50), 'clip.mp4');
    const free = await usage(id.slice(0, 8));
    assert.deepEqual({ ...free, uses: undefined }, { file_id: id, name: 'clip.mp4', deletion: 'alone', remedy: null, description: '', uses: undefined });
    assert.ok(Object.values(free.uses).every((n) => n === 0));

    // Workers are not started here: the analysis stays pending.
    const started = await fetch(`${served.server.url}/api/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ analysis: 'probe', file_id: id }) });
    const { analysis_id: analysisId } = (await started.json()) as { analysis_id: string };
    const busy = await usage(id);
    assert.equal(busy.deletion, 'refused');
    assert.equal(busy.uses.active_analyses, 1);
    assert.equal(busy.description, `1 pending or running analysis (${analysisId})`);
    assert.match(busy.remedy ?? '', /cancel the pending or running analyses/);
    // The deletion itself answers as the usage said.
    const refused = await fetch(`${served.server.url}/api/files/${id}?cascade=true`, { method: 'DELETE' });
    assert.equal(refused.status, 409);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /cancel the pending or running analyses/);
  });

  it('an unknown file answers 404', async () => {
    const response = await fetch(`${served.server.url}/api/files/${'0'.repeat(64)}/usage`);
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_FILE_NOT_FOUND');
  });
});
