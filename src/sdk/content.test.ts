import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAppendInput, checkMetadata, entryKind } from './content.js';
import { ImportValidationError, MimeTypeError } from './errors.js';

function refusal(fn: () => unknown, pattern: RegExp, type: new (...args: never[]) => Error = ImportValidationError): void {
  assert.throws(fn, (error: Error) => {
    assert.ok(error instanceof type, `${error.name}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('what an import entry is', () => {
  it('tells URLs, library references and local files apart', () => {
    assert.deepEqual(['https://x/a.mp4', 'HTTP://x/a', 'camtrove:file/abcdef', 'camtrove:event/12ab34', 'clips/a.mp4', '/abs/a.mov', 'ftp://x/a.mp4'].map(entryKind), ['url', 'url', 'library', 'library', 'local', 'local', 'local']);
    assert.equal(entryKind(new Blob(['x'])), 'local');
  });
});

describe('the import rules checked before anything is sent', () => {
  it('counts the assets of a call; an empty array is zero', () => {
    assert.equal(checkAppendInput({ contentArray: [] }), 0);
    assert.equal(checkAppendInput({ jsonContentArray: [] }), 0);
    assert.equal(checkAppendInput({ contentArray: ['a.mp4', 'b.mp4'], externalIdArray: ['a', 'b'] }), 2);
  });

  it('refuses content and jsonContent both, and neither', () => {
    refusal(() => checkAppendInput({ contentArray: ['a.mp4'], jsonContentArray: [['a.jpg']] }), /not both/);
    refusal(() => checkAppendInput({}), /give contentArray/);
  });

  it('refuses arrays of different lengths, naming the array', () => {
    refusal(() => checkAppendInput({ contentArray: ['a.mp4', 'b.mp4'], externalIdArray: ['a'] }), /externalIdArray has 1 entries but there are 2 assets/);
    refusal(() => checkAppendInput({ contentArray: ['a.mp4'], jsonMetadataArray: [{}, {}] }), /jsonMetadataArray has 2/);
  });

  it('refuses local files and URLs in one call, in contentArray and in image lists', () => {
    refusal(() => checkAppendInput({ contentArray: ['a.mp4', 'https://example.com/b.mp4'] }), /local files and URLs cannot be imported in one call \(local "a\.mp4", URL "https:\/\/example\.com\/b\.mp4"\)/);
    refusal(() => checkAppendInput({ jsonContentArray: [['a.jpg'], ['https://example.com/b.jpg']] }), /local files and URLs/);
    assert.equal(checkAppendInput({ contentArray: ['a.mp4', 'camtrove:file/abcdef'] }), 2, 'local files and library references mix: both end up in the library');
  });

  it('refuses a local file whose extension is not a video, listing the accepted types', () => {
    refusal(() => checkAppendInput({ contentArray: ['a.mp4', 'notes.txt'], externalIdArray: ['a', 'notes'] }), /asset "notes": "notes\.txt" is not a video file; accepted types: mp4, mkv, 3gp, avi, m4v, mov, webm/, MimeTypeError);
    refusal(() => checkAppendInput({ contentArray: ['clip'] }), /asset #1: "clip" is not a video/, MimeTypeError);
    for (const name of ['a.MP4', 'b.mkv', 'c.3gp', 'd.avi', 'e.m4v', 'f.mov', 'g.webm']) assert.equal(checkAppendInput({ contentArray: [name] }), 1, name);
    assert.equal(checkAppendInput({ contentArray: [new Blob(['x'], { type: 'video/mp4' })] }), 1, 'a blob may say it is a video by its type');
    assert.equal(checkAppendInput({ jsonContentArray: [['a.jpg', 'b.png']] }), 1, 'images are not videos, and need not be');
  });

  it('refuses shouldUseNativeVideo true and false in one call', () => {
    const call = { contentArray: ['a.mp4', 'b.mp4', 'c.mp4'], jsonMetadataArray: [{}, { processingParameters: { shouldUseNativeVideo: true } }, { processingParameters: { shouldUseNativeVideo: false } }] };
    refusal(() => checkAppendInput(call), /shouldUseNativeVideo is true for some assets and false for others/);
    assert.equal(checkAppendInput({ ...call, jsonMetadataArray: call.jsonMetadataArray.slice(0, 2), contentArray: ['a.mp4', 'b.mp4'] }), 2, 'absent counts as true');
  });

  it('refuses NaN and Infinity in metadata, naming the asset and where, where JSON would send null', () => {
    assert.equal(JSON.stringify({ score: NaN }), '{"score":null}');
    refusal(() => checkAppendInput({ contentArray: ['a.mp4', 'b.mp4'], externalIdArray: ['a', 'b'], jsonMetadataArray: [{}, { score: NaN }] }), /asset "b": jsonMetadata\.score is not a finite number/);
    refusal(() => checkMetadata({ box: { corners: [1, Infinity] } }, 'asset "x"'), /asset "x": jsonMetadata\.box\.corners\[1\]/);
    refusal(() => checkMetadata([1], 'asset "x"'), /must be an object, not an array/);
    refusal(() => checkMetadata(null, 'asset "x"'), /not null/);
    assert.throws(() => checkMetadata({ a: -Infinity }, 'asset "x"'), { code: 'CAMTROVE_ERR_INVALID_METADATA', status: 400 });
  });
});
