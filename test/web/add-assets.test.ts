// The project page reads its URL form line by line and counts the events a search would add.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsToAdd, parseUrlLines } from '../../web/src/projects/add-assets.js';

describe('what the project page adds', () => {
  it('reads one URL a line with an optional external id, named by its file name otherwise', () => {
    const { assets, errors } = parseUrlLines('https://example.org/cams/night%201.mp4\n\n  http://example.org/b.mp4   second night \nhttps://example.org/\n');
    assert.deepEqual(errors, []);
    assert.deepEqual(assets, [
      { url: 'https://example.org/cams/night%201.mp4', externalId: 'night 1.mp4' },
      { url: 'http://example.org/b.mp4', externalId: 'second night' },
      { url: 'https://example.org/', externalId: 'example.org' },
    ]);
  });

  it('names each line that is not an http or https URL', () => {
    assert.deepEqual(parseUrlLines('file:///etc/passwd\nnot a url').errors, ['Line 1: “file:///etc/passwd” is not an http or https URL.', 'Line 2: “not” is not an http or https URL.']);
  });

  it('counts only the events whose asset the project lacks', () => {
    assert.equal(eventsToAdd(['a', 'b', 'c'], new Set(['event:b', 'b'])), 2);
  });
});
