import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { compareSize, decodeSmallGray } from '../../src/adapters/cameras/image-decoder.js';
import { changedPercent, decideSave } from '../../src/domain/cameras/frame-change.js';
import { makeFrames } from '../helpers/camera-simulator.js';

const run = promisify(execFile);

/** The same picture encoded again at another JPEG quality, as a camera re-encodes an unchanged scene. */
async function reencode(jpeg: Buffer, quality: number): Promise<Buffer> {
  const child = run('ffmpeg', ['-v', 'error', '-f', 'image2pipe', '-c:v', 'mjpeg', '-i', '-', '-q:v', String(quality), '-f', 'image2pipe', '-c:v', 'mjpeg', '-'], { encoding: 'buffer' });
  child.child.stdin!.end(jpeg);
  return (await child).stdout;
}

describe('change detection on real JPEGs', () => {
  let frames: Awaited<ReturnType<typeof makeFrames>>;
  before(async () => {
    frames = await makeFrames(6);
  });

  it('decodes small and grey, and knows the frame size', async () => {
    const small = await decodeSmallGray(frames.jpegs[0]!);
    assert.deepEqual([small.width, small.height, small.sourceWidth, small.sourceHeight, small.pixels.length], [80, 60, 640, 480, 80 * 60]);
    const png = await decodeSmallGray(frames.png);
    assert.deepEqual([png.width, png.height, png.sourceWidth], [80, 60, 640]);
    assert.deepEqual(compareSize(1920, 1080), { width: 120, height: 68 });
    assert.deepEqual(compareSize(1280, 720), { width: 160, height: 90 });
  });

  it('gives the same picture whether a frame is read from its DC coefficients or decoded by sharp', async () => {
    const progressive = await sharp(frames.jpegs[0]).jpeg({ progressive: true, quality: 90 }).toBuffer(); // sharp's path
    const [fast, full] = await Promise.all([decodeSmallGray(frames.jpegs[0]!), decodeSmallGray(progressive)]);
    assert.deepEqual([full.width, full.height], [fast.width, fast.height]);
    assert.ok(changedPercent(fast, full) < 1, `the two paths differ on ${changedPercent(fast, full)} % of pixels`);
  });

  it('sees no change in a re-encoded unchanged scene, and a change when the picture moves', async () => {
    const first = await decodeSmallGray(frames.jpegs[0]!);
    const again = await decodeSmallGray(await reencode(frames.jpegs[0]!, 20));
    assert.ok(!frames.jpegs[0]!.equals(await reencode(frames.jpegs[0]!, 20)), 'different bytes');
    assert.ok(changedPercent(first, again) < 1, `JPEG noise counted as ${changedPercent(first, again)} % change`);
    const later = await decodeSmallGray(frames.jpegs[5]!);
    assert.ok(changedPercent(first, later) > 5, `a moved pattern is ${changedPercent(first, later)} % change`);
    assert.equal(decideSave({ diffPct: 2, previous: first, current: again, sameBytes: false }).save, false);
    assert.equal(decideSave({ diffPct: 2, previous: first, current: later, sameBytes: false }).save, true);
  });

  it('takes a resolution change as a change, and refuses bytes that are not an image', async () => {
    const small = (await makeFrames(1, '320x240')).jpegs[0]!;
    const decision = decideSave({ diffPct: 2, previous: await decodeSmallGray(frames.jpegs[0]!), current: await decodeSmallGray(small), sameBytes: false });
    assert.deepEqual([decision.save, decision.reason], [true, 'resolution']);
    await assert.rejects(decodeSmallGray(Buffer.from('<html>login</html>')), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE', message: /cannot be decoded/ });
    await assert.rejects(decodeSmallGray(frames.jpegs[0]!.subarray(0, 2000)), { code: 'CAMTROVE_ERR_CAMERA_BAD_RESPONSE' });
  });
});
