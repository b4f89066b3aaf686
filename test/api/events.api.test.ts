import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventRepository } from '../../src/adapters/db/event.repository.js';
import { ImportRepository } from '../../src/adapters/db/import.repository.js';
import type { Library } from '../../src/main.js';
import { Processes } from '../helpers/cli.js';
import { eventRecord, motionEvent } from '../helpers/events.js';
import { listen } from '../helpers/http.js';
import { dialectName, openTestLibrary, type TestEnv } from '../helpers/test-library.js';

const T = Date.UTC(2026, 10, 30);
const [A, B, C] = ['a', 'b', 'c'].map((c) => c.repeat(64)) as [string, string, string];
const id = (n: number) => n.toString(16).padStart(32, '0');
/** An object of event 1, its numbers unrounded as the tracker leaves them. */
const walker = { id: 1, start: 0.20000000000000001, end: 3.4000000000000004, boxes: [{ time: 0.2, box: { x: 0.123456, y: 0.5, w: 0.05, h: 0.15 } }, { time: 3.4000000000000004, box: { x: 0.654321, y: 0.49999, w: 0.05, h: 0.15 } }] };

interface Page {
  events: { id: string; camera_id: string | null; camera_name: string | null; started_at: string | null; duration: number; score: number; direction: string | null; heatmap?: unknown; objects?: unknown }[];
  next: string | null;
}

describe(`event search (${dialectName})`, () => {
  const processes = new Processes();
  let library: Library & { env: TestEnv; dispose(): Promise<void> };
  let api: Awaited<ReturnType<typeof listen>>;
  let events: EventRepository;

  before(async () => {
    library = await openTestLibrary();
    api = await listen(library);
    events = new EventRepository(library.database);
    await library.cameras.add({ id: 'gate', type: 'import', name: 'Front gate' });
    // Media A (gate, captured at T): a short eastward event and a long northward one. Media B (yard,
    // an hour later): southward. Media C (gate, no capture time): still, placed by when it was recorded.
    await events.replaceForMedia(A, [
      eventRecord(id(1), A, motionEvent(0, 4, { score: 0.9, directionDeg: 90, direction: 'E', objects: [walker] }), { cameraId: 'gate', startedAt: T, endedAt: T + 4000 }),
      eventRecord(id(2), A, motionEvent(100, 130, { score: 0.3, directionDeg: 350, direction: 'N', zones: ['roadX1'] }), { cameraId: 'gate', startedAt: T + 100_000, endedAt: T + 130_000 }),
    ]);
    const blue = { rgb: [20, 40, 200] as [number, number, number], hex: '#1428c8', name: 'blue', share: 0.6 };
    // Its only moving cell: row 2, column 13 (the top right).
    const heatmap = Array.from({ length: 256 }, (_, cell) => (cell === 2 * 16 + 13 ? 0.5 : 0));
    await events.replaceForMedia(B, [eventRecord(id(3), B, motionEvent(0, 2, { score: 0.6, directionDeg: 180, direction: 'S', zones: ['road_1', 'gate'], heatmap }), { cameraId: 'yard', startedAt: T + 3_600_000, endedAt: T + 3_602_000, colors: [blue] })]);
    await events.replaceForMedia(C, [eventRecord(id(4), C, motionEvent(5, 8, { score: 0.5, directionDeg: null, direction: null }), { cameraId: 'gate', createdAt: 50 })]);
    // Import job site4 holds media B.
    const imports = new ImportRepository(library.database.db);
    const job = await imports.createJob({ id: 'site4', requestKey: 'k', request: {}, segment: true, shardSize: 10, createdAt: 1 });
    await imports.appendItems(job, [{ path: '/card/yard-1.mp4', pathKey: 'f'.repeat(64), size: 1, mtimeMs: 1, cameraName: 'yard', capturedAt: null, timeSource: null, latitude: null, longitude: null }], () => 0, 1);
    await library.database.db.updateTable('import_items').set({ file_id: B, state: 'stored' }).where('job_id', '=', 'site4').execute();
  });
  after(async () => {
    await processes.killAll();
    await api.close();
    await library.dispose();
  });

  const search = async (query: string): Promise<{ status: number; body: Page & { error?: { code: string; message: string } } }> => {
    const response = await fetch(`${api.url}/api/events?${query}`);
    return { status: response.status, body: (await response.json()) as Page & { error?: { code: string; message: string } } };
  };
  const ids = async (query: string) => {
    const { status, body } = await search(query);
    assert.equal(status, 200, JSON.stringify(body));
    return body.events.map((e) => Number.parseInt(e.id, 16));
  };

  it('filters by camera, overlapping time, score, duration, direction, media and import job, each alone and together', async () => {
    assert.deepEqual(await ids(''), [4, 1, 2, 3], 'time order; an event without capture time by when it was recorded');
    assert.deepEqual(await ids('camera=gate'), [4, 1, 2]);
    assert.deepEqual(await ids('camera=gate&camera=yard'), [4, 1, 2, 3]);
    assert.deepEqual(await ids('camera=yard,nowhere'), [3]);
    assert.deepEqual(await ids(`from=${new Date(T + 2000).toISOString()}&to=${new Date(T + 101_000).toISOString()}`), [1, 2], 'overlapping the window, not only starting in it');
    assert.deepEqual(await ids('from=2026-11-30T00:00:05Z'), [2, 3], 'events without a capture time never match a time filter');
    assert.deepEqual(await ids('min_score=0.55&sort=score'), [1, 3]);
    assert.deepEqual(await ids('min_duration=10'), [2]);
    assert.deepEqual(await ids('max_duration=2.5'), [3]);
    assert.deepEqual(await ids('direction=N'), [2]);
    assert.deepEqual(await ids('direction=east'), [1]);
    assert.deepEqual(await ids('direction=300-60'), [2], 'an arc through north');
    assert.deepEqual(await ids('direction=90-200'), [1, 3]);
    assert.deepEqual(await ids(`media=${B}`), [3]);
    assert.deepEqual(await ids('job=site4'), [3]);
    assert.deepEqual(await ids('camera=gate&min_score=0.4&direction=E&to=2026-12-01'), [1]);
    assert.deepEqual(await ids('sort=-time'), [3, 2, 1, 4]);
    assert.deepEqual(await ids('sort=score'), [1, 3, 4, 2]);
  });

  it('answers events with their camera\'s name and UTC times, and one event with its detail and links', async () => {
    const { body } = await search('camera=gate&limit=2');
    assert.deepEqual(body.events.map((e) => [e.camera_id, e.camera_name, e.started_at, e.duration]), [['gate', 'Front gate', null, 3], ['gate', 'Front gate', new Date(T).toISOString(), 4]]);
    assert.equal(body.events[0]!.heatmap, undefined, 'lists leave out the per-frame detail');
    assert.equal(body.events[1]!.objects, undefined, 'and the objects');

    const one = (await (await fetch(`${api.url}/api/events/${id(1)}`)).json()) as Record<string, unknown>;
    assert.equal(one.media_id, A);
    assert.equal(one.ended_at, new Date(T + 4000).toISOString());
    assert.deepEqual(one.links, { media: `/api/files/${A}`, thumbnail: null, clip: null });
    assert.equal((one.heatmap as unknown[]).length, 16);
    assert.deepEqual(one.objects, [{ id: 1, start: 0.2, end: 3.4, boxes: [{ t: 0.2, x: 0.1235, y: 0.5, w: 0.05, h: 0.15 }, { t: 3.4, x: 0.6543, y: 0.5, w: 0.05, h: 0.15 }] }]);
    const missing = await fetch(`${api.url}/api/events/${id(99)}`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'CAMTROVE_ERR_EVENT_NOT_FOUND');
  });

  it('answers an event stored before objects were tracked with none', async () => {
    const { motion, colors } = eventRecord(id(2), A, motionEvent(100, 130, { score: 0.3, directionDeg: 350, direction: 'N', zones: ['roadX1'] }));
    const { objects: _objects, ...before } = motion;
    await library.database.db.updateTable('event_data').set({ data: JSON.stringify({ motion: before, colors }) }).where('event_id', '=', id(2)).execute();
    const one = (await (await fetch(`${api.url}/api/events/${id(2)}`)).json()) as Record<string, unknown>;
    assert.deepEqual(one.objects, []);
    assert.deepEqual([one.score, one.direction, one.zones], [0.3, 'N', ['roadX1']], 'the rest of the event as stored');
  });

  it('pages with a cursor that stays stable while new events arrive, and refuses one from another search', async () => {
    const first = await search('limit=2');
    assert.deepEqual(first.body.events.map((e) => Number.parseInt(e.id, 16)), [4, 1]);
    // One event lands before the page's end, one after it: the next pages neither repeat nor skip.
    await events.replaceForMedia('d'.repeat(64), [
      eventRecord(id(5), 'd'.repeat(64), motionEvent(0, 1), { cameraId: 'road', startedAt: T - 86_400_000, endedAt: T - 86_399_000 }),
      eventRecord(id(6), 'd'.repeat(64), motionEvent(7200, 7201), { cameraId: 'road', startedAt: T + 7_200_000, endedAt: T + 7_201_000 }),
    ]);
    try {
      const second = await search(`limit=2&after=${first.body.next}`);
      assert.deepEqual(second.body.events.map((e) => Number.parseInt(e.id, 16)), [2, 3]);
      const third = await search(`limit=2&after=${second.body.next}`);
      assert.deepEqual(third.body.events.map((e) => Number.parseInt(e.id, 16)), [6]);
      assert.equal(third.body.next, null);

      const other = await search(`limit=2&camera=gate&after=${first.body.next}`);
      assert.equal(other.status, 400);
      assert.match(other.body.error!.message, /^after: this cursor belongs to another search/);
    } finally {
      await events.replaceForMedia('d'.repeat(64), []);
    }
  });

  it('filters by dominant colour and by zone, names matched whole', async () => {
    assert.deepEqual(await ids('color=blue'), [3]);
    assert.deepEqual(await ids('color=red&color=blue'), [4, 1, 2, 3]);
    assert.deepEqual(await ids('zone=road_1'), [3], '"_" is a letter here, not a LIKE wildcard');
    assert.deepEqual(await ids('zone=gate&camera=yard'), [3]);
    assert.deepEqual(await ids('zone=road'), []);
  });

  it('filters by the region of the frame an event moved in', async () => {
    assert.deepEqual(await ids('roi=0.75,0.1,0.25,0.1'), [3]);
    assert.deepEqual(await ids('roi=0,0,0.1,0.1'), [4, 1, 2], 'the others move along the diagonal');
    assert.deepEqual(await ids('roi=0,0.5,0.4,0.5'), [], 'the bottom left: nobody');
    assert.deepEqual(await ids('roi=0,0,1,1&camera=yard'), [3]);
  });

  it('labels events one by one and by search, finds them by label, and escapes nothing away', async () => {
    const label = (event: number, body: unknown) => fetch(`${api.url}/api/events/${id(event)}/labels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const fox = '<b>"fox" & co</b>';
    let answer = (await (await label(1, { name: 'deer', score: 0.9 })).json()) as { labels: unknown[] };
    assert.deepEqual(answer.labels, [{ name: 'deer', score: 0.9, source: 'user' }]);
    answer = (await (await label(1, { name: 'deer', score: 0.5 })).json()) as { labels: unknown[] };
    assert.deepEqual(answer.labels, [{ name: 'deer', score: 0.5, source: 'user' }], 'the same name again changes the score');
    await label(3, { name: 'deer' });
    await label(3, { name: fox });
    assert.deepEqual(await ids('label=deer'), [1, 3]);
    assert.deepEqual(await ids(`label=deer&label=${encodeURIComponent(fox)}`), [1, 3]);
    assert.deepEqual(await ids(`label=deer&label=${encodeURIComponent(fox)}&label_match=all`), [3]);
    const listed = (await search(`label=${encodeURIComponent(fox)}`)).body.events[0] as unknown as { labels: { name: string }[] };
    assert.deepEqual(listed.labels.map((l) => l.name), [fox, 'deer'], 'markup and quotes come back as they were given, in code-point order');

    const remove = (event: number, name: string) => fetch(`${api.url}/api/events/${id(event)}/labels/${encodeURIComponent(name)}`, { method: 'DELETE' });
    assert.deepEqual(await (await remove(1, 'deer')).json(), { removed: true });
    assert.deepEqual(await (await remove(1, 'deer')).json(), { removed: false });
    assert.equal((await remove(99, 'deer')).status, 404);
    assert.equal((await label(99, { name: 'deer' })).status, 404);
    for (const bad of [{ name: '' }, { name: 'x'.repeat(101) }, { name: 'tab\there' }, { name: 'deer', score: 2 }]) {
      const refused = await label(1, bad);
      assert.equal(refused.status, 400, JSON.stringify(bad));
    }

    const bulk = (query: string, body: unknown) => fetch(`${api.url}/api/events/labels?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.deepEqual(await (await bulk('camera=gate', { name: 'gate camera' })).json(), { labelled: 3 });
    assert.deepEqual(await ids('label=gate%20camera'), [4, 1, 2]);
    const everything = await bulk('', { name: 'seen' });
    assert.equal(everything.status, 400);
    assert.match(((await everything.json()) as { error: { message: string } }).error.message, /^all: no filter was given/);
    assert.deepEqual(await (await bulk('all=true', { name: 'seen' })).json(), { labelled: 4 });

    // A new segmentation of media A makes new events: the old ones' labels go with them.
    await events.replaceForMedia(A, [eventRecord(id(7), A, motionEvent(0, 4), { cameraId: 'gate', startedAt: T, endedAt: T + 4000 })]);
    assert.deepEqual(await ids('label=gate%20camera'), [4]);
    const orphans = await library.database.db.selectFrom('event_labels').select('event_id').where('event_id', 'in', [id(1), id(2)]).execute();
    assert.deepEqual(orphans, []);
  });

  it('answers 400 naming the parameter for a bad value', async () => {
    for (const [query, message] of [
      ['from=2026-11-30T08:00', /^from: .*Z or an offset/],
      ['from=2026-12-02&to=2026-12-01', /^from: .* is not before to/],
      ['sort=camera', /^sort: /],
      ['direction=sideways', /^direction: /],
      ['min_score=high', /^min_score: /],
      ['limit=5000', /^limit: /],
      ['after=garbage', /^after: /],
      ['color=purpleish', /^color: "purpleish" is not one of black, white/],
      ['label_match=some', /^label_match: /],
      ['roi=0.5,0.5,0.6,0.1', /^roi: "0.5,0.5,0.6,0.1" is not a region/],
    ] as const) {
      const { status, body } = await search(query);
      assert.equal(status, 400, query);
      assert.equal(body.error?.code, 'CAMTROVE_ERR_INVALID_QUERY', query);
      assert.match(body.error.message, message, query);
    }
  });

  it('lists and labels the same events from the command line', async () => {
    const labelled = await processes.run(['events', 'label', id(3), 'heron', '--score', '0.7'], library.env.env());
    assert.equal(labelled.code, 0, labelled.stderr);
    assert.match(labelled.stdout, /heron \(0\.7\)/);
    const run = await processes.run(['events', 'ls', '--camera', 'yard', '--label', 'heron', '--sort=-time', '--json'], library.env.env());
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as Page).events.map((e) => Number.parseInt(e.id, 16)), [3]);
    const bad = await processes.run(['events', 'ls', '--direction', 'sideways'], library.env.env());
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /direction: "sideways" is neither a compass direction/);
  });
});
