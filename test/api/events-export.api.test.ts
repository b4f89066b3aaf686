import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { EventRepository } from '../../src/adapters/db/event.repository.js';
import type { Library } from '../../src/main.js';
import { camtroveBin, Processes } from '../helpers/cli.js';
import { eventRecord, motionEvent } from '../helpers/events.js';
import { listen } from '../helpers/http.js';
import { dialectName, openTestLibrary, type TestEnv } from '../helpers/test-library.js';

const T = Date.UTC(2026, 10, 30, 22);
/** More than two export pages (1,000 events each). */
const COUNT = 2345;
const id = (n: number) => n.toString(16).padStart(32, '0');
/** Markup, quotes, a comma, a formula, and text outside ASCII: each must come back as it was. */
const TRICKY = ['<b>"deer" & fawn</b>', "it's, well", '=HYPERLINK("http://x")', 'renard roux ü'];

interface Exported {
  id: string;
  camera_name: string | null;
  earliest_date: string | null;
  labels: { name: string }[];
}

describe(`event export (${dialectName})`, () => {
  const processes = new Processes();
  let library: Library & { env: TestEnv; dispose(): Promise<void> };
  let api: Awaited<ReturnType<typeof listen>>;

  before(async () => {
    library = await openTestLibrary();
    api = await listen(library);
    await library.cameras.add({ id: 'gate', type: 'import', name: 'Gate <north>, "old"' });
    const events = new EventRepository(library.database);
    // One event a minute from 22:00 UTC: the export spans two days.
    const media = 'a'.repeat(64);
    await events.replaceForMedia(media, Array.from({ length: COUNT }, (_, k) => eventRecord(id(k + 1), media, motionEvent(k * 60, k * 60 + 5), { cameraId: 'gate', startedAt: T + k * 60_000, endedAt: T + k * 60_000 + 5000 })));
    for (const [k, name] of TRICKY.entries()) await events.addLabel(id(k + 1), { name, score: 0.5, source: 'user' }, 1);
    await events.addLabel(id(COUNT), { name: 'last', score: null, source: 'user' }, 1);
  });
  after(async () => {
    await processes.killAll();
    await api.close();
    await library.dispose();
  });

  const exported = async (query: string) => {
    const response = await fetch(`${api.url}/api/events/export?${query}`);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };
  const allIds = Array.from({ length: COUNT }, (_, k) => id(k + 1));

  it('exports every event as one JSON document, summary after the events', async () => {
    const { status, type, text } = await exported('format=json&camera=gate');
    assert.equal(status, 200);
    assert.match(type!, /^application\/json/);
    const doc = JSON.parse(text) as { events: Exported[]; count: number; earliest_date: string; latest_date: string };
    assert.deepEqual(doc.events.map((e) => e.id), allIds);
    assert.equal(doc.count, COUNT);
    assert.equal(doc.earliest_date, new Date(T).toISOString());
    assert.equal(doc.latest_date, new Date(T + (COUNT - 1) * 60_000 + 5000).toISOString());
    assert.deepEqual(doc.events.slice(0, 4).map((e) => e.labels.map((l) => l.name)), TRICKY.map((t) => [t]));
    assert.equal(doc.events[0]!.camera_name, 'Gate <north>, "old"');
  });

  it('exports JSON Lines, one event per line, in the order asked for', async () => {
    const { text } = await exported('format=jsonl&sort=-time');
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Exported);
    assert.deepEqual(lines.map((e) => e.id), [...allIds].reverse());
  });

  it('exports CSV that a CSV library reads back whole, formulas guarded', async () => {
    const { type, text } = await exported('format=csv');
    assert.match(type!, /^text\/csv/);
    const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
    assert.deepEqual(rows.map((r) => r.id), allIds);
    assert.deepEqual(rows.slice(0, 4).map((r) => r.labels), [TRICKY[0], TRICKY[1], `'${TRICKY[2]}`, TRICKY[3]], 'a label that starts like a formula is shown, not run');
    assert.equal(rows[0]!.camera_name, 'Gate <north>, "old"');
    assert.equal(rows[0]!.earliest_date, new Date(T).toISOString());
    assert.equal(rows[0]!.colors, 'red');
    assert.deepEqual([rows[0]!.box_x, rows[0]!.duration], ['0.1', '5']);
  });

  it('exports well-formed XML that an XML parser reads back whole, markup escaped', async () => {
    const { type, text } = await exported('format=xml');
    assert.match(type!, /^application\/xml/);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['event', 'label', 'color', 'zone'].includes(name) }).parse(text) as {
      events: { event: { id: string; camera: { name: string }; earliest_date: string; labels: { label?: { '#text': string; score: string }[] } }[]; summary: { count: string } };
    };
    const events = parsed.events.event;
    assert.deepEqual(events.map((e) => e.id), allIds);
    assert.deepEqual(events.slice(0, 4).map((e) => e.labels.label?.map((l) => l['#text'])), TRICKY.map((t) => [t]));
    assert.equal(events[0]!.camera.name, 'Gate <north>, "old"');
    assert.equal(parsed.events.summary.count, String(COUNT));
  });

  it('groups labels by day for one camera (--by-date)', async () => {
    const { status, text } = await exported('by_date=true&camera=gate');
    assert.equal(status, 200, text);
    const doc = JSON.parse(text) as { labels: Record<string, { labels: string[]; camera: { name: string } }>; earliest_date: string };
    assert.deepEqual(Object.keys(doc.labels), ['2026-11-30', '2026-12-01', '2026-12-02']);
    assert.deepEqual(doc.labels['2026-11-30'], { labels: [...TRICKY].sort(), camera: { name: 'Gate <north>, "old"' } });
    assert.deepEqual(doc.labels['2026-12-02']!.labels, ['last']);
    assert.equal(doc.earliest_date, new Date(T).toISOString());

    // A second camera: one day cannot name two, so the export asks for one camera.
    const events = new EventRepository(library.database);
    await events.replaceForMedia('b'.repeat(64), [eventRecord(id(COUNT + 1), 'b'.repeat(64), motionEvent(0, 1), { cameraId: 'yard', startedAt: T, endedAt: T + 1000 })]);
    try {
      const mixed = await exported('by_date=true');
      assert.equal(mixed.status, 400);
      assert.match((JSON.parse(mixed.text) as { error: { message: string } }).error.message, /^by_date: the events come from 2 or more cameras/);
      assert.equal((await exported('by_date=true&camera=yard')).status, 200);
    } finally {
      await events.replaceForMedia('b'.repeat(64), []);
    }
  });

  it('refuses a bad format or filter with 400 before sending anything', async () => {
    for (const [query, message] of [['format=pdf', /^format: "pdf" is not one of json, jsonl, csv, xml/], ['format=csv&direction=sideways', /^direction: /]] as const) {
      const { status, text } = await exported(query);
      assert.equal(status, 400, query);
      assert.match((JSON.parse(text) as { error: { message: string } }).error.message, message);
    }
  });

  it('writes an export file from the command line, whole or not at all', async () => {
    const file = join(library.env.dir, 'events.csv');
    const run = await processes.run(['events', 'export', '--format', 'csv', '--camera', 'gate', '-o', file], library.env.env());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`exported ${COUNT} events to `));
    assert.deepEqual((parseCsv(await readFile(file), { columns: true }) as { id: string }[]).map((r) => r.id), allIds);
    assert.ok(!existsSync(`${file}.part`));

    const refused = await processes.run(['events', 'export', '--format', 'pdf', '-o', join(library.env.dir, 'no.pdf')], library.env.env());
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /format: "pdf" is not one of/);
    assert.ok(!existsSync(join(library.env.dir, 'no.pdf')) && !existsSync(join(library.env.dir, 'no.pdf.part')));
  });

  it('stops quietly when its reader stops reading (| head)', async () => {
    const child = spawn(process.execPath, [camtroveBin, 'events', 'export', '--format', 'jsonl'], { env: library.env.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // The first line read, the pipe is closed: more than a pipe's buffer was still to come.
    const [first] = (await once(child.stdout, 'data')) as [Buffer];
    child.stdout.destroy();
    const [code] = (await once(child, 'exit')) as [number];
    assert.match(first.toString(), /^\{"id":/);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });
});
