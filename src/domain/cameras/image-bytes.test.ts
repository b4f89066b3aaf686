import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageComplete, imageKind, looksLikeHtml } from './image-bytes.js';

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
