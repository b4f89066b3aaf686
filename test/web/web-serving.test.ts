// How the server serves the web app: pages fall back to index.html (and need no token), hashed
// assets are cached for good, API paths keep their JSON 404s, and a missing build says how to make one.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { WEB_CSP } from '../../src/http/web-app.js';
import { openTestLibrary } from '../helpers/test-library.js';

const INDEX = '<!doctype html><title>camtrove</title><script type="module" src="/assets/index-abc123.js"></script>';
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the web app as the server serves it', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let build: string;
  let app: FastifyInstance;

  before(async () => {
    library = await openTestLibrary();
    build = await mkdtemp(join(tmpdir(), 'camtrove-web-'));
    await mkdir(join(build, 'assets'));
    await writeFile(join(build, 'index.html'), INDEX);
    await writeFile(join(build, 'assets', 'index-abc123.js'), 'console.log(1)');
    app = await buildApp({ ...library, logger: false, webRoot: build });
  });
  after(async () => {
    await app.close();
    await library.dispose();
    await rm(build, { recursive: true, force: true });
  });

  it('answers index.html for every page path a browser asks for, under the app\'s CSP and never cached', async () => {
    for (const url of ['/', '/files', '/analyses?state=FAILURE', '/some/later/page']) {
      const page = await app.inject({ url, headers: html });
      assert.equal(page.statusCode, 200, url);
      assert.equal(page.body, INDEX);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.equal(page.headers['content-security-policy'], WEB_CSP);
      assert.equal(page.headers['cache-control'], 'no-cache');
      assert.equal(page.headers['x-frame-options'], 'DENY');
    }
  });

  it('answers a browser\'s navigation to /cameras and /cameras/{id} with the app, and API clients with the older API path', async () => {
    await library.cameras.add({ id: 'gate.1', type: 'snapshot', snapshot_url: 'http://127.0.0.1:9/gate.jpg' });
    try {
      // Chromium's and Firefox's navigations, and a client that asks for HTML only.
      const browsers = [html.accept, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html'];
      for (const url of ['/cameras', '/cameras/gate.1', '/cameras?type=snapshot']) {
        for (const accept of browsers) {
          const page = await app.inject({ url, headers: { accept } });
          assert.equal(page.statusCode, 200, `${url} ${accept}`);
          assert.equal(page.body, INDEX, `${url} ${accept}`);
          assert.equal(page.headers['content-security-policy'], WEB_CSP);
          assert.equal(page.headers.vary, 'accept');
        }
      }
      // No Accept, JSON, anything, JSON preferred or tied with HTML: the API, as before.
      const apiClients = [undefined, 'application/json', '*/*', 'application/json, text/html;q=0.5', 'text/html, application/json', 'text/html;q=0'];
      for (const accept of apiClients) {
        const list = await app.inject({ url: '/cameras', headers: accept === undefined ? {} : { accept } });
        assert.equal(list.statusCode, 200, String(accept));
        assert.deepEqual(list.json<{ cameras: { id: string }[] }>().cameras.map((c) => c.id), ['gate.1'], String(accept));
        assert.equal(list.headers.vary, 'accept');
        const one = await app.inject({ url: '/cameras/gate.1', headers: accept === undefined ? {} : { accept } });
        assert.equal(one.json<{ id: string }>().id, 'gate.1', String(accept));
      }
      // Below a camera, and other methods, stay the API's whatever the client accepts.
      assert.equal((await app.inject({ url: '/cameras/gate.1/frames', headers: html })).json<{ error: { code: string } }>().error.code, 'CAMTROVE_ERR_ROUTE_NOT_FOUND');
      assert.equal((await app.inject({ method: 'DELETE', url: '/cameras/nowhere', headers: html })).json<{ error: { code: string } }>().error.code, 'CAMTROVE_ERR_CAMERA_NOT_FOUND');

      // Once tokens exist, the page needs none; the API at the same path still does.
      const { token } = await library.tokens.create('web test');
      try {
        assert.equal((await app.inject({ url: '/cameras/gate.1', headers: html })).body, INDEX);
        assert.equal((await app.inject({ url: '/cameras/gate.1', headers: { accept: 'application/json' } })).statusCode, 401);
        assert.equal((await app.inject({ url: '/cameras/gate.1', headers: { authorization: `Bearer ${token}` } })).json<{ id: string }>().id, 'gate.1');
      } finally {
        for (const t of await library.tokens.list()) await library.tokens.revoke(t.id);
      }
    } finally {
      await library.cameras.remove('gate.1');
    }
  });

  it('serves hashed assets with a year of caching', async () => {
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.body, 'console.log(1)');
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it('keeps the API\'s JSON 404 for everything that is not a page', async () => {
    const cases: ['GET' | 'POST', string, Record<string, string>][] = [
      ['GET', '/nowhere', {}],
      ['GET', '/api/nowhere', html],
      ['GET', '/api/files/abcdef/nothing', html],
      ['GET', '/docs/nowhere', html],
      ['GET', '/file/abcdef/nothing', html],
      ['GET', '/robots.txt', html],
      ['GET', '/assets/missing.js', html],
      ['POST', '/files', html],
      ['GET', '/files', { accept: 'application/json, text/html;q=0.5' }],
    ];
    for (const [method, url, headers] of cases) {
      const answer = await app.inject({ method, url, headers });
      assert.equal(answer.statusCode, 404, `${method} ${url}`);
      assert.equal(answer.json<{ error: { code: string } }>().error.code, 'CAMTROVE_ERR_ROUTE_NOT_FOUND', `${method} ${url}`);
    }
  });

  it('pages and assets need no token once tokens exist; the API still does', async () => {
    const { token } = await library.tokens.create('web test');
    try {
      assert.equal((await app.inject({ url: '/files', headers: html })).statusCode, 200);
      assert.equal((await app.inject({ url: '/assets/index-abc123.js' })).statusCode, 200);
      assert.equal((await app.inject({ url: '/api/files', headers: html })).statusCode, 401);
      assert.equal((await app.inject({ url: '/api/nowhere', headers: html })).statusCode, 401);
      assert.equal((await app.inject({ url: '/api/library', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
    } finally {
      for (const t of await library.tokens.list()) await library.tokens.revoke(t.id);
    }
  });

  it('says how to build the app when it is not built, and the API works as ever', async () => {
    const unbuilt = await buildApp({ ...library, logger: false, webRoot: join(build, 'missing') });
    try {
      const page = await unbuilt.inject({ url: '/files', headers: html });
      assert.equal(page.statusCode, 503);
      assert.match(page.body, /web app is not built here.*\n.*`npm run build`/);
      assert.equal((await unbuilt.inject({ url: '/assets/index-abc123.js' })).statusCode, 404);
      assert.equal((await unbuilt.inject({ url: '/api/library' })).statusCode, 200);
    } finally {
      await unbuilt.close();
    }
  });
});
