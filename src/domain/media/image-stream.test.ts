import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageStreamParser } from './image-stream.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A PNG's bytes as chunks (CRC left zero: the parser follows lengths, it does not check sums). */
function png(chunks: [type: string, data: number[]][]): Buffer {
  const parts = chunks.map(([type, data]) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type, 'latin1'), Buffer.from(data), Buffer.alloc(4)]);
  });
  return Buffer.concat([Buffer.from(SIGNATURE), ...parts]);
}

/** Feeds the bytes in pieces of `size` and collects the images. */
function split(format: 'jpeg' | 'png', bytes: Buffer, size: number): Buffer[] {
  const parser = imageStreamParser(format);
  const images: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) images.push(...parser.push(bytes.subarray(i, i + size)));
  return images;
}

describe('image stream parser', () => {
  it('splits PNGs by their chunks, even when a chunk holds the bytes IEND', () => {
    // The first image's data chunk spells IEND inside it: only a chunk's type ends an image.
    const first = png([['IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]], ['IDAT', [0x49, 0x45, 0x4e, 0x44, 1, 2]], ['IEND', []]]);
    const second = png([['IHDR', [0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0]], ['IDAT', [9]], ['IEND', []]]);
    assert.equal(first.length, 8 + 25 + 18 + 12);
    for (const size of [1, 7, 64, 1000]) {
      const images = split('png', Buffer.concat([first, second]), size);
      assert.deepEqual(images, [first, second], `pieces of ${size}`);
    }
    // An image cut short is not handed out.
    assert.deepEqual(split('png', Buffer.concat([first, second.subarray(0, second.length - 1)]), 10), [first]);
  });

  it('splits JPEGs by their start and end markers', () => {
    const first = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x01, 0x02, 0xff, 0xda, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd9]);
    const second = Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x03, 0x07, 0xff, 0xda, 0x55, 0xff, 0xd9]);
    for (const size of [1, 5, 100]) assert.deepEqual(split('jpeg', Buffer.concat([first, second]), size), [first, second], `pieces of ${size}`);
  });
});
