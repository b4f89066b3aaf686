// The /events page keeps its search in the URL by the API's own parameter names: a bookmark, the
// search, the export and the bulk label must all read the same filters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterQuery, hasFilters, isoFromLocalInput, localInputValue, searchFromParams, searchQuery, searchToParams } from '../../web/src/events/event-search.js';

describe('the event search in the URL of the events page', () => {
  it('reads lists, single values and the sort, and writes them back the same', () => {
    const url = 'camera=gate&camera=porch&label=deer%2C+young&label=fox&color=red&min_score=0.5&zone=gate,road&direction=45-135&sort=score&event=abc';
    const search = searchFromParams(new URLSearchParams(url));
    assert.deepEqual(search.lists, { camera: ['gate', 'porch'], label: ['deer, young', 'fox'], color: ['red'] });
    assert.deepEqual(search.values, { min_score: '0.5', zone: 'gate,road', direction: '45-135' });
    assert.equal(search.sort, 'score');
    // The open event is the page's, not the search's.
    assert.equal(searchToParams(search).toString(), 'camera=gate&camera=porch&label=deer%2C+young&label=fox&color=red&min_score=0.5&direction=45-135&zone=gate%2Croad&sort=score');
    assert.deepEqual(searchQuery(search), { camera: ['gate', 'porch'], label: ['deer, young', 'fox'], color: ['red'], min_score: '0.5', direction: '45-135', zone: 'gate,road', sort: 'score' });
  });

  it('newest first unless told, with empty and unknown values left out', () => {
    const search = searchFromParams(new URLSearchParams('sort=camera&from=&to=+&label=&media='));
    assert.equal(search.sort, '-time');
    assert.equal(hasFilters(search), false);
    assert.deepEqual(filterQuery(search), {});
    assert.equal(searchToParams(search).toString(), '');
  });

  it('turns a datetime-local input\'s wall time into UTC and back', () => {
    const iso = isoFromLocalInput('2026-11-30T08:15');
    assert.equal(iso, new Date(2026, 10, 30, 8, 15).toISOString());
    assert.equal(localInputValue(iso), '2026-11-30T08:15');
    assert.equal(isoFromLocalInput(''), undefined);
    assert.equal(localInputValue('not a time'), '');
  });
});
