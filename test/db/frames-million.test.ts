import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { FrameRepository } from '../../src/adapters/db/frame.repository.js';
import { inTransaction } from '../../src/adapters/db/database.js';
import { dialectName, openTestLibrary } from '../helpers/test-library.js';

const FRAMES = 1_000_000;
const T = Date.UTC(2026, 0, 1);
/** Frame i: every fifth on "yard", the rest on "porch"; two frames a capture time, 100 ms apart. */
const capturedUs = (i: number) => (T + Math.floor(i / 2) * 100) * 1000;

/**
 * A million archived frames, inserted directly: a page of one camera's frames is one range scan of
 * the (camera_id, captured_at_us, id) index wherever it starts, so the last pages cost what the first
 * do. The plan is asserted on the database in use; the timings are printed (docs/benchmarks.md).
 */
describe(`browsing a million frames (${dialectName})`, () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let repository: FrameRepository;

  before(async () => {
    library = await openTestLibrary();
    repository = new FrameRepository(library.database.db);
    const started = performance.now();
    const postgres = library.database.dialect === 'postgres';
    const t = sql`CAST(${T} AS bigint)`;
    const id = postgres ? sql`lpad(to_hex(${t} + (i / 2) * 100), 12, '0') || lpad(to_hex(i), 20, '0')` : sql`printf('%012x%020x', ${t} + (i / 2) * 100, i)`;
    const camera = sql`CASE WHEN i % 5 = 0 THEN 'yard' ELSE 'porch' END`;
    const columns = sql`${id}, ${camera}, (${t} + (i / 2) * 100) * 1000, ${'ab'.repeat(32)}, 20000, 1280, 720, 0.5, 'image/jpeg', ${t}`;
    await inTransaction(library.database.db, async (trx) => {
      const insert = sql`INSERT INTO frames (id, camera_id, captured_at_us, file_id, size, width, height, change_score, content_type, created_at)`;
      if (postgres) await sql`${insert} SELECT ${columns} FROM generate_series(0, ${FRAMES - 1}) AS i`.execute(trx);
      else await sql`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${FRAMES - 1}) ${insert} SELECT ${columns} FROM n`.execute(trx);
    });
    await sql`ANALYZE frames`.execute(library.database.db);
    process.stdout.write(`# ${FRAMES} frames inserted in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  });
  after(() => library.dispose());

  /** The cursor of frame i of porch's, as a previous page would hand it out. */
  const after_ = (i: number) => ({ capturedAtMicros: capturedUs(i), id: (T + Math.floor(i / 2) * 100).toString(16).padStart(12, '0') + i.toString(16).padStart(20, '0') });
  const windows = {
    'first page': { fromMicros: null, toMicros: null, after: null, newestFirst: false },
    'a page from the middle': { fromMicros: null, toMicros: null, after: after_(500_001), newestFirst: false },
    'a page near the end': { fromMicros: null, toMicros: null, after: after_(999_001), newestFirst: false },
    'a window late in the day': { fromMicros: capturedUs(900_000), toMicros: capturedUs(950_000), after: null, newestFirst: false },
    'the latest frames': { fromMicros: null, toMicros: null, after: null, newestFirst: true },
    'a page back from the middle': { fromMicros: null, toMicros: null, after: after_(500_001), newestFirst: true },
  };

  it('reads each page from the index, in its order, wherever the page starts', async () => {
    for (const [name, window] of Object.entries(windows)) {
      const compiled = repository.pageQuery('porch', window, 101).compile();
      const explain = library.database.dialect === 'postgres' ? 'EXPLAIN ' : 'EXPLAIN QUERY PLAN ';
      const { rows } = await library.database.db.executeQuery<Record<string, string>>(CompiledQuery.raw(explain + compiled.sql, [...compiled.parameters]));
      const plan = rows.map((r) => r['QUERY PLAN'] ?? r.detail ?? JSON.stringify(r)).join('\n');
      assert.match(plan, /frames_camera_captured_id/, `${name}: the index is used\n${plan}`);
      assert.doesNotMatch(plan, /TEMP B-TREE|Sort|Seq Scan|SCAN frames(?! USING)/i, `${name}: no sort and no scan of the table\n${plan}`);
      if (window.after) {
        const bound = library.database.dialect === 'postgres' ? /Index Cond: .*ROW\(captured_at_us, \(?id\)?(::text)?\) [<>] ROW/ : /USING INDEX frames_camera_captured_id \(camera_id=\? AND \(captured_at_us,id\)[<>]\(\?,\?\)\)/;
        assert.match(plan, bound, `${name}: the cursor bounds the index range\n${plan}`);
      }
    }
  });

  it('answers the last pages as fast as the first', async () => {
    const timings: Record<string, number> = {};
    for (const [name, window] of Object.entries(windows)) {
      const page = await repository.page('porch', window, 100);
      assert.equal(page.length, 100, name);
      assert.ok(page.every((f) => f.cameraId === 'porch'), name);
      if (window.after && !window.newestFirst) assert.ok(page[0]!.capturedAtMicros >= window.after.capturedAtMicros && page[0]!.id > window.after.id, name);
      if (window.after && window.newestFirst) assert.ok(page[0]!.capturedAtMicros <= window.after.capturedAtMicros && page[0]!.id < window.after.id, name);
      if (window.newestFirst) assert.ok(page.every((f, i) => i === 0 || f.capturedAtMicros <= page[i - 1]!.capturedAtMicros), `${name}: newest first`);
      const runs: number[] = [];
      for (let k = 0; k < 21; k += 1) {
        const started = performance.now();
        await repository.page('porch', window, 100);
        runs.push(performance.now() - started);
      }
      timings[name] = runs.sort((a, b) => a - b)[10]!;
    }
    process.stdout.write(`# median ms for a page of 100 (${dialectName}): ${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}\n`);
    // Generous on a shared machine: a plan that read from the start would take hundreds of times longer.
    const first = timings['first page']!;
    for (const [name, ms] of Object.entries(timings)) assert.ok(ms < Math.max(10 * first, 25), `${name}: ${ms.toFixed(2)} ms against ${first.toFixed(2)} ms for the first page`);
  });
});
