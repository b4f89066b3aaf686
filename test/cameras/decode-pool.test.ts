import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DecodePool } from '../../src/adapters/cameras/decode-pool.js';
import { decodeSmallGray } from '../../src/adapters/cameras/image-decoder.js';
import { makeFrames } from '../helpers/camera-simulator.js';

describe('decode pool', () => {
  const pool = new DecodePool(2);
  after(() => pool.close());

  it('decodes on worker threads exactly as on the event loop, many at once', async () => {
    await pool.ready();
    const { jpegs, png } = await makeFrames(4);
    const inputs = [...jpegs, png, ...jpegs];
    const [threaded, direct] = await Promise.all([Promise.all(inputs.map((bytes) => pool.decode(bytes))), Promise.all(inputs.map((bytes) => decodeSmallGray(bytes)))]);
    for (let k = 0; k < inputs.length; k += 1) {
      assert.deepEqual([threaded[k]!.width, threaded[k]!.height, threaded[k]!.sourceWidth, threaded[k]!.sourceHeight], [direct[k]!.width, direct[k]!.height, direct[k]!.sourceWidth, direct[k]!.sourceHeight]);
      assert.deepEqual(threaded[k]!.pixels, direct[k]!.pixels);
    }
  });

  it('passes a decoder error back with its code', async () => {
    await assert.rejects(pool.decode(Buffer.from('<html>login</html>')), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /cannot be decoded/ });
  });

  it('replaces a thread that dies, failing only what it had in hand', async () => {
    const { jpegs } = await makeFrames(1);
    const threads = (pool as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads;
    await threads[0]!.worker.terminate();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const images = await Promise.all(Array.from({ length: 6 }, () => pool.decode(jpegs[0]!)));
    assert.ok(images.every((image) => image.sourceWidth === 640), 'decodes go on after a thread died');
  });
});
