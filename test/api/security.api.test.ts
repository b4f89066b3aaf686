import assert from 'node:assert/strict';
import { chmod, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { CameraRepository } from '../../src/adapters/db/camera.repository.js';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { openLibrary } from '../../src/main.js';
import { dialectName, openTestLibrary } from '../helpers/test-library.js';

type TestLibrary = Awaited<ReturnType<typeof openTestLibrary>>;

/** A library served on loopback for the tests of the enclosing describe, its log lines kept. */
function servedWithLog(overrides?: Parameters<typeof openTestLibrary>[0]) {
  const lines: string[] = [];
  const served = { log: () => lines.join('') } as { library: TestLibrary; app: FastifyInstance; url: string; log(): string };
  before(async () => {
    served.library = await openTestLibrary(overrides);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    served.app = await buildApp({ ...served.library, logger: pino({ level: 'trace' }, sink) });
    served.url = await served.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await served.app?.close();
    await served.library?.dispose();
  });
  return served;
}

describe(`3. revoking the last token opens the server (${dialectName})`, () => {
  // The configuration says the server listens on every interface; the test itself listens on loopback only.
  const served = servedWithLog({ host: '0.0.0.0' });

  it('a server listening beyond loopback refuses every request but /health once its last token is revoked', async () => {
    const { id, token } = await served.library.tokens.create('only');
    const withToken = { authorization: `Bearer ${token}` };
    assert.equal((await fetch(`${served.url}/api/files`, { headers: withToken })).status, 200, 'the token works');

    await served.library.tokens.revoke(id);
    assert.equal(await served.library.tokens.anyExist(), false);
    const paths = [['GET', '/api/files'], ['GET', '/api/cameras'], ['GET', '/api/events'], ['GET', '/api/jobs'], ['POST', '/api/analyses'], ['DELETE', `/api/files/${'0'.repeat(64)}`]] as const;
    for (const [method, path] of paths) {
      for (const headers of [{}, withToken]) {
        const response = await fetch(`${served.url}${path}`, { method, headers });
        const body = (await response.json()) as { error: { code: string; message: string } };
        assert.equal(response.status, 401, `${method} ${path} ${JSON.stringify(headers)}`);
        assert.equal(body.error.code, 'CAMTROVE_ERR_UNAUTHORIZED');
        assert.match(body.error.message, /no API token.*`camtrove token create`/);
      }
    }
    assert.equal((await served.library.database.db.selectFrom('analyses').select('id').execute()).length, 0, 'a refused request does nothing');
    assert.deepEqual(await (await fetch(`${served.url}/health`)).json(), { ok: true, database: served.library.database.dialect });

    const fresh = await served.library.tokens.create('again');
    assert.equal((await fetch(`${served.url}/api/files`, { headers: { authorization: `Bearer ${fresh.token}` } })).status, 200, 'a new token opens it again');
    assert.equal((await fetch(`${served.url}/api/files`)).status, 401);
    assert.ok(!served.log().includes(token) && !served.log().includes(fresh.token), 'no token reaches the log');
  });
});

describe(`5. credentials in query strings (${dialectName})`, () => {
  const served = servedWithLog();
  const secrets = ['s3cret-pwd', 'tok-9f8e7d', 'k3y-value', 'p4ss-word'];
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${served.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
  };
  const assertNoSecret = (text: string, where: string) => {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${where} shows ${secret}: ${text.slice(0, 400)}`);
  };

  it('camera addresses are redacted in every answer and error, kept whole in the store, and survive a read-modify-write', async () => {
    const foscam = { id: 'foscam', type: 'ip', ip: '127.0.0.1', port: 9, image_path: '/snapshot.cgi?user=admin&pwd=s3cret-pwd' };
    const snapshot = { id: 'snap', type: 'snapshot', snapshot_url: 'http://127.0.0.1:9/image.jpg?auth_token=tok-9f8e7d&size=2' };
    const rtsp = { id: 'gate', type: 'rtsp', rtsp_url: 'rtsp://127.0.0.1:9/live?key=k3y-value' };
    const hls = { id: 'hls', type: 'hls', m3u8_url: 'http://127.0.0.1:9/live.m3u8?password=p4ss-word' };
    for (const camera of [foscam, snapshot, rtsp, hls]) {
      const created = await call('POST', '/api/cameras', camera);
      assert.equal(created.status, 201, created.text);
      assertNoSecret(created.text, `POST /api/cameras ${camera.id}`);
    }
    const shown = await call('GET', '/api/cameras/foscam');
    assert.equal(shown.body.image_path, '/snapshot.cgi?user=admin&pwd=***', 'the user name stays, as in user:***@host');
    assert.equal(shown.body.url, 'http://127.0.0.1:9/snapshot.cgi?user=admin&pwd=***');
    assert.equal((await call('GET', '/api/cameras/snap')).body.snapshot_url, 'http://127.0.0.1:9/image.jpg?auth_token=***&size=2');
    for (const path of ['/api/cameras', '/api/cameras/foscam', '/api/cameras/snap', '/api/cameras/gate', '/api/cameras/hls']) assertNoSecret((await call('GET', path)).text, `GET ${path}`);

    // A client that sends back what it was shown changes the name and keeps the password.
    const { health: _health, ...asShown } = (await call('GET', '/api/cameras/foscam')).body;
    const changed = await call('PATCH', '/api/cameras/foscam', { ...asShown, id: undefined, url: undefined, auth: undefined, created_at: undefined, updated_at: undefined, name: 'Front door' });
    assert.equal(changed.status, 200, changed.text);
    assertNoSecret(changed.text, 'PATCH');
    const stored = await new CameraRepository(served.library.database.db).get('foscam');
    assert.equal(stored?.imagePath, '/snapshot.cgi?user=admin&pwd=s3cret-pwd', 'the store keeps the address whole');
    assert.equal(stored?.name, 'Front door');
    // A real change of the address is taken as given.
    await call('PATCH', '/api/cameras/foscam', { image_path: '/snapshot.cgi?user=admin&pwd=new-one' });
    assert.equal((await new CameraRepository(served.library.database.db).get('foscam'))?.imagePath, '/snapshot.cgi?user=admin&pwd=new-one');

    const duplicate = await call('POST', '/api/cameras', { ...snapshot, id: 'snap-again' });
    assert.equal(duplicate.status, 409);
    assert.match(duplicate.text, /camera snap already has the address http:\/\/127\.0\.0\.1:9\/image\.jpg\?auth_token=\*\*\*&size=2/);
    const imported = await call('POST', '/api/cameras/import', [{ cameraID: 'gate-copy', camera_type: 'stream', rtsp_url: rtsp.rtsp_url }]);
    assert.match(imported.text, /camera gate already has the address rtsp:\/\/127\.0\.0\.1:9\/live\?key=\*\*\*/);
    assertNoSecret(imported.text, 'POST /api/cameras/import');

    const requested = await call('GET', '/api/cameras?tag=none&password=p4ss-word');
    assert.ok(requested.status < 500);
    assertNoSecret(served.log(), 'the log');
  });
});

describe(`a loopback server without a token and the web pages of other sites (${dialectName})`, () => {
  const served = servedWithLog();

  /** A raw request, so the Host header can be what a rebound DNS name makes a browser send. */
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; body: { error?: { code: string; message: string } } }>((resolve, reject) => {
      const request = httpRequest(`${served.url}${path}`, { method, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as never }));
      });
      request.on('error', reject);
      request.end(body);
    });

  it('refuses a form another site posts, and any request for a host name that is not this machine', async () => {
    const form = 'analysis=sleep&time=0';
    const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
    const crossSite = await send('POST', '/api/analyses', { ...formHeaders, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, form);
    assert.deepEqual([crossSite.status, crossSite.body.error?.code], [403, 'CAMTROVE_ERR_FORBIDDEN']);
    assert.match(crossSite.body.error?.message ?? '', /no API token, so it takes no changes from a web page of another site/);
    const rebound = await send('GET', '/api/files', { host: 'evil.example:8080' });
    assert.deepEqual([rebound.status, rebound.body.error?.code], [403, 'CAMTROVE_ERR_FORBIDDEN']);
    assert.equal((await served.library.database.db.selectFrom('analyses').select('id').execute()).length, 0, 'nothing was started');

    const own = new URL(served.url);
    const sameOrigin = await send('POST', '/api/analyses', { ...formHeaders, origin: own.origin, 'sec-fetch-site': 'same-origin' }, form);
    assert.equal(sameOrigin.status, 200, JSON.stringify(sameOrigin.body));
    assert.equal((await send('GET', '/api/files', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status, 200, 'a read is the browser\'s to keep from the other page');
    assert.equal((await send('POST', '/api/analyses', formHeaders, form)).status, 200, 'programs send no Origin');

    // With a token, the token is what counts: a browser never adds it to another site's request by itself.
    const { token } = await served.library.tokens.create('app');
    const withToken = await send('GET', '/api/files', { host: 'camtrove.example.org', authorization: `Bearer ${token}` });
    assert.equal(withToken.status, 200);
  });
});

describe(`the data folder (${dialectName})`, () => {
  it('a library camtrove creates is readable by its owner only; a folder that exists keeps its mode', async () => {
    const library = await openTestLibrary();
    try {
      const dataDir = library.config.dataDir;
      assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
      if (dialectName === 'sqlite') assert.equal((await stat(join(dataDir, 'camtrove.db'))).mode & 0o777, 0o600, 'it holds camera passwords');
      await library.close();
      await chmod(dataDir, 0o750);
      const again = await openLibrary(library.config, { logger: pino({ level: 'silent' }) });
      await again.close();
      assert.equal((await stat(dataDir)).mode & 0o777, 0o750, 'a mode its owner chose stays');
    } finally {
      await library.env.cleanup();
    }
  });
});
