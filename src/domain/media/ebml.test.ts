import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedMedia } from './bit-reader.js';
import { childElements, readElementHeader, readFloat, readInt, readString, readUint } from './ebml.js';

const bytes = (...values: number[]) => Buffer.from(values);

describe('EBML', () => {
  it('reads IDs with their marker and sizes without it', () => {
    assert.deepEqual(readElementHeader(bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f), 0), { id: 0x1a45dfa3, start: 0, dataStart: 5, size: 31 });
    assert.deepEqual(readElementHeader(bytes(0x00, 0xec, 0x40, 0x02), 1), { id: 0xec, start: 1, dataStart: 4, size: 2 });
    assert.deepEqual(readElementHeader(bytes(0xa3, 0x01, 0, 0, 0, 0, 0, 1, 0), 0), { id: 0xa3, start: 0, dataStart: 9, size: 256 });
  });

  it('takes all-ones sizes as unknown, whatever their length', () => {
    assert.equal(readElementHeader(bytes(0x1f, 0x43, 0xb6, 0x75, 0xff), 0)?.size, null);
    assert.equal(readElementHeader(bytes(0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0)?.size, null);
  });

  it('asks for more bytes when the header is cut, and refuses what no file has', () => {
    assert.equal(readElementHeader(bytes(0x1a, 0x45), 0), null);
    assert.equal(readElementHeader(bytes(0xa3), 0), null);
    assert.throws(() => readElementHeader(bytes(0x00, 0x81), 0), MalformedMedia); // no marker in the first byte
    assert.throws(() => readElementHeader(bytes(0x08, 0, 0, 0, 0, 0x81), 0), MalformedMedia); // a 5-byte ID
    assert.throws(() => readElementHeader(bytes(0xa3, 0x01, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe), 0), MalformedMedia); // beyond 2^53
  });

  it('lists children, and throws when one overruns its parent or has no size', () => {
    const master = bytes(0xd7, 0x81, 0x01, 0x83, 0x81, 0x02);
    assert.deepEqual(
      childElements(master, 0, master.length).map((e) => [e.id, e.dataStart, e.size]),
      [
        [0xd7, 2, 1],
        [0x83, 5, 1],
      ],
    );
    assert.throws(() => childElements(master, 0, 5), MalformedMedia);
    assert.throws(() => childElements(bytes(0xd7, 0xff), 0, 2), MalformedMedia);
  });

  it('reads values: unsigned and signed integers, floats, strings ended by NUL', () => {
    assert.equal(readUint(bytes()), 0);
    assert.equal(readUint(bytes(0x0f, 0x42, 0x40)), 1000000);
    assert.throws(() => readUint(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9)), MalformedMedia);
    assert.equal(readInt(bytes(0xff, 0xfe)), -2n);
    assert.equal(readInt(bytes(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), 2n ** 63n - 1n);
    const double = Buffer.alloc(8);
    double.writeDoubleBE(2023.5);
    assert.equal(readFloat(double), 2023.5);
    assert.equal(readFloat(bytes(0x44, 0xfa, 0, 0)), 2000);
    assert.throws(() => readFloat(bytes(0, 0)), MalformedMedia);
    assert.equal(readString(Buffer.from('webm\0\0', 'latin1')), 'webm');
  });
});
