import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildApp } from '../../src/http/app.js';
import { openTestLibrary } from '../helpers/test-library.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Typed calls a client of the API makes, through openapi-fetch with the generated `paths`. */
const RIGHT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:8080' });

export async function tour(): Promise<string[]> {
  const seen: string[] = [];
  const files = await client.GET('/api/files', { params: { query: { limit: 10 } } });
  if (files.data) seen.push(...files.data.files.map((f) => f.file_id));
  const started = await client.POST('/api/analyses', { body: { analysis: 'thumbnail', file_id: 'abcdef', params: { t: 2.5 } } });
  if (started.data) seen.push(started.data.analysis_id);
  if (started.error) seen.push(started.error.error.code);
  const record = await client.GET('/api/analyses/{id}', { params: { path: { id: 'abcdef' } } });
  if (record.data) seen.push(record.data.state, String(record.data.progress));
  const frames = await client.GET('/api/cameras/{id}/frames', { params: { path: { id: 'porch' }, query: { from: '2026-12-01', cursor: 'x' } } });
  if (frames.data) {
    const width: number | null | undefined = frames.data.frames[0]?.width;
    const next: string | null = frames.data.next;
    seen.push(String(width), String(next));
  }
  const removed = await client.DELETE('/api/files/{id}', { params: { path: { id: 'abcdef' }, query: { cascade: true } } });
  if (removed.data) seen.push(String(removed.data.cascaded?.events));
  return seen;
}

type Download = paths['/api/files/{id}']['get']['responses'];
export const statuses: (keyof Download)[] = [200, 206, 304, 404];
export const notFound = (body: Download[404]['content']['application/json']): components['schemas']['Error']['error']['code'] => body.error.code;
`;

/** The same client, wrong: an unknown path parameter, a field the answer does not have, a missing body field. */
const WRONG = `
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:8080' });

export async function mistakes(): Promise<unknown[]> {
  const file = await client.GET('/api/files/{id}', { params: { path: { file: 'abcdef' } } });
  const frames = await client.GET('/api/cameras/{id}/frames', { params: { path: { id: 'porch' } } });
  const started = await client.POST('/api/analyses', { body: { file_id: 'abcdef' } });
  return [file, frames.data?.frames[0]?.captured_when, started];
}
`;

describe('a typed client generated from the OpenAPI document', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let dir: string;

  before(async () => {
    library = await openTestLibrary();
    dir = await mkdtemp(join(tmpdir(), 'camtrove-client-'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await library.dispose();
  });

  /** Type-checks one file against the generated types (strict); returns tsc's exit code and output. */
  const typeCheck = async (name: string, source: string) => {
    await writeFile(join(dir, name), source);
    const config = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: [],
        skipLibCheck: true,
        paths: { 'openapi-fetch': [join(dirname(require.resolve('openapi-fetch')), 'index.d.mts')] },
      },
      files: [join(dir, 'api.ts'), join(dir, name)],
    };
    await writeFile(join(dir, `tsconfig.${name}.json`), JSON.stringify(config));
    const tsc = require.resolve('typescript/bin/tsc');
    try {
      await run(process.execPath, [tsc, '-p', join(dir, `tsconfig.${name}.json`)]);
      return { code: 0, output: '' };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, output: failed.stdout };
    }
  };

  it('type-checks typed calls with openapi-typescript and openapi-fetch, and refuses wrong ones', async () => {
    const app = await buildApp({ ...library, logger: false });
    const served = await app.inject('/openapi.json');
    await app.close();
    assert.equal(served.statusCode, 200);
    await writeFile(join(dir, 'api.ts'), astToString(await openapiTS(JSON.parse(served.body) as Parameters<typeof openapiTS>[0])));

    const right = await typeCheck('right.ts', RIGHT);
    assert.deepEqual(right, { code: 0, output: '' });

    const wrong = await typeCheck('wrong.ts', WRONG);
    assert.notEqual(wrong.code, 0);
    const errors = wrong.output.split('\n').filter((line) => line.includes('wrong.ts('));
    const lineOf = (text: string) => WRONG.split('\n').findIndex((line) => line.includes(text)) + 1;
    for (const mistake of ["path: { file: 'abcdef' }", 'captured_when', "body: { file_id: 'abcdef' }"]) {
      assert.ok(errors.some((e) => e.includes(`wrong.ts(${lineOf(mistake)},`)), `tsc names the line with ${mistake}:\n${wrong.output}`);
    }
  });
});
