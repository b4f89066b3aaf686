import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { jpegLumaEighth } from '../../src/domain/cameras/jpeg-luma.js';
import { makeFrames } from '../helpers/camera-simulator.js';

/** 48×32, 4:2:0, quality 90, a restart marker after every MCU (cjpeg -restart 1B), 12 stuffed 0xFF bytes. */
const RESTARTS = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMU' +
  'FRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU' +
  'FBQUFBQUFBT/wAARCAAgADADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF' +
  'BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW' +
  'V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi' +
  '4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAEC' +
  'AxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVm' +
  'Z2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq' +
  '8vP09fb3+Pn6/90ABAAB/9oADAMBAAIRAxEAPwD4nupfFuu+NL/SPDx80W8JuXDCJI4IljDPJJJJhUUZ+8zAZIHUgV6t/wALF+NX' +
  '9t/2V/aH+lfZPt+/yLLyPs23d53nbfL8vH8e7GeM54rI8Kz2t+Pih4fNl/bWpX/9k3UGiLMYZNQhtnEtxHG4/i8vJwvzEZKg4Neo' +
  '/bdO/wCFRf8ACD/2T/xUH/IS/wCEP+0t5/2X7d9o8jzevmeRzt/1mOdua+M454wxPFeMjWxmG5oKb5IzfPyRqKMpSTdvci7RdoxT' +
  '5dZLZfecY8E5dmGKlRzKaqexdbl5kmm4zUfZxTjK0ppJqzctNIStdf/Q881z9rr48eG7tLbUfFfkSSRLNGV02wdJI2GVdHWIqyn1' +
  'BI4I7GvifwrpfiXxtqUljo0Ru54oJLmUsY4o4YkGXkkkfCIo/vMQMkDqQK+sPGFydPg+H2lWhh8PavZXNzc/ZbqXeNNWa4WSDzXY' +
  'HouCQwyAMsBmvLfhtfHWbX4waBqLW3jHxHql9ZXv2CxuPKXW1trx5bv7PIoAO5MsoQbipyqnBA+W4AzavwvgsZiMlgqEpumpez9y' +
  '6VRwU5KPKnGMZues0kr+8k3JfT4vK6NbGRoVJtpJvXXX2fPy335ub3Pgvfpf3T//0fkz+1fiz/b39j+Yftn2P+0d+20+z/Zdu7z/' +
  'AD8eV5eP4923PGc8V3uv/tF/GXwxepa6l4g+zyyRJPGVsrORJY2GVdHWMq6n1UkZBHUGug/tDTP+FM/8ID/ZA/4ST/kK/wDCF/am' +
  '+0fZPt/2n7P5vXzPI52/63HO3Ncr43u/7Nt/hvpFm0HhvWrC7ubr7Jdzb10tZ7lZLfznYHGFwxDDcAMsozzw0eNc5zGuqeIbspzi' +
  'rylrGMXJVV70moSaUVaMo3elST0f1HiRkWEz3D0Kuaydd0k3H2n7yznOnGUEpqylb3n70W1DWNtY/wD/0vgL4k/8jrqP/bP/ANFr' +
  'Viq/xJ/5HXUf+2f/AKLWrFfFx/3aj/hX5I+m8Vf+RzU/6+1v/S0f/9P46rwGvfq8Bo4H/wCYn/tz/wBuDE9D/9T87K7CuPrsK+ox' +
  'PQw40/5h/wDt7/20/9k=',
  'base64',
);
/** Its 1/8-scale greyscale decode by libjpeg-turbo (djpeg -scale 1/8 -grayscale). */
const RESTARTS_LUMA = [47, 79, 103, 22, 61, 84, 71, 101, 88, 57, 96, 80, 33, 36, 54, 7, 25, 43, 33, 36, 54, 7, 25, 43];

/** libvips' own decode at the same size, BT.601 luma of its RGB: what the DC-only decode should be close to. */
async function reference(jpeg: Buffer, width: number, height: number): Promise<Uint8Array> {
  const { data, info } = await sharp(jpeg).resize({ width, height, fit: 'fill', kernel: 'linear' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < out.length; i += 1, j += info.channels) out[i] = info.channels >= 3 ? (77 * data[j]! + 150 * data[j + 1]! + 29 * data[j + 2]! + 128) >> 8 : data[j]!;
  return out;
}

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('JPEG luma from DC coefficients', () => {
  it('gives the 8×8 block means, as libjpeg does, across restart intervals', () => {
    const luma = jpegLumaEighth(RESTARTS)!;
    assert.deepEqual([luma.width, luma.height, luma.sourceWidth, luma.sourceHeight], [6, 4, 48, 32]);
    assert.deepEqual([...luma.pixels], RESTARTS_LUMA);
  });

  it('matches a full decode shrunk to the same size, whatever the chroma sampling or size', async () => {
    const [camera] = (await makeFrames(1)).jpegs;
    const pattern = await sharp(camera).resize(637, 473, { fit: 'fill' }).toBuffer();
    const variants = {
      'ffmpeg 4:2:0': camera!,
      '4:4:4': await sharp(pattern).jpeg({ chromaSubsampling: '4:4:4' }).toBuffer(),
      'greyscale, odd size': await sharp(pattern).greyscale().jpeg().toBuffer(),
      'optimised Huffman tables': await sharp(pattern).jpeg({ optimiseCoding: true, quality: 95 }).toBuffer(),
    };
    for (const [name, jpeg] of Object.entries(variants)) {
      const luma = jpegLumaEighth(jpeg);
      assert.ok(luma, name);
      assert.deepEqual([luma.width, luma.height], [Math.ceil(luma.sourceWidth / 8), Math.ceil(luma.sourceHeight / 8)], name);
      const difference = meanDifference(luma.pixels, await reference(jpeg, luma.width, luma.height));
      assert.ok(difference < 3, `${name}: mean difference ${difference}`);
    }
  });

  it('leaves progressive JPEGs to a full decoder, and refuses data cut short', async () => {
    const [camera] = (await makeFrames(1)).jpegs;
    assert.equal(jpegLumaEighth(await sharp(camera).jpeg({ progressive: true }).toBuffer()), null);
    assert.throws(() => jpegLumaEighth(camera!.subarray(0, 2000)), /cut short/);
    assert.throws(() => jpegLumaEighth(RESTARTS.subarray(0, RESTARTS.length - 200)), /cut short|restart/);
    assert.throws(() => jpegLumaEighth(Buffer.from('<html>login</html>')), /not a JPEG/);
  });
});
