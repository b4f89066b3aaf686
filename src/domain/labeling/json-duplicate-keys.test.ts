import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CamtroveError } from '../errors.js';
import { duplicateJsonKeys, validateJsonInterfaceText } from './json-duplicate-keys.js';

function refusal(text: string): string {
  try {
    validateJsonInterfaceText(text);
  } catch (error) {
    assert.ok(error instanceof CamtroveError);
    assert.equal(error.code, 'CAMTROVE_ERR_INVALID_INTERFACE');
    return error.message;
  }
  assert.fail('the interface was accepted');
}

describe('duplicateJsonKeys', () => {
  it('finds keys repeated in one object, with the object\'s path, at any depth and inside arrays', () => {
    assert.deepEqual(duplicateJsonKeys('{"a":1,"b":{"c":1,"c":2},"d":[{"e":1},{"e":1,"e":2}],"a":3}'), [
      { path: ['b'], key: 'c' },
      { path: ['d', '1'], key: 'e' },
      { path: [], key: 'a' },
    ]);
  });
  it('is not fooled by equal keys in sibling objects, keys inside strings, or escapes', () => {
    assert.deepEqual(duplicateJsonKeys('{"x":{"k":1},"y":{"k":1},"s":"\\"k\\":1,\\"k\\":2","t":["k","k"]}'), []);
    assert.deepEqual(duplicateJsonKeys('{"\\u0041":1,"A":2}'), [{ path: [], key: 'A' }], 'keys compare decoded');
    assert.deepEqual(duplicateJsonKeys(' { "a" : { } , "b" : [ ] } '), []);
  });
  it('neither hangs nor throws on text that is not JSON', () => {
    assert.deepEqual(duplicateJsonKeys('{"a":1,"a'), []);
    assert.deepEqual(duplicateJsonKeys('{"\\x":1,"\\x":2}'), [{ path: [], key: '"\\x"' }]);
    assert.deepEqual(duplicateJsonKeys('1,2]]}}'), []);
    assert.deepEqual(duplicateJsonKeys('"\\'), []);
  });
});

describe('validateJsonInterfaceText', () => {
  const job = (categories: string) => `{"jobs":{"JOB":{"mlTask":"CLASSIFICATION","content":{"input":"radio","categories":{${categories}}}}}}`;
  it('accepts a valid interface', () => {
    assert.equal(validateJsonInterfaceText(job('"A":{"name":"A"},"B":{"name":"B"}')).jobs.JOB!.required, 0);
  });
  it('refuses a category key given twice, naming the job and the key', () => {
    assert.match(refusal(job('"CAR":{"name":"Car"},"CAR":{"name":"Truck"}')), /job JOB: duplicate category key CAR/);
  });
  it('refuses a job defined twice, and other repeated keys', () => {
    assert.match(refusal('{"jobs":{"J":{"mlTask":"TRANSCRIPTION"},"J":{"mlTask":"TRANSCRIPTION"}}}'), /job J is defined twice/);
    assert.match(refusal('{"jobs":{"J":{"mlTask":"TRANSCRIPTION","mlTask":"CLASSIFICATION"}}}'), /job J: duplicate key mlTask in the job/);
  });
  it('refuses text that is not JSON, or nests too deep, before scanning it', () => {
    assert.match(refusal('{"jobs":'), /it is not JSON/);
    assert.match(refusal('['.repeat(100_000) + ']'.repeat(100_000)), /nests deeper than 64/);
  });
  it('still applies every rule of validateJsonInterface', () => {
    assert.match(refusal('{"jobs":{"J":{"mlTask":"SPEECH_TO_TEXT"}}}'), /job J: unknown mlTask/);
  });
});
