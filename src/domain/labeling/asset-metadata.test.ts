import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CamtroveError } from '../errors.js';
import { checkMetadata, joinMetadata, metadataIndexRows, parseMetadataWhere, splitMetadata, updateMetadata } from './asset-metadata.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CamtroveError);
    return `${error.code}: ${error.message}`;
  }
  assert.fail('no error');
}

const old = {
  jsonMetadata: { camera: 'gate', text: 'note', imageUrl: 'https://example.com/i.jpg', url: 'https://example.com', score: 3 },
  processingParameters: { framesPlayedPerSecond: 5, shouldKeepNativeFrameRate: false },
};

describe('updateMetadata', () => {
  it('replace: the update becomes the metadata, processingParameters kept when the update leaves it out', () => {
    const result = updateMetadata('replace', old, { site: 'north' }, 'asset "a"');
    assert.deepEqual(result.jsonMetadata, { site: 'north' });
    assert.deepEqual(result.processingParameters, old.processingParameters);
    assert.equal(result.processingChanged, false);
  });
  it('replace: processingParameters replaced when the update names it, and removed by null', () => {
    const result = updateMetadata('replace', old, { site: 'north', processingParameters: { shouldUseNativeVideo: false } }, 'asset "a"');
    assert.deepEqual(result.jsonMetadata, { site: 'north' });
    assert.deepEqual(result.processingParameters, { shouldUseNativeVideo: false });
    assert.equal(result.processingChanged, true);
    const removed = updateMetadata('replace', old, { processingParameters: null }, 'asset "a"');
    assert.equal(removed.processingParameters, null);
    assert.equal(removed.processingChanged, true);
  });
  it('says processing did not change when the same parameters come back in another key order', () => {
    const result = updateMetadata('replace', old, { processingParameters: { shouldKeepNativeFrameRate: false, framesPlayedPerSecond: 5 } }, 'asset "a"');
    assert.equal(result.processingChanged, false);
  });
  it('merge: the update\'s keys over the old ones', () => {
    const result = updateMetadata('merge', old, { score: 4, site: 'north' }, 'asset "a"');
    assert.deepEqual(result.jsonMetadata, { ...old.jsonMetadata, score: 4, site: 'north' });
    assert.deepEqual(result.processingParameters, old.processingParameters);
  });
  it('set: replaces, but keeps text, imageUrl, url and processingParameters when the update leaves them out', () => {
    const result = updateMetadata('set', old, { site: 'north', url: 'https://other.example' }, 'asset "a"');
    assert.deepEqual(result.jsonMetadata, { site: 'north', url: 'https://other.example', text: 'note', imageUrl: 'https://example.com/i.jpg' });
    assert.deepEqual(result.processingParameters, old.processingParameters);
    assert.equal(result.processingChanged, false);
  });
  it('does not share objects with the old metadata or the update', () => {
    const update = { nested: { a: 1 } };
    const result = updateMetadata('merge', old, update, 'asset "a"');
    update.nested.a = 2;
    result.processingParameters!.framesPlayedPerSecond = 9;
    assert.deepEqual(result.jsonMetadata.nested, { a: 1 });
    assert.equal(old.processingParameters.framesPlayedPerSecond, 5);
  });
  it('refuses an update that is not a plain object or holds a number that is not finite, naming the asset', () => {
    assert.match(code(() => updateMetadata('replace', old, [1], 'asset "a"')), /^CAMTROVE_ERR_INVALID_METADATA: asset "a": jsonMetadata must be a JSON object, not an array/);
    assert.match(code(() => updateMetadata('merge', old, null, 'asset "a"')), /not null/);
    assert.match(code(() => updateMetadata('set', old, { x: [{ y: Infinity }] }, 'asset "a"')), /^CAMTROVE_ERR_INVALID_METADATA: asset "a": jsonMetadata holds Infinity at x\[0\].y/);
    assert.match(code(() => updateMetadata('replace', old, { processingParameters: { framesPlayedPerSecond: 1001 } }, 'asset "a"')), /^CAMTROVE_ERR_INVALID_METADATA: asset "a": processingParameters.framesPlayedPerSecond must be a number above 0 and at most 1000/);
    assert.match(code(() => updateMetadata('replace', old, { processingParameters: 'fast' }, 'asset "a"')), /processingParameters must be an object/);
  });
});

describe('checkMetadata', () => {
  it('accepts plain JSON objects, also without a prototype', () => {
    checkMetadata({ a: [1, 'x', null, true, { b: -0.5 }] }, 'asset "a"');
    checkMetadata(Object.assign(Object.create(null) as object, { a: 1 }), 'asset "a"');
  });
  it('refuses what JSON cannot carry, and nesting deeper than the limit, with the code asked for', () => {
    assert.match(code(() => checkMetadata({ when: new Date(0) }, 'asset "a"')), /holds a Date object at when/);
    assert.match(code(() => checkMetadata({ n: 1n }, 'asset "a"')), /holds a bigint at n/);
    assert.match(code(() => checkMetadata(new Map(), 'asset "a"')), /must be a JSON object, not a Map object/);
    assert.match(code(() => checkMetadata({ n: -Infinity }, 'asset "a"', 'CAMTROVE_ERR_INVALID_ASSETS')), /^CAMTROVE_ERR_INVALID_ASSETS: asset "a": jsonMetadata holds -Infinity at n/);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    assert.match(code(() => checkMetadata({ deep }, 'asset "a"')), /nests deeper than 64 levels/);
  });
});

describe('splitMetadata and joinMetadata', () => {
  it('split off processingParameters and put it back', () => {
    const split = splitMetadata({ a: 1, processingParameters: { framesPlayedPerSecond: 2, custom: 'kept' } }, 'asset "a"');
    assert.deepEqual(split, { jsonMetadata: { a: 1 }, processingParameters: { framesPlayedPerSecond: 2, custom: 'kept' } });
    assert.deepEqual(joinMetadata(split.jsonMetadata, split.processingParameters), { a: 1, processingParameters: { framesPlayedPerSecond: 2, custom: 'kept' } });
    assert.deepEqual(splitMetadata({ a: 1, processingParameters: null }, 'asset "a"'), { jsonMetadata: { a: 1 }, processingParameters: null });
    assert.deepEqual(joinMetadata({ a: 1 }, null), { a: 1 });
  });
});

describe('parseMetadataWhere', () => {
  it('reads equality, any-of lists and numeric ranges, from an object or its JSON text', () => {
    const expected = [
      { key: 'camera', equals: 'gate' },
      { key: 'night', equals: true },
      { key: 'count', equals: 3 },
      { key: 'site', anyOf: ['north', 'south'] },
      { key: 'score', min: 0.5, max: 1 },
      { key: 'lane', anyOf: ['1', '2', '3'] },
    ];
    const where = { camera: 'gate', night: true, count: 3, site: ['north', 'south', 'north'], score: [0.5, 1], lane: [1, 2, 3] };
    assert.deepEqual(parseMetadataWhere(where), expected);
    assert.deepEqual(parseMetadataWhere(JSON.stringify(where)), expected);
    assert.deepEqual(parseMetadataWhere(''), []);
    assert.deepEqual(parseMetadataWhere(undefined), []);
    assert.deepEqual(parseMetadataWhere({}), []);
  });
  it('refuses malformed conditions naming the key', () => {
    const query = (value: unknown) => code(() => parseMetadataWhere(value));
    assert.match(query('{camera'), /^CAMTROVE_ERR_INVALID_QUERY: metadataWhere: is not JSON/);
    assert.match(query('[1]'), /must be an object/);
    assert.match(query({ score: [1, 0.5] }), /score: range \[1, 0.5\] has its minimum above its maximum/);
    assert.match(query({ site: [] }), /site: the list is empty/);
    assert.match(query({ site: [{}] }), /site: a list holds an object; give strings, numbers or booleans/);
    assert.match(query({ camera: null }), /camera: expected a string, number, boolean or list, not null/);
    assert.match(query({ camera: { $ne: 'x' } }), /camera: expected a string/);
    assert.match(query({ '': 'x' }), /a key is empty/);
    assert.match(query(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 1]))), /has 21 keys; at most 20/);
  });
});

describe('metadataIndexRows', () => {
  it('indexes top-level strings, numbers and booleans; numbers and decimal strings get num', () => {
    const rows = metadataIndexRows({ camera: 'gate', score: 0.75, night: false, confidence: ' 0.8', id: '007', name: '1e3x', nested: { a: 1 }, list: [1], none: null, long: 'x'.repeat(501) });
    assert.deepEqual(rows, [
      { key: 'camera', text: 'gate', num: null },
      { key: 'score', text: '0.75', num: 0.75 },
      { key: 'night', text: 'false', num: null },
      { key: 'confidence', text: ' 0.8', num: 0.8 },
      { key: 'id', text: '007', num: 7 },
      { key: 'name', text: '1e3x', num: null },
    ]);
  });
  it('spells numbers as parseMetadataWhere spells list items, so any-of matches them', () => {
    const [row] = metadataIndexRows({ lane: 2 });
    const [condition] = parseMetadataWhere({ lane: [2, 3, 4] });
    assert.ok(condition && 'anyOf' in condition && condition.anyOf.includes(row!.text!));
  });
});
