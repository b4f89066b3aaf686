import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEventCursor, encodeEventCursor, parseDirection, parseEventQuery } from './event-query.js';

describe('event search parameters', () => {
  it('reads every filter, with defaults for the rest', () => {
    const query = parseEventQuery({ camera: ['gate', 'yard,road'], from: '2026-11-30', to: '2026-12-01T06:00:00+02:00', min_score: '0.5', min_duration: '2', max_duration: '30', direction: 'east', sort: '-time', limit: '50', media: 'AB'.repeat(32), job: 'site4' });
    assert.deepEqual(query, {
      cameras: ['gate', 'yard', 'road'],
      fromMs: Date.UTC(2026, 10, 30),
      toMs: Date.UTC(2026, 11, 1, 4),
      media: 'ab'.repeat(32),
      job: 'site4',
      minScore: 0.5,
      minDuration: 2,
      maxDuration: 30,
      direction: { fromDeg: 67.5, toDeg: 112.5 },
      colors: [],
      zones: [],
      labels: [],
      labelMatch: 'any',
      roi: null,
      sort: '-time',
      limit: 50,
    });
    assert.deepEqual(parseEventQuery({}), { cameras: [], fromMs: null, toMs: null, media: null, job: null, minScore: null, minDuration: null, maxDuration: null, direction: null, colors: [], zones: [], labels: [], labelMatch: 'any', roi: null, sort: 'time', limit: 100 });
    const named = parseEventQuery({ color: ['Red', 'blue,grey'], zone: 'gate,road_1', label: ['deer, young', 'fox'], label_match: 'all' });
    assert.deepEqual([named.colors, named.zones, named.labels, named.labelMatch], [['red', 'blue', 'grey'], ['gate', 'road_1'], ['deer, young', 'fox'], 'all'], 'labels keep their commas');
  });

  it('reads compass words and arcs of degrees, wrapping through north', () => {
    assert.deepEqual(parseDirection('N'), { fromDeg: 337.5, toDeg: 22.5 });
    assert.deepEqual(parseDirection('north-west'), { fromDeg: 292.5, toDeg: 337.5 });
    assert.deepEqual(parseDirection('SouthEast'), { fromDeg: 112.5, toDeg: 157.5 });
    assert.deepEqual(parseDirection('left'), { fromDeg: 247.5, toDeg: 292.5 });
    assert.deepEqual(parseDirection('45-135'), { fromDeg: 45, toDeg: 135 });
    assert.deepEqual(parseDirection('300..60'), { fromDeg: 300, toDeg: 60 });
  });

  it('names the parameter that is wrong, and why', () => {
    const cases: [Parameters<typeof parseEventQuery>[0], RegExp][] = [
      [{ from: '2026-11-30T08:00' }, /^from: .* is not a UTC ISO 8601 time: .*Z or an offset/],
      [{ to: 'yesterday' }, /^to: /],
      [{ from: '2026-12-02', to: '2026-12-01' }, /^from: 2026-12-02 is not before to \(2026-12-01\)/],
      [{ from: '2026-02-31' }, /^from: .* is not a real date/],
      [{ min_score: '2' }, /^min_score: "2" is not a number from 0 to 1/],
      [{ min_duration: '-1' }, /^min_duration: /],
      [{ min_duration: '10', max_duration: '5' }, /^min_duration: 10 s is longer than max_duration \(5 s\)/],
      [{ direction: 'sideways' }, /^direction: "sideways" is neither a compass direction/],
      [{ direction: '10-10' }, /^direction: /],
      [{ sort: 'camera' }, /^sort: "camera" is not one of time, -time, score/],
      [{ limit: '0' }, /^limit: /],
      [{ media: 'abc' }, /^media: "abc" is not a file id/],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => parseEventQuery(input), (error: Error & { code?: string }) => error.code === 'CAMTROVE_ERR_INVALID_QUERY' && message.test(error.message), JSON.stringify(input));
    }
  });

  it('reads numbers in plain decimal only: hex, padding, trailing text and empty values are refused', () => {
    const cases: [Parameters<typeof parseEventQuery>[0], RegExp][] = [
      [{ limit: '0x10' }, /^limit: "0x10" is not a whole number/],
      [{ limit: '1e1' }, /^limit: /],
      [{ limit: ' 5' }, /^limit: /],
      [{ min_score: '0x0' }, /^min_score: "0x0" is not a number/],
      [{ min_score: '' }, /^min_score: "" is not a number/],
      [{ min_duration: '5abc' }, /^min_duration: /],
      [{ max_duration: ' 5' }, /^max_duration: /],
      [{ roi: '0x0,0,0.5,0.5' }, /^roi: /],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => parseEventQuery(input), (error: Error & { code?: string }) => error.code === 'CAMTROVE_ERR_INVALID_QUERY' && message.test(error.message), JSON.stringify(input));
    }
    const read = parseEventQuery({ limit: '20', min_score: '0.5', min_duration: '1e1', roi: '0.5, 0, 0.5, 0.5' });
    assert.deepEqual([read.limit, read.minScore, read.minDuration, read.roi], [20, 0.5, 10, { x: 0.5, y: 0, w: 0.5, h: 0.5 }]);
  });

  it('ties a cursor to its search: the page size may change, the filters and order may not', () => {
    const query = parseEventQuery({ camera: 'gate', sort: 'score' });
    const cursor = encodeEventCursor(query, { key: 0.8125, id: 'a'.repeat(32) });
    assert.deepEqual(decodeEventCursor({ ...query, limit: 5 }, cursor), { key: 0.8125, id: 'a'.repeat(32) });
    assert.throws(() => decodeEventCursor(parseEventQuery({ camera: 'yard', sort: 'score' }), cursor), /CamtroveError: after: this cursor belongs to another search/);
    assert.throws(() => decodeEventCursor(parseEventQuery({ camera: 'gate' }), cursor), /CamtroveError: after: this cursor belongs to another search/);
    assert.throws(() => decodeEventCursor(query, 'bm9wZQ'), /CamtroveError: after: this is not a cursor camtrove gave/);
  });
});
