import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventRepository } from '../../src/adapters/db/event.repository.js';
import type { ExportEvent } from '../../src/domain/events/event-export.js';
import { parseEventQuery, type EventQueryInput } from '../../src/domain/events/event-query.js';
import type { Library } from '../../src/main.js';
import { eventRecord, motionEvent } from '../helpers/events.js';
import { dialectName, openTestLibrary, type TestEnv } from '../helpers/test-library.js';

const T = Date.UTC(2026, 5, 1);
const CAMERAS = ['north', 'south', 'east'];
const LABELS = ['deer', 'fox'];

interface Seeded {
  id: string;
  camera: string;
  atMs: number;
  labels: string[];
}

/**
 * Time-ordered searches by several cameras or by labels are answered by merging walks of their own
 * indexes, and exports read one statement a batch at a time, let it go when their reader is away and
 * go on after the last event it had. All are checked against the same answers worked out here, page
 * after page, in both directions, with many events sharing a start time (ties across page boundaries).
 */
describe(`event search plans and export batches (${dialectName})`, () => {
  let library: Library & { env: TestEnv; dispose(): Promise<void> };
  const seeded: Seeded[] = [];

  before(async () => {
    library = await openTestLibrary();
    const events = new EventRepository(library.database);
    let n = 0;
    for (const [m, camera] of CAMERAS.entries()) {
      const media = String(m + 1).repeat(64);
      const records = [];
      for (let k = 0; k < 120; k += 1, n += 1) {
        // Every fourth event starts at the same moment as others, on every camera.
        const atMs = k % 4 === 0 ? T : T + ((k * 7919 + m * 104_729) % 500) * 60_000;
        const id = n.toString(16).padStart(32, '0');
        records.push(eventRecord(id, media, motionEvent(k, k + 2), { cameraId: camera, startedAt: atMs, endedAt: atMs + 2000 }));
        seeded.push({ id, camera, atMs, labels: [] });
      }
      await events.replaceForMedia(media, records);
    }
    for (const [k, event] of seeded.entries()) {
      // A third have deer, a fifth fox, some both; labelled out of time order.
      if (k % 3 === 0) event.labels.push('deer');
      if (k % 5 === 0) event.labels.push('fox');
      for (const name of event.labels) await library.events.addLabel(event.id, { name, score: (k % 10) / 10 });
    }
  });
  after(() => library.dispose());

  const expected = (keep: (e: Seeded) => boolean, order: 'time' | '-time') =>
    seeded
      .filter(keep)
      .sort((a, b) => (a.atMs - b.atMs || (a.id < b.id ? -1 : 1)) * (order === 'time' ? 1 : -1))
      .map((e) => e.id);

  /** Every page of a search, `limit` at a time. */
  const allPages = async (query: EventQueryInput, limit: number) => {
    const found: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 1000; page += 1) {
      const answer = await library.events.search({ ...query, limit, ...(after ? { after } : {}) });
      assert.ok(answer.events.length <= limit);
      found.push(...answer.events.map((e) => e.id));
      if (!answer.next) return found;
      after = answer.next;
    }
    throw new Error('the pages did not end');
  };

  it('merges per-camera walks, oldest or newest first, page after page', async () => {
    for (const order of ['time', '-time'] as const) {
      const want = expected((e) => e.camera !== 'east', order);
      assert.equal(want.length, 240);
      for (const limit of [7, 50]) assert.deepEqual(await allPages({ camera: ['north', 'south'], sort: order }, limit), want, `${order}, ${limit} a page`);
    }
    const window = { from: new Date(T + 60 * 60_000).toISOString(), to: new Date(T + 200 * 60_000).toISOString() };
    const inWindow = (e: Seeded) => e.atMs + 2000 > T + 60 * 60_000 && e.atMs < T + 200 * 60_000;
    assert.deepEqual(await allPages({ camera: ['north', 'east'], ...window, sort: '-time' }, 9), expected((e) => e.camera !== 'south' && inWindow(e), '-time'));
  });

  it('merges per-label walks: any of them without repeating an event that has both, all of them, with other filters', async () => {
    for (const order of ['time', '-time'] as const) {
      const any = expected((e) => e.labels.length > 0, order);
      assert.ok(seeded.some((e) => e.labels.length === 2));
      for (const limit of [6, 100]) assert.deepEqual(await allPages({ label: LABELS, sort: order }, limit), any, `${order}, ${limit} a page`);
      assert.deepEqual(await allPages({ label: LABELS, label_match: 'all', sort: order }, 4), expected((e) => e.labels.length === 2, order));
      assert.deepEqual(await allPages({ label: ['fox'], camera: ['south', 'east'], sort: order }, 5), expected((e) => e.labels.includes('fox') && e.camera !== 'north', order));
    }
    const window = { from: new Date(T + 100 * 60_000).toISOString(), to: new Date(T + 300 * 60_000).toISOString() };
    assert.deepEqual(
      await allPages({ label: ['deer'], ...window, sort: '-time' }, 8),
      expected((e) => e.labels.includes('deer') && e.atMs + 2000 > T + 100 * 60_000 && e.atMs < T + 300 * 60_000, '-time'),
    );
  });

  it('exports every event once with exactly its own labels, in time order either way and by score', async () => {
    const exported = async (input: EventQueryInput) => {
      const { pieces } = await library.events.exportEvents(input, 'jsonl');
      let text = '';
      for await (const piece of pieces) text += piece;
      return text.trimEnd().split('\n').map((line) => JSON.parse(line) as ExportEvent);
    };
    const labelsOf = new Map(seeded.map((e) => [e.id, [...e.labels].sort()]));
    for (const sort of ['time', '-time', 'score']) {
      const lines = await exported({ sort });
      assert.equal(lines.length, seeded.length, sort);
      assert.equal(new Set(lines.map((e) => e.id)).size, seeded.length, `${sort}: no event twice`);
      for (const line of lines) assert.deepEqual(line.labels.map((l) => l.name), labelsOf.get(line.id), `${sort}: the labels of ${line.id}`);
      if (sort !== 'score') assert.deepEqual(lines.map((e) => e.id), expected(() => true, sort as 'time' | '-time'));
    }
    const south = await exported({ camera: ['south'], sort: '-time' });
    assert.deepEqual(south.map((e) => e.id), expected((e) => e.camera === 'south', '-time'));
    for (const line of south) assert.deepEqual(line.labels.map((l) => l.name), labelsOf.get(line.id));
  });

  it('lets an export\'s statement go while its reader is away, and goes on after the last event it had', async () => {
    let opened = 0;
    let closed = 0;
    const events = new EventRepository({
      ...library.database,
      cursor: (query) => {
        opened += 1;
        const rows = library.database.cursor(query);
        return { read: (count) => rows.read(count), close: () => ((closed += 1), rows.close()) };
      },
    });
    const order = expected(() => true, 'time');
    const batches = events.exportBatches(parseEventQuery({ sort: 'time' }), 50, 40);
    const first = await batches.next();
    assert.ok(!first.done);
    assert.deepEqual(first.value.map((e) => e.id), order.slice(0, 50));
    // Written while the statement is open (SQLite's readers do not hold back its writer): one event
    // before the reader's place, which it has passed, and one after everything, which it will reach.
    const added = 'f'.repeat(64);
    await events.replaceForMedia(added, [
      eventRecord('e'.repeat(32), added, motionEvent(0, 2), { cameraId: 'north', startedAt: T - 60_000, endedAt: T - 58_000 }),
      eventRecord('f'.repeat(32), added, motionEvent(0, 2), { cameraId: 'north', startedAt: T + 10 * 86_400_000, endedAt: T + 10 * 86_400_000 + 2000 }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(closed, 1, 'the statement was let go while its reader was away');
    const rest: string[] = [];
    for (let next = await batches.next(); !next.done; next = await batches.next()) rest.push(...next.value.map((e) => e.id));
    assert.deepEqual(rest, [...order.slice(50), 'f'.repeat(32)], 'the rest, once each, and the event added after the reader\'s place');
    assert.equal(opened, 2);
    assert.equal(closed, 2, 'the second statement was closed at the end');
    await events.replaceForMedia(added, []);
  });
});
