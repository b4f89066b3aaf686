import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, encodeCursor, prefixEnd, toPage } from './pagination.js';

describe('keyset pagination', () => {
  it('round-trips cursors and rejects garbage', () => {
    assert.deepEqual(decodeCursor(encodeCursor(1700000000000, 'abc123')), { time: 1700000000000, id: 'abc123' });
    assert.equal(decodeCursor('not a cursor'), null);
    assert.equal(decodeCursor(''), null);
  });
  it('uses the extra row only to say there is a next page', () => {
    const rows = [3, 2, 1].map((n) => ({ id: `id${n}`, createdAt: n }));
    assert.deepEqual(toPage(rows, 2), { items: rows.slice(0, 2), next: encodeCursor(2, 'id2') });
    assert.deepEqual(toPage(rows.slice(0, 2), 2), { items: rows.slice(0, 2), next: null });
  });
  it('bounds hex prefixes from above', () => {
    assert.ok('abcdefff' < prefixEnd('abcdef'));
    assert.ok('abcdf0' > prefixEnd('abcdef'));
  });
});
