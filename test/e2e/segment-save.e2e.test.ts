import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { migrateToLatest, openDatabase } from '../../src/adapters/db/database.js';
import { Processes } from '../helpers/cli.js';
import { makeMotionClip } from '../helpers/media.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

interface SaveJson {
  media: { file_id?: string };
  events: { thumbnail_file_id?: string | null; clip_file_id?: string | null; objects?: unknown[] }[];
}

// The one part of `camtrove segment` that writes to the library, so it runs on each database
// (the rest of segment.e2e.test.ts uses none).
describe(`camtrove segment --save (${dialectName})`, () => {
  let env: TestEnv;
  let clip: string;
  const processes = new Processes();

  before(async () => {
    env = await createTestEnv();
    clip = await makeMotionClip(join(env.dir, 'crossing.mp4'), { seconds: 10, from: 3, to: 7 });
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  it('adds the video and its events to the library, replacing them when run again', async () => {
    const save = async () => {
      const result = await processes.run(['segment', clip, '--json', '--save'], env.env(), { timeoutMs: 60_000 });
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout) as SaveJson;
    };
    const first = await save();
    assert.match(first.media.file_id ?? '', /^[0-9a-f]{64}$/);
    assert.match(first.events[0]!.thumbnail_file_id ?? '', /^[0-9a-f]{64}$/);
    assert.match(first.events[0]!.clip_file_id ?? '', /^[0-9a-f]{64}$/);
    await save();
    const database = openDatabase(env.config());
    try {
      await migrateToLatest(database);
      const rows = await database.db.selectFrom('events').select(['id', 'media_id', 'thumbnail_file_id']).execute();
      assert.equal(rows.length, 1, 'the second run replaced the first one\'s events');
      assert.equal(rows[0]!.media_id, first.media.file_id);
      const files = await database.db.selectFrom('files').select('id').execute();
      assert.ok(files.some((f) => f.id === rows[0]!.thumbnail_file_id));
      // The square is one object, stored with the event as the JSON shows it.
      const [stored] = await database.db.selectFrom('event_data').select('data').execute();
      const { objects } = (JSON.parse(stored!.data) as { motion: { objects: { id: number; start: number; end: number; boxes: { time: number; box: { x: number } }[] }[] } }).motion;
      assert.deepEqual(objects.map((o) => o.id), [1], JSON.stringify(objects.map((o) => [o.start, o.end])));
      assert.ok(objects[0]!.start < 3.6 && objects[0]!.end > 6.4, `${objects[0]!.start}-${objects[0]!.end}`);
      assert.equal(objects[0]!.boxes[0]!.box.x, Number(objects[0]!.boxes[0]!.box.x.toFixed(4)));
      assert.equal(first.events[0]!.objects?.length, 1);
    } finally {
      await database.close();
    }
  });
});
