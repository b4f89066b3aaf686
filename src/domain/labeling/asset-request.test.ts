import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CamtroveError } from '../errors.js';
import { parseContentRef, planAssets, requestedExternalIds, VIDEO_EXTENSIONS, type AssetRequestInput } from './asset-request.js';

const FILE = 'camtrove:file/' + 'ab'.repeat(32);
const EVENT = 'camtrove:event/' + 'cd'.repeat(16);

function counter(): () => string {
  let n = 0;
  return () => `random${n++}`;
}

function plan(input: AssetRequestInput, existing: string[] = []) {
  return planAssets(input, new Set(existing), counter());
}

function refusal(input: AssetRequestInput, existing: string[] = []): string {
  try {
    plan(input, existing);
  } catch (error) {
    assert.ok(error instanceof CamtroveError);
    assert.equal(error.code, 'CAMTROVE_ERR_INVALID_ASSETS');
    return error.message;
  }
  assert.fail('the call was accepted');
}

describe('planAssets', () => {
  it('plans URLs, zipping the arrays by position and splitting processingParameters off the metadata', () => {
    const result = plan({
      contentArray: ['https://example.com/a.mp4', 'http://example.com/videos/b.MOV?sig=x.jpg', 'https://example.com/stream'],
      externalIdArray: ['a', 'b', null],
      jsonMetadataArray: [{ camera: 'gate', processingParameters: { framesPlayedPerSecond: 5 } }, null, {}],
    });
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.assets.map((a) => [a.externalId, a.index, a.source.kind]), [['a', 0, 'url'], ['b', 1, 'url'], ['random0', 2, 'url']]);
    assert.deepEqual(result.assets[0]!.jsonMetadata, { camera: 'gate' });
    assert.deepEqual(result.assets[0]!.processingParameters, { framesPlayedPerSecond: 5 });
    assert.equal(result.assets[1]!.processingParameters, null);
    assert.equal(result.assets[0]!.jsonContent, null);
  });
  it('plans library references, lower-casing their ids', () => {
    const result = plan({ contentArray: [FILE.toUpperCase().replace('CAMTROVE:FILE', 'camtrove:file'), EVENT, 'camtrove:file/abcdef'] });
    assert.deepEqual(result.assets.map((a) => a.source), [{ kind: 'file', fileId: 'ab'.repeat(32) }, { kind: 'event', eventId: 'cd'.repeat(16) }, { kind: 'file', fileId: 'abcdef' }]);
  });
  it('plans frame lists', () => {
    const result = plan({ jsonContentArray: [['https://example.com/f/1.jpg', 'https://example.com/f/2.PNG', 'https://example.com/f/3']], externalIdArray: ['seq'] });
    assert.equal(result.assets[0]!.content, '');
    assert.deepEqual(result.assets[0]!.jsonContent, ['https://example.com/f/1.jpg', 'https://example.com/f/2.PNG', 'https://example.com/f/3']);
    assert.equal(result.assets[0]!.source.kind, 'frames');
    const files = plan({ jsonContentArray: [[FILE, 'camtrove:file/123456']] });
    assert.deepEqual(files.assets[0]!.source, { kind: 'frames', frames: [{ kind: 'file', fileId: 'ab'.repeat(32) }, { kind: 'file', fileId: '123456' }] });
  });
  it('does nothing for empty arrays', () => {
    assert.deepEqual(plan({ contentArray: [] }), { assets: [], skipped: [], warnings: [] });
    assert.deepEqual(plan({ contentArray: [], externalIdArray: [], jsonMetadataArray: [] }), { assets: [], skipped: [], warnings: [] });
    assert.deepEqual(plan({ jsonContentArray: [] }), { assets: [], skipped: [], warnings: [] });
  });
  it('refuses a call with no content array, or with both kinds', () => {
    assert.match(refusal({ externalIdArray: ['a'] }), /give contentArray \(videos\) or jsonContentArray/);
    assert.match(refusal({ contentArray: [FILE], jsonContentArray: [[FILE]] }), /not both/);
    assert.match(refusal({ contentArray: 'https://example.com/a.mp4' }), /contentArray must be an array/);
  });
  it('refuses arrays of different lengths', () => {
    assert.match(refusal({ contentArray: [FILE, EVENT], externalIdArray: ['a'] }), /externalIdArray has 1 entries but contentArray has 2/);
    assert.match(refusal({ contentArray: [FILE], jsonMetadataArray: [{}, {}] }), /jsonMetadataArray has 2 entries but contentArray has 1/);
    assert.match(refusal({ contentArray: [], externalIdArray: ['a'] }), /same length/);
  });
  it('refuses a URL that is not a video, listing the accepted types, and names the asset', () => {
    const message = refusal({ contentArray: ['https://example.com/a.mp4', 'https://example.com/photo.jpg?x=1'], externalIdArray: ['ok', 'photo'] });
    assert.match(message, /^asset "photo": content "https:\/\/example.com\/photo.jpg\?x=1" is not a video \(.jpg\); accepted types: mp4, mkv, 3gp, avi, m4v, mov, webm/);
    assert.match(refusal({ contentArray: ['https://example.com/a.pdf'] }), /^asset at position 0: .* is not a video \(.pdf\)/);
    for (const extension of VIDEO_EXTENSIONS) plan({ contentArray: [`https://example.com/v.${extension}`] });
    plan({ contentArray: ['https://example.com/v.ts', 'https://example.com/dir.d/'] });
  });
  it('refuses local paths and other schemes, saying local files must be uploaded first', () => {
    for (const content of ['/home/me/a.mp4', 'C:\\videos\\a.mp4', 'file:///home/me/a.mp4', 'ftp://example.com/a.mp4', 'a.mp4']) {
      const message = refusal({ contentArray: [content], externalIdArray: ['local'] });
      assert.match(message, /^asset "local": /);
      assert.match(message, /uploaded first \(POST \/api\/files\) and named camtrove:file\/<file_id>/, content);
    }
    assert.match(refusal({ contentArray: ['camtrove:file/xyz'] }), /is not a valid library reference/);
    assert.match(refusal({ contentArray: ['camtrove:file/abc'] }), /is not a valid library reference/, 'fewer than 6 hex');
    assert.match(refusal({ contentArray: ['camtrove:event/' + 'a'.repeat(33)] }), /is not a valid library reference/);
    assert.match(refusal({ contentArray: [42] }), /content must be a non-empty string/);
    assert.match(refusal({ contentArray: ['  '] }), /content must be a non-empty string/);
  });
  it('refuses frame lists that are empty, hold a video or a local path, or name an event', () => {
    assert.match(refusal({ jsonContentArray: [[]] }), /jsonContent must be a non-empty list/);
    assert.match(refusal({ jsonContentArray: ['https://example.com/1.jpg'] }), /jsonContent must be a non-empty list/);
    assert.match(refusal({ jsonContentArray: [['https://example.com/1.jpg', 'https://example.com/2.mp4']], externalIdArray: ['seq'] }), /^asset "seq": frame 1 of jsonContent: .* is not an image \(.mp4\); accepted types: jpg, jpeg, png/);
    assert.match(refusal({ jsonContentArray: [['/tmp/1.jpg']] }), /frame 0 of jsonContent: .*uploaded first/);
    assert.match(refusal({ jsonContentArray: [[EVENT]] }), /frame 0 of jsonContent: .*not a valid library reference/);
  });
  it('refuses URLs and library references in one call', () => {
    assert.match(refusal({ contentArray: ['https://example.com/a.mp4', FILE], externalIdArray: ['u', 'f'] }), /either URLs or library references, not both: asset "u" \(position 0\) is a URL, asset "f" \(position 1\) a camtrove: reference/);
    assert.match(refusal({ jsonContentArray: [['https://example.com/1.jpg', FILE]], externalIdArray: ['seq'] }), /asset "seq" \(position 0\) mixes URLs and camtrove: references/);
  });
  it('refuses shouldUseNativeVideo true and false in one call, absent counting as true', () => {
    const message = refusal({
      contentArray: [FILE, EVENT],
      externalIdArray: ['native', 'split'],
      jsonMetadataArray: [{}, { processingParameters: { shouldUseNativeVideo: false } }],
    });
    assert.match(message, /cannot mix shouldUseNativeVideo true and false: asset "native" \(position 0\) .*asset "split" \(position 1\)/);
    assert.match(refusal({ contentArray: [FILE, EVENT], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo: true } }, { processingParameters: { shouldUseNativeVideo: false } }] }),
      /asset at position 0 is labelled as a video .*asset at position 1 as frames/, 'assets without an externalId are named by position, not by their random id');
    plan({ contentArray: [FILE, EVENT], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo: false } }, { processingParameters: { shouldUseNativeVideo: false } }] });
  });
  it('refuses metadata that is not an object, holds NaN, or has bad processingParameters, naming the asset', () => {
    assert.match(refusal({ contentArray: [FILE], externalIdArray: ['m'], jsonMetadataArray: ['text'] }), /^asset "m": jsonMetadata must be a JSON object, not a string/);
    assert.match(refusal({ contentArray: [FILE], jsonMetadataArray: [[1]] }), /^asset at position 0: jsonMetadata must be a JSON object, not an array/);
    assert.match(refusal({ contentArray: [FILE], externalIdArray: ['m'], jsonMetadataArray: [{ a: { b: [1, Number.NaN] } }] }), /^asset "m": jsonMetadata holds NaN at a.b\[1\]/);
    assert.match(refusal({ contentArray: [FILE], jsonMetadataArray: [{ processingParameters: { framesPlayedPerSecond: 0 } }] }), /framesPlayedPerSecond must be a number above 0/);
    assert.match(refusal({ contentArray: [FILE], jsonMetadataArray: [{ processingParameters: { framesPlayedPerSecond: '5' } }] }), /framesPlayedPerSecond must be a number/);
    assert.match(refusal({ contentArray: [FILE], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo: 'no' } }] }), /shouldUseNativeVideo must be true or false/);
  });
  it('refuses an externalId that is not a string', () => {
    assert.match(refusal({ contentArray: [FILE], externalIdArray: [7] }), /asset at position 0: externalId must be a string/);
  });
  it('drops every copy of an externalId repeated in the call, with a warning naming it', () => {
    const result = plan({ contentArray: [FILE, EVENT, FILE, 'camtrove:file/abcdef'], externalIdArray: ['dup', 'keep', 'dup', 'dup'] });
    assert.deepEqual(result.assets.map((a) => a.externalId), ['keep']);
    assert.deepEqual(result.skipped, [{ externalId: 'dup', reason: 'duplicate_in_request' }]);
    assert.deepEqual(result.warnings, ['externalId repeated in this call, every copy dropped: "dup"']);
  });
  it('names at most 20 repeated ids in the warning, and counts the rest', () => {
    const ids = Array.from({ length: 25 }, (_, i) => `id${i}`);
    const result = plan({ contentArray: [...ids, ...ids, 'x'].map(() => FILE), externalIdArray: [...ids, ...ids, 'x'] });
    assert.equal(result.skipped.length, 25);
    assert.match(result.warnings[0]!, /"id19" and 5 more$/);
  });
  it('skips externalIds already in the project, with a warning', () => {
    const result = plan({ contentArray: [FILE, EVENT], externalIdArray: ['old', 'new'] }, ['old']);
    assert.deepEqual(result.assets.map((a) => a.externalId), ['new']);
    assert.deepEqual(result.skipped, [{ externalId: 'old', reason: 'exists' }]);
    assert.deepEqual(result.warnings, ['externalId already in the project, skipped: "old"']);
  });
  it('fails with "no assets to import" when every asset is skipped', () => {
    assert.match(refusal({ contentArray: [FILE, EVENT], externalIdArray: ['old', 'older'] }, ['old', 'older']), /^no assets to import: externalId already in the project, skipped: "old", "older"/);
    assert.match(refusal({ contentArray: [FILE, EVENT], externalIdArray: ['d', 'd'] }), /^no assets to import: externalId repeated in this call/);
  });
  it('gives a random externalId to assets without one (and an empty one counts as none)', () => {
    const result = plan({ contentArray: [FILE, EVENT, FILE], externalIdArray: [undefined, '', 'given'] });
    assert.deepEqual(result.assets.map((a) => a.externalId), ['random0', 'random1', 'given']);
  });
});

describe('parseContentRef', () => {
  it('reads one content, naming the asset label given', () => {
    assert.deepEqual(parseContentRef(' https://example.com/v.webm '), { kind: 'url', url: 'https://example.com/v.webm' });
    assert.deepEqual(parseContentRef(EVENT), { kind: 'event', eventId: 'cd'.repeat(16) });
    assert.throws(() => parseContentRef('/tmp/v.mp4', 'asset "x"'), (error: CamtroveError) => error.code === 'CAMTROVE_ERR_INVALID_ASSETS' && error.message.startsWith('asset "x": '));
  });
});

describe('requestedExternalIds', () => {
  it('lists the distinct ids given, ignoring missing ones and a malformed array', () => {
    assert.deepEqual(requestedExternalIds({ externalIdArray: ['a', null, 'b', 'a', '', 3] }), ['a', 'b']);
    assert.deepEqual(requestedExternalIds({ externalIdArray: 'a' }), []);
    assert.deepEqual(requestedExternalIds({}), []);
  });
});
