import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MjpegParser, multipartBoundary } from './mjpeg-parser.js';

/** A small fake JPEG: start marker, some bytes (FF only as FF 00, as in entropy-coded data), end marker. */
const jpeg = (seed: number, size = 300) => {
  const body = Buffer.alloc(size, seed);
  body[0] = 0xff;
  body[1] = 0xd8;
  body[2] = 0xff;
  body[size - 2] = 0xff;
  body[size - 1] = 0xd9;
  return body;
};

const part = (boundary: string, body: Buffer, withLength: boolean, eol = '\r\n') =>
  Buffer.concat([Buffer.from(`--${boundary}${eol}Content-Type: image/jpeg${eol}${withLength ? `Content-Length: ${body.length}${eol}` : ''}${eol}`), body, Buffer.from(eol)]);

/** Feeds the stream in pieces of `size` bytes and collects every frame. */
function feed(parser: MjpegParser, stream: Buffer, size: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < stream.length; at += size) frames.push(...parser.push(stream.subarray(at, at + size)));
  return frames;
}

describe('MJPEG parser', () => {
  it('reads the boundary from the Content-Type, with or without quotes and leading dashes', () => {
    assert.equal(multipartBoundary('multipart/x-mixed-replace; boundary=frame'), 'frame');
    assert.equal(multipartBoundary('multipart/x-mixed-replace;boundary="--myboundary"'), 'myboundary');
    assert.equal(multipartBoundary('multipart/x-mixed-replace; boundary=--ipcam; charset=x'), 'ipcam');
    assert.equal(multipartBoundary('image/jpeg'), null);
    assert.equal(multipartBoundary(undefined), null);
  });

  it('splits parts with and without Content-Length, however the bytes are chunked', () => {
    const frames = [jpeg(1), jpeg(2, 5000), jpeg(3)];
    for (const withLength of [true, false]) {
      const stream = Buffer.concat(frames.map((f) => part('frame', f, withLength)));
      for (const size of [1, 7, 64, 100_000]) {
        const parser = new MjpegParser({ boundary: 'frame', maxPartBytes: 1 << 20 });
        // Without a length a part ends at the next boundary, so the last one waits for it.
        const got = feed(parser, Buffer.concat([stream, Buffer.from('--frame\r\n')]), size);
        assert.deepEqual(got, frames, `length ${withLength}, chunks of ${size}`);
        assert.equal(parser.dropped, 0);
      }
    }
  });

  it('skips a garbage part and a part whose Content-Length is wrong, then carries on', () => {
    const good = [jpeg(1), jpeg(2), jpeg(3)];
    const lying = Buffer.concat([Buffer.from('--b\r\nContent-Type: image/jpeg\r\nContent-Length: 100\r\n\r\n'), good[1]!, Buffer.from('\r\n')]);
    const stream = Buffer.concat([part('b', good[0]!, true), part('b', Buffer.from('<html>oops</html>'), true), Buffer.from('random junk between parts'), lying, part('b', Buffer.alloc(400, 0x41), false), part('b', good[2]!, true)]);
    const parser = new MjpegParser({ boundary: 'b', maxPartBytes: 1 << 20 });
    assert.deepEqual(feed(parser, stream, 13), good);
    assert.equal(parser.dropped, 2, 'the HTML part and the part of A bytes');
  });

  it('accepts bare LF line ends and a boundary written with its dashes in the header', () => {
    const frames = [jpeg(4), jpeg(5)];
    const stream = Buffer.concat([...frames.map((f) => part('myboundary', f, true, '\n'))]);
    const parser = new MjpegParser({ boundary: multipartBoundary('multipart/x-mixed-replace;boundary=--myboundary'), maxPartBytes: 1 << 20 });
    assert.deepEqual(feed(parser, stream, 50), frames);
  });

  it('drops a part larger than the cap and recovers on the next boundary', () => {
    const stream = Buffer.concat([part('b', jpeg(1, 5000), false), part('b', jpeg(2), false), Buffer.from('--b\r\n')]);
    const parser = new MjpegParser({ boundary: 'b', maxPartBytes: 1000 });
    assert.deepEqual(feed(parser, stream, 200), [jpeg(2)]);
    assert.ok(parser.dropped >= 1);
  });

  it('without a boundary, reads JPEGs by their start and end markers', () => {
    const frames = [jpeg(6), jpeg(7), jpeg(8)];
    const parser = new MjpegParser({ boundary: null, maxPartBytes: 1 << 20 });
    assert.deepEqual(feed(parser, Buffer.concat([Buffer.from('xx'), frames[0]!, frames[1]!, Buffer.from('\r\n'), frames[2]!]), 9), frames);
  });
});
