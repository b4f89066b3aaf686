import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { looseNumbers, parseFormNumber } from './form-number.js';

describe('numbers written as text', () => {
  it('reads plain decimal integers only', () => {
    for (const [text, value] of [['0', 0], ['12', 12], ['-3', -3]] as const) assert.equal(parseFormNumber(text, 'integer'), value, text);
    for (const text of ['0x10', '1e3', '+5', '1.0', ' 5', '5 ', '5abc', '', '007', '-', '0b1', 'Infinity', 'NaN', '١٢']) {
      assert.equal(parseFormNumber(text, 'integer'), null, JSON.stringify(text));
    }
  });
  it('reads decimal numbers with a fraction or an exponent, as JSON writes them', () => {
    for (const [text, value] of [['0.5', 0.5], ['-3', -3], ['1e3', 1000], ['2.5E-1', 0.25], ['1.0', 1]] as const) assert.equal(parseFormNumber(text, 'number'), value, text);
    for (const text of ['0x10', '+5', '.5', '5.', ' 5', '5abc', '', '1e999', 'Infinity', '1_000', '1,5']) {
      assert.equal(parseFormNumber(text, 'number'), null, JSON.stringify(text));
    }
  });
  it('finds loose numbers where a schema wants numbers, and leaves strings where it wants strings', () => {
    const schema = Type.Object({
      limit: Type.Integer(),
      lat: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
      name: Type.String(),
      either: Type.Union([Type.Number(), Type.String()]),
      ids: Type.Array(Type.Integer()),
      replaces: Type.Object({ pid: Type.Integer() }),
    });
    const found = looseNumbers(schema, { limit: '0x10', lat: ' 5', name: '0x10', either: '0x10', ids: ['1', '5abc'], replaces: { pid: '' } });
    assert.deepEqual(found.map((f) => [f.path, f.text, f.kind]), [['limit', '0x10', 'integer'], ['lat', ' 5', 'number'], ['ids[1]', '5abc', 'integer'], ['replaces.pid', '', 'integer']]);
    assert.deepEqual(looseNumbers(schema, { limit: '10', lat: '-1.5e1', ids: '3', replaces: { pid: 4 } }), []);
    assert.deepEqual(looseNumbers(Type.Object({ ids: Type.Array(Type.Integer()) }), { ids: '0x1' }).map((f) => f.path), ['ids'], 'a lone value where a list goes');
  });
});
