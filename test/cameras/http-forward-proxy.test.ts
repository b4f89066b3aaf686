import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HttpForwardProxy } from '../../src/adapters/cameras/http-forward-proxy.js';
import { NetworkPolicy } from '../../src/adapters/cameras/network-policy.js';
import { parseNetworkRanges } from '../../src/domain/cameras/network-ranges.js';
import { FORBIDDEN_HOST, LOOPBACK_ONLY, redirect, startRoutes, startTripwire, type Tripwire } from '../helpers/hostile-servers.js';

/** A GET through the proxy, as ffmpeg sends it (absolute form): status, headers and body. */
function viaProxy(proxy: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(proxy);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method: 'GET', path: url, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A CONNECT through the proxy: the status line it answers. */
function connectVia(proxy: string, target: string): Promise<string> {
  const { hostname, port } = new URL(proxy);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    socket.once('data', (chunk: Buffer) => {
      resolve(chunk.toString('latin1').split('\r\n')[0]!);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

describe('the forward proxy ffmpeg\'s HTTP goes through', () => {
  let tripwire: Tripwire;
  let routes: Awaited<ReturnType<typeof startRoutes>>;
  let other: Awaited<ReturnType<typeof startRoutes>>;
  let proxy: HttpForwardProxy;
  const seen: Record<string, string | undefined>[] = [];

  before(async () => {
    tripwire = await startTripwire();
    const echo = (req: { headers: Record<string, string | string[] | undefined> }, res: { end(body: string): void }) => {
      seen.push({ authorization: req.headers.authorization as string | undefined, cookie: req.headers.cookie as string | undefined, host: req.headers.host as string | undefined });
      res.end('hello');
    };
    routes = await startRoutes({ '/hello': echo, '/away': redirect(`${tripwire.url}/latest/meta-data/`) });
    other = await startRoutes({ '/hello': echo });
    proxy = await HttpForwardProxy.start(new NetworkPolicy(parseNetworkRanges(LOOPBACK_ONLY)), { origin: routes.url, timeoutMs: 5000 });
  });
  after(async () => {
    await proxy.close();
    await Promise.all([tripwire.close(), routes.close(), other.close()]);
  });

  it('forwards a request, and hands a redirect back to ffmpeg rather than following it', async () => {
    assert.deepEqual(await viaProxy(proxy.url, `${routes.url}/hello`).then((r) => [r.status, r.body]), [200, 'hello']);
    const moved = await viaProxy(proxy.url, `${routes.url}/away`);
    assert.equal(moved.status, 302);
    assert.equal(moved.headers.location, `${tripwire.url}/latest/meta-data/`);
    assert.equal(proxy.failure(), null);
  });

  it('Redirects around the network policy: refuses a request and a CONNECT to 127.0.0.2, which never sees a connection', async () => {
    const refused = await viaProxy(proxy.url, `${tripwire.url}/latest/meta-data/`);
    assert.equal(refused.status, 403);
    assert.equal(proxy.failure()?.code, 'CAMTROVE_ERR_CAMERA_FORBIDDEN');
    assert.match(proxy.failure()!.message, new RegExp(`^http://${FORBIDDEN_HOST.replace(/\./g, '\\.')}:${tripwire.port}/latest/meta-data/: 127\\.0\\.0\\.2 is outside the networks`));
    assert.equal(await connectVia(proxy.url, `${FORBIDDEN_HOST}:${tripwire.port}`), 'HTTP/1.1 403 Forbidden');
    assert.equal(await connectVia(proxy.url, `localhost:${tripwire.port}`).then((line) => /^HTTP\/1\.1 (403|502)/.test(line)), true);
    assert.equal(tripwire.connections(), 0, 'nothing connected to 127.0.0.2');
    assert.equal(await connectVia(proxy.url, `127.0.0.1:${new URL(routes.url).port}`), 'HTTP/1.1 200 Connection Established');
  });

  it('sends credentials only to the origin the user named', async () => {
    seen.length = 0;
    const secret = { authorization: 'Basic dXNlcjpwYXNz', cookie: 'session=1' };
    await viaProxy(proxy.url, `${routes.url}/hello`, secret);
    await viaProxy(proxy.url, `${other.url}/hello`, secret);
    assert.deepEqual(seen.map((s) => [s.authorization, s.cookie]), [[secret.authorization, secret.cookie], [undefined, undefined]]);
    assert.equal(seen[1]!.host, new URL(other.url).host);
  });

  it('forwards only http:// requests in absolute form', async () => {
    assert.equal((await viaProxy(proxy.url, '/hello')).status, 400);
  });
});
