import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonNestsDeeperThan, valueNestsDeeperThan } from './json-depth.js';

describe('JSON nesting depth', () => {
  it('counts arrays and objects, and nothing inside strings', () => {
    assert.equal(jsonNestsDeeperThan('{"a":[1,{"b":[]}]}', 4), false);
    assert.equal(jsonNestsDeeperThan('{"a":[1,{"b":[]}]}', 3), true);
    assert.equal(jsonNestsDeeperThan('"[[[[[[[[[["', 1), false);
    assert.equal(jsonNestsDeeperThan('{"k\\"[[[[":"\\\\"}', 1), false, 'escaped quotes and backslashes do not end a string');
    assert.equal(jsonNestsDeeperThan('[[]]', 2), false);
    assert.equal(jsonNestsDeeperThan('[][][][]', 1), false, 'siblings do not add up');
  });
  it('measures 200,000 levels without recursion', () => {
    assert.equal(jsonNestsDeeperThan('['.repeat(200_000) + ']'.repeat(200_000), 64), true);
  });
  it('measures parsed values the same way, without recursion', () => {
    assert.equal(valueNestsDeeperThan({ a: [1, { b: [] }] }, 4), false);
    assert.equal(valueNestsDeeperThan({ a: [1, { b: [] }] }, 3), true);
    assert.equal(valueNestsDeeperThan('text', 0), false);
    assert.equal(valueNestsDeeperThan(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)), 64), true);
  });
});
