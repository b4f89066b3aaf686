import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { openTestLibrary } from '../helpers/test-library.js';

interface Operation {
  summary?: string;
  deprecated?: boolean;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas: Record<string, unknown> };
  security: Record<string, string[]>[];
}

/** Only the documents themselves are left out: the OpenAPI JSON and the pages that show it. */
// The API's description, and the web app's page and files.
const undocumented = (url: string) => url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/') || url === '/' || url.startsWith('/assets/');

describe('the OpenAPI document', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let app: FastifyInstance;
  let url: string;
  let doc: Document;
  const registered: string[] = [];

  before(async () => {
    library = await openTestLibrary();
    app = await buildApp({
      ...library,
      logger: false,
      onRoute: (route) => {
        for (const method of [route.method].flat()) if (method !== 'HEAD' && !undocumented(route.url)) registered.push(`${method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
      },
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${url}/openapi.json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    doc = (await response.json()) as Document;
  });
  after(async () => {
    await app.close();
    await library.dispose();
  });

  const operations = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ key: `${method} ${path}`, operation })));

  it('is valid OpenAPI 3.1 by a maintained validator, and /docs shows it', async () => {
    assert.match(doc.openapi, /^3\.1\./);
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    const broken = await new Validator().validate({ ...structuredClone(doc), paths: { '/x': { get: { responses: { 200: {} } } } } });
    assert.equal(broken.valid, false, 'the validator refuses a response without a description');
    const page = await fetch(`${url}/docs`, { redirect: 'follow' });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /swagger/i);
  });

  it('compiles every route\'s request and response schemas (served apps compile each on its first use)', async () => {
    const eager = await buildApp({ ...library, logger: false, compileSchemasUpFront: true });
    try {
      await eager.ready();
    } finally {
      await eager.close();
    }
  });

  it('lists every route Fastify registered, and no other', () => {
    assert.ok(registered.length > 50, `routes seen: ${registered.length}`);
    assert.deepEqual(operations().map((o) => o.key).sort(), [...new Set(registered)].sort());
  });

  it('gives every operation a summary, the bearer scheme, and the error body for every 4xx and 5xx', () => {
    assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer', description: doc.components.securitySchemes.bearer?.['description' as 'type'] });
    assert.deepEqual(doc.security, [{ bearer: [] }]);
    assert.ok(doc.components.schemas.Error, 'the error body is a named schema');
    for (const { key, operation } of operations()) {
      assert.ok(operation.summary && operation.summary.length > 5, `${key} has a summary`);
      const statuses = Object.keys(operation.responses);
      assert.ok(statuses.includes('500'), `${key} documents 500`);
      if (!key.endsWith(' /health')) assert.ok(statuses.includes('401'), `${key} documents 401`);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const content = operation.responses[status]?.content;
        // Polling a failed or cancelled analysis answers its state beside the same `error` object.
        if (/^get \/(api\/analyses\/\{id\}\/result|analysis\/\{id\})$/.test(key) && (status === '410' || status === '422')) {
          assert.deepEqual(Object.keys((content?.['application/json']?.schema as { properties?: object } | undefined)?.properties ?? {}).sort(), ['error', 'state'], `${key} ${status}`);
          continue;
        }
        assert.deepEqual(content, { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }, `${key} ${status}`);
      }
    }
  });

  it('describes request bodies and answers by content type: uploads, downloads, exports', () => {
    const op = (method: string, path: string) => doc.paths[path]?.[method] as Operation;
    assert.deepEqual(Object.keys(op('post', '/api/files').requestBody?.content ?? {}), ['multipart/form-data']);
    assert.deepEqual(Object.keys(op('post', '/api/analyses').requestBody?.content ?? {}).sort(), ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
    assert.deepEqual(Object.keys(op('post', '/api/cameras').requestBody?.content ?? {}), ['application/json']);
    assert.deepEqual(Object.keys(op('post', '/api/cameras/import').requestBody?.content ?? {}).sort(), ['application/json', 'text/csv']);
    assert.deepEqual(Object.keys(op('put', '/api/imports/content/{sha256}').requestBody?.content ?? {}), ['application/octet-stream']);
    const download = op('get', '/api/files/{id}').responses;
    for (const status of ['200', '206', '304', '404', '416']) assert.ok(download[status], `GET /api/files/{id} documents ${status}`);
    assert.equal(download['304']?.content, undefined, '304 has no body');
    assert.ok(download['206']?.content?.['*/*']);
    assert.deepEqual(Object.keys(op('get', '/api/events/export').responses['200']?.content ?? {}).sort(), ['application/json', 'application/x-ndjson', 'application/xml', 'text/csv']);
    assert.ok(op('get', '/api/cameras/{id}/frames'), 'frames are browsable');
  });

  it('marks the older paths deprecated and only those', () => {
    const deprecated = operations().filter((o) => o.operation.deprecated === true).map((o) => o.key);
    assert.deepEqual(
      deprecated.sort(),
      [
        'delete /analysis/{id}', 'delete /cameras/{id}', 'delete /file/{id}', 'get /analysis', 'get /analysis/{id}', 'get /cameras', 'get /cameras/{id}', 'get /file', 'get /file/{id}',
        'get /jobs', 'get /jobs/{id}', 'patch /cameras/{id}', 'post /analysis', 'post /cameras', 'post /cameras/import', 'post /file',
      ],
    );
    for (const key of operations().map((o) => o.key)) assert.ok(deprecated.includes(key) || /^\w+ \/(api\/|health$)/.test(key), `${key} is under /api/`);
  });
});
