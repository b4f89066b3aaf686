import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageComplete, imageKind, imageSize, looksLikeHtml } from './image-bytes.js';

const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3, 0xff, 0xd9]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR....IEND', 'latin1'), Buffer.from([0xae, 0x42, 0x60, 0x82])]);

describe('image bytes', () => {
  it('tells JPEG and PNG by their first bytes, whatever the camera claimed', () => {
    assert.equal(imageKind(jpeg), 'image/jpeg');
    assert.equal(imageKind(png), 'image/png');
    assert.equal(imageKind(Buffer.from('GIF89a')), null);
    assert.equal(imageKind(Buffer.alloc(0)), null);
  });
  it('recognises an HTML page sent instead of an image', () => {
    assert.ok(looksLikeHtml(Buffer.from('\n  <!DOCTYPE html><html><title>Login</title>')));
    assert.ok(looksLikeHtml(Buffer.from('<HTML><BODY>401</BODY></HTML>')));
    assert.ok(!looksLikeHtml(jpeg));
  });
  it('knows a complete image from one cut short', () => {
    assert.ok(imageComplete(jpeg, 'image/jpeg'));
    assert.ok(imageComplete(Buffer.concat([jpeg, Buffer.alloc(10)]), 'image/jpeg'), 'padding after the end marker');
    assert.ok(!imageComplete(jpeg.subarray(0, 8), 'image/jpeg'));
    assert.ok(imageComplete(png, 'image/png'));
    assert.ok(!imageComplete(png.subarray(0, 14), 'image/png'));
  });
});
/** A JPEG header: SOI, an APP0 segment, a fill byte, SOFn with the given size, then SOS and EOI. */
function jpegHeader(sof: number, width: number, height: number): Buffer {
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sofSegment = [0xff, sof, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Buffer.from([0xff, 0xd8, ...app0, 0xff, 0xff /* fill byte */, ...sofSegment, 0xff, 0xda, 0, 2, 0xff, 0xd9]);
}

describe('image size from the header', () => {
  it('reads a JPEG frame header: baseline, progressive, after other segments and fill bytes', () => {
    assert.deepEqual(imageSize(jpegHeader(0xc0, 640, 480)), { width: 640, height: 480 });
    assert.deepEqual(imageSize(jpegHeader(0xc2, 1920, 1080)), { width: 1920, height: 1080 });
    assert.deepEqual(imageSize(jpegHeader(0xc1, 65535, 1)), { width: 65535, height: 1 });
  });
  it('reads a PNG IHDR', () => {
    const ihdr = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x02, 0x80, 0, 0, 0x01, 0xe0, 8, 2, 0, 0, 0]);
    assert.deepEqual(imageSize(ihdr), { width: 640, height: 480 });
  });
  it('has no size for other bytes, a header cut short, or a zero size', () => {
    assert.equal(imageSize(Buffer.from('<html>login</html>')), null);
    assert.equal(imageSize(jpeg), null, 'no frame header before the end'); // the 11-byte JPEG above
    assert.equal(imageSize(jpegHeader(0xc0, 640, 480).subarray(0, 25)), null);
    assert.equal(imageSize(jpegHeader(0xc0, 0, 480)), null);
    assert.equal(imageSize(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1])), null, 'a bad segment length');
  });
});
