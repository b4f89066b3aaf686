import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CameraHttp } from '../../src/adapters/cameras/camera-http.js';
import { SnapshotClient, type SnapshotRequest } from '../../src/adapters/cameras/snapshot-client.js';
import { freePort } from '../helpers/cli.js';
import { makeFrames, SIMULATED_PASSWORD, SIMULATED_USER, startCameraSimulator, type CameraSimulator } from '../helpers/camera-simulator.js';

describe('snapshot client against simulated cameras', () => {
  let frames: Awaited<ReturnType<typeof makeFrames>>;
  let cameras: CameraSimulator;
  const http = new CameraHttp({ maxRedirects: 3 });
  const client = new SnapshotClient(http);
  const fetchFrom = (path: string, extra: Partial<SnapshotRequest> = {}) => client.fetch({ url: `${cameras.url}${path}`, credentials: null, deadlineMs: 2000, maxBytes: 8 * 1024 * 1024, ...extra });

  before(async () => {
    frames = await makeFrames(3);
    cameras = await startCameraSimulator(frames);
  });
  after(async () => {
    await http.close();
    await cameras.close();
  });

  it('fetches the original bytes of JPEG and PNG snapshots, following a redirect', async () => {
    const jpeg = await fetchFrom('/still.jpg');
    assert.ok(jpeg.bytes.equals(frames.jpegs[0]!), 'byte for byte, never re-encoded');
    assert.equal(jpeg.contentType, 'image/jpeg');
    assert.equal((await fetchFrom('/still.png')).contentType, 'image/png');
    assert.ok((await fetchFrom('/redirect')).bytes.equals(frames.jpegs[0]!));
    assert.ok((await fetchFrom('/chain/2')).bytes.equals(frames.jpegs[0]!));
    const changing = [await fetchFrom('/changing.jpg'), await fetchFrom('/changing.jpg')];
    assert.ok(!changing[0]!.bytes.equals(changing[1]!.bytes));
  });

  it('answers basic and digest challenges, and says when credentials are missing or wrong', async () => {
    const credentials = { username: SIMULATED_USER, password: SIMULATED_PASSWORD };
    assert.ok((await fetchFrom('/basic', { credentials: { ...credentials, scheme: 'basic' } })).bytes.equals(frames.jpegs[0]!));
    const before = cameras.hits.get('/digest') ?? 0;
    for (let k = 0; k < 3; k += 1) assert.ok((await fetchFrom('/digest', { credentials: { ...credentials, scheme: 'digest' } })).bytes.equals(frames.jpegs[0]!));
    assert.equal((cameras.hits.get('/digest') ?? 0) - before, 4, 'one challenge, then one request a frame');
    await assert.rejects(fetchFrom('/basic'), { code: 'CAMTROVE_ERR_CAMERA_AUTH', message: /refused access without credentials \(HTTP 401\)/ });
    await assert.rejects(fetchFrom('/digest', { credentials: { username: SIMULATED_USER, password: 'wrong', scheme: 'digest' } }), { code: 'CAMTROVE_ERR_CAMERA_AUTH', message: /refused the credentials/ });
  });

  it('turns every kind of broken camera into an error that names the problem', async () => {
    const cases: [string, string, RegExp][] = [
      ['/html', 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', /an HTML page \(a login or error page\?\), not an image/],
      ['/empty', 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', /an empty body/],
      ['/error', 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', /HTTP 500/],
      ['/huge', 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', /more than the 8\.0 MiB a frame may be/],
      ['/huge-declared', 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', /sent 50\.0 MiB, more than the 8\.0 MiB/],
      ['/truncated', 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', /cut/],
      ['/cut', 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', /the JPEG is cut short/],
      ['/loop', 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', /redirected in a loop/],
      ['/chain/6', 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', /more than 3 times/],
      ['/hang', 'CAMTROVE_ERR_CAMERA_TIMEOUT', /no complete image within 500 ms/],
      ['/trickle', 'CAMTROVE_ERR_CAMERA_TIMEOUT', /no complete image within 500 ms/],
    ];
    for (const [path, code, message] of cases) {
      const started = Date.now();
      await assert.rejects(fetchFrom(path, { deadlineMs: 500 }), (error: Error & { code?: string }) => {
        assert.equal(error.code, code, `${path}: ${error.message}`);
        assert.match(error.message, message, path);
        assert.ok(error.message.includes(`${cameras.url}${path}`), 'names the camera');
        return true;
      });
      assert.ok(Date.now() - started < 1500, `${path} took ${Date.now() - started} ms: the deadline covers the whole exchange`);
    }
  });

  it('reports a refused connection, and keeps working for healthy cameras while one hangs', async () => {
    // Free a moment ago and nothing listens there: a connection is refused.
    const port = await freePort();
    await assert.rejects(client.fetch({ url: `http://127.0.0.1:${port}/a.jpg`, credentials: null, deadlineMs: 1000, maxBytes: 1024 }), { code: 'CAMTROVE_ERR_CAMERA_UNREACHABLE', message: /connection refused/ });
    const hung = fetchFrom('/hang', { deadlineMs: 1500 }).catch((error: Error) => error);
    const healthy = await Promise.all(Array.from({ length: 20 }, () => fetchFrom('/still.jpg')));
    assert.equal(healthy.length, 20);
    assert.equal(((await hung) as { code?: string }).code, 'CAMTROVE_ERR_CAMERA_TIMEOUT');
  });

  it('never puts credentials in its messages', async () => {
    await assert.rejects(fetchFrom('/error', { credentials: { username: SIMULATED_USER, password: SIMULATED_PASSWORD, scheme: 'basic' } }), (error: Error) => {
      assert.ok(!error.message.includes(SIMULATED_PASSWORD) && !error.message.includes(SIMULATED_USER), error.message);
      return true;
    });
  });
});
