import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { CameraHttp } from '../../src/adapters/cameras/camera-http.js';
import { MjpegSource, type MjpegSourceOptions } from '../../src/adapters/cameras/mjpeg-source.js';
import type { CameraCredentials } from '../../src/domain/cameras/camera.js';
import { makeFrames, SIMULATED_PASSWORD, SIMULATED_USER, startCameraSimulator, type CameraSimulator, type SimulatedFrames } from '../helpers/camera-simulator.js';

const quick: MjpegSourceOptions = { maxPartBytes: 8 * 1024 * 1024, stallMs: 2000, reconnect: { minMs: 100, maxMs: 400 } };
const request = { deadlineMs: 1500, maxBytes: 8 * 1024 * 1024 };

describe('MJPEG driver against simulated cameras', () => {
  let frames: SimulatedFrames;
  let cameras: CameraSimulator;
  const http = new CameraHttp();
  const sources: MjpegSource[] = [];
  const open = (path: string, credentials: CameraCredentials | null = null) => {
    const source = new MjpegSource(http, `${cameras.url}${path}`, credentials, quick);
    sources.push(source);
    return source;
  };
  const isSimulatedFrame = (bytes: Buffer) => frames.jpegs.some((f) => f.equals(bytes));

  before(async () => {
    frames = await makeFrames(4);
    cameras = await startCameraSimulator(frames);
  });
  after(async () => {
    await Promise.all(sources.map((s) => s.close()));
    await http.close();
    await cameras.close();
  });

  for (const path of ['/mjpeg', '/mjpeg-nolength']) {
    it(`takes the newest frame at each call over one connection (${path})`, async () => {
      const source = open(`${path}?fps=10`);
      const got: Awaited<ReturnType<MjpegSource['latest']>>[] = [];
      for (let k = 0; k < 4; k += 1) {
        got.push(await source.latest(request));
        await sleep(250);
      }
      for (const frame of got) assert.ok(isSimulatedFrame(frame.bytes), 'the camera\'s bytes, whole');
      assert.equal(source.connections, 1, 'never reconnected');
      assert.ok(got.every((f, i) => i === 0 || f.receivedAtMicros! > got[i - 1]!.receivedAtMicros!), 'each call a newer frame');
      assert.ok(!got[1]!.bytes.equals(got[2]!.bytes) || !got[2]!.bytes.equals(got[3]!.bytes), 'the picture moves');
      assert.ok(got[3]!.latencyMs < 200, `a frame in hand is handed over at once (${got[3]!.latencyMs} ms)`);
    });
  }

  it('skips garbage parts and keeps reading the stream', async () => {
    const source = open('/mjpeg-garbage?fps=20');
    for (let k = 0; k < 5; k += 1) {
      assert.ok(isSimulatedFrame((await source.latest(request)).bytes));
      await sleep(150);
    }
    assert.ok(source.dropped >= 1, 'the garbage parts were seen and dropped');
    assert.equal(source.connections, 1);
  });

  it('reconnects when the stream ends, and frames keep coming', async () => {
    const source = open('/mjpeg-ends?fps=20');
    for (let k = 0; k < 6; k += 1) {
      assert.ok(isSimulatedFrame((await source.latest(request)).bytes));
      await sleep(200);
    }
    assert.ok(source.connections >= 2, `reconnected (${source.connections} connections)`);
  });

  it('says why when no frame comes: credentials refused, no answer, an HTML page', async () => {
    await assert.rejects(open('/mjpeg-basic').latest(request), { code: 'CAMTROVE_ERR_CAMERA_AUTH', message: /no new frame within 1\.5 s; the camera refused access without credentials \(HTTP 401\)/ });
    const frame = await open('/mjpeg-basic').latest({ ...request, deadlineMs: 3000 }).catch(() => null);
    assert.equal(frame, null, 'still no credentials, still no frame');
    const authorised = open('/mjpeg-basic', { username: SIMULATED_USER, password: SIMULATED_PASSWORD, scheme: 'basic' });
    assert.ok(isSimulatedFrame((await authorised.latest(request)).bytes));
    const started = Date.now();
    await assert.rejects(open('/hang').latest({ ...request, deadlineMs: 800 }), { code: 'CAMTROVE_ERR_CAMERA_TIMEOUT', message: /no new frame within 800 ms/ });
    assert.ok(Date.now() - started < 1500, 'the deadline holds');
    await assert.rejects(open('/html').latest(request), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /HTML page/ });
  });

  it('close() ends the connection', async () => {
    const source = open('/mjpeg?fps=11');
    await source.latest(request);
    const before = cameras.streamed.get('/mjpeg?fps=11') ?? 0;
    await source.close();
    await sleep(400);
    const settled = cameras.streamed.get('/mjpeg?fps=11') ?? 0;
    await sleep(400);
    assert.ok(settled - before <= 5);
    assert.equal(cameras.streamed.get('/mjpeg?fps=11') ?? 0, settled, 'the camera stopped sending once the socket closed');
  });
});
