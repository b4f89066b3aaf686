import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { AssetFrameRecord, AssetRecord } from '../../adapters/db/label-asset.repository.js';
import type { FrameRunRequest } from '../../adapters/media/asset-media.js';
import { AssetFrames } from './asset-frames.js';
import { FrameCache } from './frame-cache.js';

const asset = { id: 'a1', externalId: 'clip', fileId: 'f1', frameCount: 100, updatedAt: 7 } as AssetRecord;

/** Frame k of a 25 fps video with a key frame every 50 frames. */
function frame(k: number, fileId: string | null = null): AssetFrameRecord {
  return { index: k, pts: k / 25, sourceIndex: null, keyPts: Math.floor(k / 50) * 2, width: 16, height: 16, fileId };
}

/**
 * A media adapter whose run writes "frame k" as the image of frame k, one image per turn of the
 * event loop after the first; `hold` keeps the images after the first back until `release`.
 */
function fakeMedia(options: { fail?: boolean; imageBytes?: number } = {}) {
  const runs: FrameRunRequest[] = [];
  let release: () => void = () => undefined;
  const held = { on: false, gate: Promise.resolve() };
  const media = {
    runs,
    hold() {
      held.on = true;
      held.gate = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => release(),
    async frameRun(_path: string, run: FrameRunRequest, _format: 'jpeg' | 'png', onImage: (index: number, image: Buffer) => boolean): Promise<number> {
      runs.push(run);
      await new Promise((resolve) => setImmediate(resolve));
      if (options.fail) throw new Error('ffmpeg failed');
      for (const [i, pts] of run.pts.entries()) {
        if (i === 1 && held.on) await held.gate;
        const name = Buffer.from(`frame ${Math.round(pts * 25)}`);
        const image = options.imageBytes ? Buffer.concat([name, Buffer.alloc(options.imageBytes - name.length)]) : name;
        if (!onImage(i, image)) return i + 1;
      }
      return run.pts.length;
    },
  };
  return media;
}

function setup(options: { fail?: boolean; imageBytes?: number; frames?: (k: number) => AssetFrameRecord } = {}) {
  const media = fakeMedia(options);
  const files = {
    resolve: async (id: string) => ({ id, contentType: 'image/jpeg' }) as never,
    open: async () => Readable.from([Buffer.from('stored image')]),
    localCopy: async () => ({ path: '/videos/clip.mp4', release: async () => undefined }),
  };
  const table = { frames: async (_id: string, page: { skip: number; first: number }) => Array.from({ length: Math.min(page.first, 100 - page.skip) }, (_, i) => (options.frames ?? frame)(page.skip + i)) };
  const frames = new AssetFrames(files, media, new FrameCache(8 << 20), table, { frames: 5, bytes: 1 << 20 });
  const get = async (k: number, format: 'jpeg' | 'png' = 'jpeg') => {
    const { body } = await frames.image(asset, (options.frames ?? frame)(k), k > 0 ? (k - 1) / 25 : null, format);
    return (Buffer.isBuffer(body) ? body : Buffer.concat(await body.toArray() as Buffer[])).toString();
  };
  return { media, frames, get };
}

describe('AssetFrames', () => {
  it('decodes a missed frame and the 5 after it in one run, then serves those from the cache', async () => {
    const { media, get } = setup();
    assert.equal(await get(48), 'frame 48');
    assert.deepEqual(media.runs, [{ keyPts: 0, previousPts: 47 / 25, pts: [48, 49, 50, 51, 52, 53].map((k) => k / 25) }]);
    await new Promise((resolve) => setImmediate(resolve));
    for (const k of [49, 50, 51, 52, 53]) assert.equal(await get(k), `frame ${k}`);
    assert.equal(media.runs.length, 1, 'stepping forward through frames read ahead runs nothing');
    // Frame 54 is past the run: a new one, from frame 54's own key frame.
    assert.equal(await get(54), 'frame 54');
    assert.deepEqual(media.runs[1], { keyPts: 2, previousPts: 53 / 25, pts: [54, 55, 56, 57, 58, 59].map((k) => k / 25) });
    // Another format is another image: its own run.
    assert.equal(await get(49, 'png'), 'frame 49');
    assert.equal(media.runs.length, 3);
  });

  it('answers the frame asked for before the run has finished, and requests for frames of that run wait for it', async () => {
    const { media, get } = setup();
    media.hold();
    assert.equal(await get(10), 'frame 10', 'the first image is served while the others are still held back');
    const waiting = Promise.all([get(12), get(11), get(15), get(10)]);
    await new Promise((resolve) => setImmediate(resolve));
    media.release();
    assert.deepEqual(await waiting, ['frame 12', 'frame 11', 'frame 15', 'frame 10']);
    assert.equal(media.runs.length, 1, 'one ffmpeg for all of them');
  });

  it('starts one run for concurrent requests of the same missed frame and its neighbours', async () => {
    const { media, get } = setup();
    assert.deepEqual(await Promise.all([get(20), get(20), get(21), get(23)]), ['frame 20', 'frame 20', 'frame 21', 'frame 23']);
    assert.equal(media.runs.length, 1);
  });

  it('stops a run before a frame already cached, and at the end of the asset', async () => {
    const { media, get } = setup();
    await get(30);
    await get(27);
    assert.deepEqual(media.runs[1]!.pts, [27, 28, 29].map((k) => k / 25), 'frames 30 to 35 are cached already');
    await get(97);
    assert.deepEqual(media.runs[2]!.pts, [97, 98, 99].map((k) => k / 25), 'the asset has 100 frames');
  });

  it('reads ahead no more bytes of images than its budget', async () => {
    const { media, get } = setup({ imageBytes: 400 * 1024 });
    assert.equal(await get(0), 'frame 0' + '\0'.repeat(400 * 1024 - 7));
    await new Promise((resolve) => setImmediate(resolve));
    // 1 MiB: the third image passes it, so the run stops there; frame 3 needs a run of its own.
    await get(3);
    assert.equal(media.runs.length, 2);
  });

  it('serves a frame\'s stored image as it is, and reads no stored frames ahead', async () => {
    const { media, get } = setup({ frames: (k) => frame(k, k >= 42 ? `file-${k}` : null) });
    assert.equal(await get(42), 'stored image');
    assert.equal(await get(40), 'frame 40');
    assert.deepEqual(media.runs[0]!.pts, [40 / 25, 41 / 25], 'the run ends where the stored images start');
  });

  it('caches nothing more from a decode of an asset forgotten meanwhile', async () => {
    const { media, frames, get } = setup();
    media.hold();
    assert.equal(await get(60), 'frame 60');
    frames.forget(asset.id);
    media.release();
    assert.equal(await get(61), 'frame 61', 'a request already waiting still gets its image');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await get(62), 'frame 62');
    assert.equal(media.runs.length, 2, 'frame 62 was decoded again');
  });

  it('gives the failure to the request that started the run; the ones waiting for later frames try their own', async () => {
    const { media, get } = setup({ fail: true });
    const [first, later] = await Promise.allSettled([get(5), get(6)]);
    assert.deepEqual(first, { status: 'rejected', reason: new Error('ffmpeg failed') });
    assert.equal(later.status, 'rejected', 'frame 6 failed in its own run');
    assert.deepEqual(media.runs.map((r) => r.pts[0]), [5 / 25, 6 / 25]);
  });
});
