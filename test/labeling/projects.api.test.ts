import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { servedLibrary } from '../helpers/http.js';
import { dialectName } from '../helpers/test-library.js';
import { INTERFACE, jsonClient } from './helpers.js';

interface Project { id: string; title: string; description: string; inputType: string; jsonInterface: typeof INTERFACE; numberOfAssets: number; createdAt: string }

describe(`labeling projects over REST (${dialectName})`, () => {
  const served = servedLibrary();
  const api = () => jsonClient(served.server.url);

  it('creates a project, shows it, lists and counts projects, changes and deletes it', async () => {
    const created = await api().post<{ id: string }>('/api/projects', { title: 'Deer at night', description: 'trail cam 4', inputType: 'VIDEO', jsonInterface: INTERFACE });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.id, /^[0-9a-f]{32}$/);
    const shown = await api().get<Project>(`/api/projects/${created.body.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.title, 'Deer at night');
    assert.equal(shown.body.inputType, 'VIDEO');
    assert.equal(shown.body.numberOfAssets, 0);
    assert.deepEqual(shown.body.jsonInterface.jobs.OBJECT_DETECTION_JOB.tools, ['rectangle']);
    assert.equal((await api().get<Project>(`/api/projects/${created.body.id.slice(0, 8)}`)).body.id, created.body.id, 'a unique prefix finds it');

    const second = await api().post<{ id: string }>('/api/projects', { title: 'Frames', inputType: 'IMAGE', jsonInterface: INTERFACE });
    const listed = await api().get<{ projects: Project[] }>('/api/projects');
    assert.deepEqual(listed.body.projects.map((p) => p.id).filter((id) => id === created.body.id || id === second.body.id), [created.body.id, second.body.id], 'in the order they were made');
    assert.deepEqual((await api().get<{ projects: Project[] }>(`/api/projects?projectId=${second.body.id}`)).body.projects.map((p) => p.id), [second.body.id]);
    assert.equal((await api().get<{ projects: Project[] }>('/api/projects?first=1&skip=1')).body.projects.length, 1);
    const count = (await api().get<{ count: number }>('/api/projects/count')).body.count;
    assert.ok(count >= 2);

    const changed = await api().patch<Project>(`/api/projects/${created.body.id}`, { title: 'Deer and foxes', description: 'cam 4 and 5' });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.title, 'Deer and foxes');
    assert.deepEqual(changed.body.jsonInterface, shown.body.jsonInterface, 'what the change left out stays');

    const deleted = await api().del<{ id: string; deletedAssets: number }>(`/api/projects/${second.body.id}`);
    assert.deepEqual(deleted.body, { id: second.body.id, deletedAssets: 0 });
    assert.equal((await api().get('/api/projects/count')).body.count, count - 1);
    const gone = await api().get(`/api/projects/${second.body.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error?.code, 'CAMTROVE_ERR_PROJECT_NOT_FOUND');
  });

  it('refuses an interface with an unknown mlTask or tool, or a child job that is missing or not marked isChild, naming the job and key', async () => {
    const bad = async (jsonInterface: unknown, ...words: string[]) => {
      const { status, body } = await api().post('/api/projects', { title: 't', inputType: 'VIDEO', jsonInterface });
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(body.error?.code, 'CAMTROVE_ERR_INVALID_INTERFACE');
      for (const word of words) assert.ok(body.error?.message.includes(word), `${body.error?.message} names ${word}`);
    };
    const jobs = INTERFACE.jobs;
    await bad({ jobs: { ...jobs, OBJECT_DETECTION_JOB: { ...jobs.OBJECT_DETECTION_JOB, mlTask: 'FLYING' } } }, 'OBJECT_DETECTION_JOB', 'FLYING');
    await bad({ jobs: { ...jobs, OBJECT_DETECTION_JOB: { ...jobs.OBJECT_DETECTION_JOB, tools: ['lasso'] } } }, 'OBJECT_DETECTION_JOB', 'lasso');
    await bad({ jobs: { OBJECT_DETECTION_JOB: jobs.OBJECT_DETECTION_JOB } }, 'OBJECT_DETECTION_JOB', 'ANTLERS');
    await bad({ jobs: { ...jobs, ANTLERS: { ...jobs.ANTLERS, isChild: false } } }, 'ANTLERS');
    await bad('not an interface');
  });

  it('refuses a project without inputType or jsonInterface, or with an input type it does not know', async () => {
    for (const body of [{ title: 't', jsonInterface: INTERFACE }, { title: 't', inputType: 'VIDEO' }, { title: 't', inputType: 'PDF', jsonInterface: INTERFACE }, { inputType: 'VIDEO', jsonInterface: INTERFACE }]) {
      const answer = await api().post('/api/projects', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.error?.code ?? '', /BAD_REQUEST|INVALID_INTERFACE/);
    }
  });

  it('validates an interface change the same way, and answers 404 for a project that does not exist', async () => {
    const { body } = await api().post<{ id: string }>('/api/projects', { title: 't', inputType: 'VIDEO', jsonInterface: INTERFACE });
    const change = await api().patch(`/api/projects/${body.id}`, { jsonInterface: { jobs: { A: { mlTask: 'CLASSIFICATION', content: { categories: { X: { name: 'x', children: ['NOPE'] } } } } } } });
    assert.equal(change.status, 400);
    assert.equal(change.body.error?.code, 'CAMTROVE_ERR_INVALID_INTERFACE');
    assert.equal((await api().get<Project>(`/api/projects/${body.id}`)).body.jsonInterface.jobs.OBJECT_DETECTION_JOB.mlTask, 'OBJECT_DETECTION', 'nothing changed');
    for (const [method, path] of [['GET', '/api/projects/0123456789abcdef0123456789abcdef'], ['PATCH', '/api/projects/0123456789abcdef0123456789abcdef'], ['DELETE', '/api/projects/0123456789abcdef0123456789abcdef'], ['GET', '/api/projects/0123456789abcdef0123456789abcdef/assets']] as const) {
      const answer = await api().call(method, path, method === 'PATCH' ? { title: 'x' } : undefined);
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.equal(answer.body.error?.code, 'CAMTROVE_ERR_PROJECT_NOT_FOUND');
    }
  });
});
