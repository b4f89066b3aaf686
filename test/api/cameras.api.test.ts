import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CameraRepository } from '../../src/adapters/db/camera.repository.js';
import { listen } from '../helpers/http.js';
import { dialectName, openTestLibrary } from '../helpers/test-library.js';

interface CameraBody {
  id: string;
  type: string;
  url: string | null;
  name: string | null;
  auth: string | null;
  city: string | null;
  tags: string[];
  distance_km?: number;
}

describe(`cameras API (${dialectName})`, () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let server: Awaited<ReturnType<typeof listen>>;
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': contentType } }),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
  };
  const search = async (query: string) => (await call('GET', `/api/cameras?${query}`)).body as { cameras: CameraBody[]; next: string | null };

  before(async () => {
    library = await openTestLibrary();
    server = await listen(library);
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  it('registers a camera, keeps its credentials and never answers with them', async () => {
    const created = await call('POST', '/api/cameras', {
      id: 'gate-1', type: 'snapshot', snapshot_url: 'http://127.0.0.1:9/gate.jpg', name: 'Gate', username: 'viewer', password: 's3cret-pw', auth: 'digest',
      city: 'Pittsburgh', state: 'PA', country: 'USA', latitude: 40.4406, longitude: -79.9959, timezone: 'America/New_York', tags: ['Traffic', 'campus'],
    });
    assert.equal(created.status, 201, created.text);
    const camera = created.body as unknown as CameraBody;
    assert.deepEqual([camera.id, camera.url, camera.auth, camera.tags], ['gate-1', 'http://127.0.0.1:9/gate.jpg', 'digest', ['campus', 'traffic']]);
    for (const answer of [created.text, (await call('GET', '/api/cameras/gate-1')).text, (await call('GET', '/api/cameras')).text]) {
      assert.ok(!answer.includes('s3cret-pw') && !answer.includes('viewer'), answer);
    }
    assert.deepEqual(await new CameraRepository(library.database.db).credentials('gate-1'), { username: 'viewer', password: 's3cret-pw', scheme: 'digest' });
  });

  it('refuses a second camera with the same id or the same address, naming the one that has it', async () => {
    const sameId = await call('POST', '/api/cameras', { id: 'gate-1', type: 'rtsp', rtsp_url: 'rtsp://127.0.0.1:9/other' });
    assert.equal(sameId.status, 409);
    assert.match(sameId.text, /CAMTROVE_ERR_CAMERA_EXISTS.*gate-1/);
    const sameUrl = await call('POST', '/api/cameras', { id: 'gate-copy', type: 'snapshot', snapshot_url: 'http://127.0.0.1:9/gate.jpg' });
    assert.equal(sameUrl.status, 409);
    assert.match(sameUrl.text, /camera gate-1 already has the address/);
  });

  it('refuses cameras that cannot work, saying which field is wrong', async () => {
    const cases: [unknown, RegExp][] = [
      [{ id: 'a', type: 'webcam', snapshot_url: 'http://x/a.jpg' }, /type/],
      [{ id: 'b', type: 'snapshot' }, /a snapshot camera needs snapshot_url/],
      [{ id: 'c', type: 'snapshot', snapshot_url: 'ftp://x/c.jpg' }, /snapshot_url must be http or https/],
      [{ id: 'd', type: 'rtsp', rtsp_url: 'rtsp://admin:pw@10.0.0.5/stream' }, /carries credentials/],
      [{ id: '../etc', type: 'snapshot', snapshot_url: 'http://x/e.jpg' }, /the id must be/],
      [{ id: 'f', type: 'ip', ip: '10.0.0.7' }, /needs ip and image_path or video_path/],
      [{ id: 'g', type: 'snapshot', snapshot_url: 'http://x/g.jpg', latitude: 40 }, /latitude and longitude go together/],
      [{ id: 'h', type: 'snapshot', snapshot_url: 'http://x/h.jpg', timezone: 'Mars/Olympus' }, /not an IANA time zone/],
      [{ id: 'i', type: 'snapshot', snapshot_url: 'http://x/i.jpg', username: 'only-me' }, /username and password go together/],
    ];
    for (const [body, message] of cases) {
      const answer = await call('POST', '/api/cameras', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.text, message);
    }
    assert.equal((await search('limit=1000')).cameras.length, 1, 'nothing half-registered');
  });

  it('changes the fields given, keeps the credentials unless asked, and removes cameras', async () => {
    const renamed = await call('PATCH', '/api/cameras/gate-1', { name: 'Main gate', tags: ['entrance'] });
    assert.equal(renamed.status, 200, renamed.text);
    assert.deepEqual([renamed.body.name, renamed.body.tags, renamed.body.auth, renamed.body.city], ['Main gate', ['entrance'], 'digest', 'Pittsburgh']);
    const repository = new CameraRepository(library.database.db);
    assert.equal((await repository.credentials('gate-1'))?.password, 's3cret-pw');
    assert.equal((await call('PATCH', '/api/cameras/gate-1', { username: null })).body.auth, null);
    assert.equal(await repository.credentials('gate-1'), null);
    assert.equal((await call('PATCH', '/api/cameras/nobody', { name: 'x' })).status, 404);
    assert.equal((await call('POST', '/api/cameras', { id: 'temp', type: 'hls', m3u8_url: 'https://example.org/live.m3u8' })).status, 201);
    assert.deepEqual((await call('DELETE', '/api/cameras/temp')).body, { id: 'temp', deleted: true });
    const gone = await call('GET', '/api/cameras/temp');
    assert.equal(gone.status, 404);
    assert.match(gone.text, /CAMTROVE_ERR_CAMERA_NOT_FOUND/);
  });

  it('imports a camera list (JSON and CSV), skips what is registered and reports what is wrong', async () => {
    const list = [
      { cameraID: 'pgh-1', camera_type: 'non_ip', snapshot_url: 'http://127.0.0.1:9/pgh1.jpg', city: 'Pittsburgh', state: 'PA', country: 'USA', latitude: 40.4417, longitude: -80.0 },
      { cameraID: 'pgh-2', camera_type: 'ip', ip: '127.0.0.1', port: 8081, image_path: '/axis-cgi/jpg/image.cgi', city: 'Pittsburgh', latitude: 40.45, longitude: -79.95 },
      { cameraID: 'nyc-1', type: 'stream', retrieval: { m3u8_url: 'https://127.0.0.1:9/nyc/index.m3u8' }, city: 'New York', latitude: 40.7128, longitude: -74.006 },
      { cameraID: 'gate-again', camera_type: 'non_ip', snapshot_url: 'http://127.0.0.1:9/gate.jpg' },
      { cameraID: 'broken', camera_type: 'non_ip', snapshot_url: 'not a url' },
    ];
    const first = await call('POST', '/api/cameras/import', list);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body.added, ['pgh-1', 'pgh-2', 'nyc-1']);
    assert.deepEqual((first.body.skipped as { row: number; id: string }[]).map((s) => [s.row, s.id]), [[4, 'gate-again']]);
    assert.deepEqual((first.body.invalid as { row: number; reason: string }[]).map((p) => p.row), [5]);
    const again = await call('POST', '/api/cameras/import', list);
    assert.deepEqual([(again.body.added as string[]).length, (again.body.skipped as unknown[]).length], [0, 4]);
    const csv = 'cameraID,camera_type,snapshot_url,city,latitude,longitude\nchi-1,non_ip,http://127.0.0.1:9/chi.jpg,Chicago,41.8781,-87.6298\n';
    const fromCsv = await call('POST', '/api/cameras/import', csv, 'text/csv');
    assert.deepEqual(fromCsv.body.added, ['chi-1'], fromCsv.text);
    assert.equal((await call('GET', '/api/cameras/pgh-2')).body.url, 'http://127.0.0.1:8081/axis-cgi/jpg/image.cgi');
    assert.equal((await call('GET', '/api/cameras/nyc-1')).body.type, 'hls');
  });

  it('searches by place (any case), type and tag, and by distance nearest first, in pages', async () => {
    assert.deepEqual((await search('city=pittsburgh')).cameras.map((c) => c.id), ['gate-1', 'pgh-1', 'pgh-2']);
    assert.deepEqual((await search('type=hls')).cameras.map((c) => c.id), ['nyc-1']);
    assert.deepEqual((await search('tag=entrance')).cameras.map((c) => c.id), ['gate-1']);
    // Around downtown Pittsburgh: the three there, nearest first; New York (500 km) and Chicago are out.
    const near = await search('lat=40.4406&lon=-79.9959&radius_km=50');
    assert.deepEqual(near.cameras.map((c) => c.id), ['gate-1', 'pgh-1', 'pgh-2']);
    assert.equal(near.cameras[0]!.distance_km, 0);
    assert.ok(near.cameras[1]!.distance_km! > 0.3 && near.cameras[1]!.distance_km! < 0.4, `${near.cameras[1]!.distance_km}`);
    assert.ok(near.cameras[2]!.distance_km! > 3.5 && near.cameras[2]!.distance_km! < 4.5, `${near.cameras[2]!.distance_km}`);
    assert.equal((await search('lat=40.4406&lon=-79.9959&radius_km=600')).cameras.length, 4);
    // Pages by id.
    const first = await search('limit=2');
    assert.deepEqual(first.cameras.map((c) => c.id), ['chi-1', 'gate-1']);
    const second = await search(`limit=2&after=${first.next}`);
    assert.deepEqual(second.cameras.map((c) => c.id), ['nyc-1', 'pgh-1']);
    const bad = await call('GET', '/api/cameras?lat=40');
    assert.equal(bad.status, 400);
    assert.match(bad.text, /lat, lon and radius_km together/);
  });
});
