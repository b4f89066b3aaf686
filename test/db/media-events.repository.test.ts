import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/adapters/db/database.js';
import { migrations } from '../../src/adapters/db/migrations/index.js';
import { EventRepository, type EventRecord } from '../../src/adapters/db/event.repository.js';
import { MediaRepository } from '../../src/adapters/db/media.repository.js';
import { parseEventQuery } from '../../src/domain/events/event-query.js';
import type { VideoInfo } from '../../src/domain/video-info.js';
import { eventRecord, motionEvent } from '../helpers/events.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

const info: VideoInfo = {
  format: 'mov,mp4,m4a,3gp,3g2,mj2',
  duration: 60,
  size: 1000,
  bitRate: null,
  creationTime: null,
  video: { codec: 'h264', width: 1920, height: 1080, displayWidth: 1920, displayHeight: 1080, fps: 25, frames: 1500, rotation: 0, pixelFormat: 'yuv420p' },
  audio: null,
  streams: [],
};

function event(id: string, mediaId: string, start: number): EventRecord {
  return eventRecord(id, mediaId, motionEvent(start, start + 4));
}

describe(`media and events repositories (${dialectName})`, () => {
  let env: TestEnv;
  let database: DatabaseHandle;
  before(async () => {
    env = await createTestEnv();
    database = openDatabase(env.config());
    await migrateToLatest(database);
  });
  after(async () => {
    await database.close();
    await env.cleanup();
  });

  it('keeps a media record, refreshing its facts without losing its camera and capture time', async () => {
    const media = new MediaRepository(database.db);
    const id = 'a'.repeat(64);
    const first = await media.upsert({ id, cameraId: 'gate', capturedAt: 1_700_000_000_000, info, now: 10 });
    assert.deepEqual([first.cameraId, first.capturedAt, first.info.video?.codec], ['gate', 1_700_000_000_000, 'h264']);
    const again = await media.upsert({ id, info: { ...info, duration: 61 }, now: 20 });
    assert.deepEqual([again.cameraId, again.capturedAt, again.info.duration, again.createdAt, again.updatedAt], ['gate', 1_700_000_000_000, 61, 10, 20]);
  });

  it('replaces a media item\'s events as a whole and reads them back in time order, every field intact', async () => {
    const events = new EventRepository(database);
    const mediaId = 'b'.repeat(64);
    const other = 'c'.repeat(64);
    await events.replaceForMedia(other, [event('e'.repeat(32), other, 1)]);
    // Start times of a long video need more than single-precision floats: 36000.123 must not become 36000.12.
    const many = Array.from({ length: 450 }, (_, i) => event(i.toString(16).padStart(32, '0'), mediaId, 36_000.123 + 450 - i));
    await events.replaceForMedia(mediaId, many);
    const stored = await events.listForMedia(mediaId);
    assert.equal(stored.length, 450);
    assert.deepEqual(stored.map((e) => e.motion.start), many.map((e) => e.motion.start).sort((a, b) => a - b));
    assert.deepEqual(stored.find((e) => e.id === many[0]!.id), many[0]);

    await events.replaceForMedia(mediaId, [event('f'.repeat(32), mediaId, 7)]);
    assert.deepEqual((await events.listForMedia(mediaId)).map((e) => e.id), ['f'.repeat(32)]);
    assert.equal((await events.listForMedia(other)).length, 1, 'other media keep their events');
  });

  it('gives events recorded before searches existed their search columns from their JSON, and labels their time', async () => {
    const old = await createTestEnv();
    const handle = openDatabase(old.config());
    try {
      const names = Object.keys(migrations);
      const schema = handle.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(handle.db)).rows[0]!.s : undefined;
      const migrateBefore = async (name: string) => {
        const earlier = Object.fromEntries(Object.entries(migrations).slice(0, names.indexOf(name)));
        const migrator = new Migrator({ db: handle.db, provider: { getMigrations: () => Promise.resolve(earlier) }, migrationTableName: 'camtrove_migrations', migrationLockTableName: 'camtrove_migrations_lock', ...(schema ? { migrationTableSchema: schema } : {}) });
        assert.equal((await migrator.migrateToLatest()).error, undefined);
      };
      await migrateBefore('2026-12-01-007-event-search');
      const motion = motionEvent(10, 16, { directionDeg: 135, speed: 0.25 });
      const [media, data] = ['d'.repeat(64), JSON.stringify({ motion: { ...motion, zones: ['gate', 'road_1'] }, colors: [{ name: 'red' }, { name: 'grey' }] })];
      await sql`INSERT INTO events (id, media_id, analysis_id, camera_id, start_s, end_s, started_at, ended_at, score, peak_motion, direction, thumbnail_file_id, clip_file_id, data, created_at)
        VALUES (${'1'.repeat(32)}, ${media}, NULL, 'gate', 10, 16, ${1_700_000_010_000}, ${1_700_000_016_000}, 0.5, 1, 'SE', NULL, NULL, ${data}, 5),
               (${'2'.repeat(32)}, ${media}, NULL, 'gate', 10, 16, NULL, NULL, 0.5, 1, 'SE', NULL, NULL, ${data}, 5)`.execute(handle.db);
      // Labels put on them before labels had a time (migration 008).
      await migrateBefore('2026-12-01-008-events-in-time-order');
      await sql`INSERT INTO event_labels (event_id, name, score, source, created_at) VALUES (${'1'.repeat(32)}, 'deer', 0.5, 'user', 7), (${'2'.repeat(32)}, 'deer', NULL, 'user', 7)`.execute(handle.db);
      await migrateToLatest(handle);
      const rows = await handle.db.selectFrom('events').select(['id', 'at_ms', 'duration_s', 'direction_deg', 'speed', 'colors', 'zones', 'heat0', 'heat7']).orderBy('id').execute();
      // The default test heatmap moves along the diagonal: cells 0 and 17 in word 0, 238 and 255 in word 7.
      const diagonal = [1 + 2 ** 17, 2 ** 14 + 2 ** 31];
      assert.deepEqual(rows.map((r) => [r.id[0], Number(r.at_ms), r.duration_s, r.direction_deg, r.speed, r.colors, r.zones, Number(r.heat0), Number(r.heat7)]), [
        ['1', 1_700_000_010_000, 6, 135, 0.25, ',red,grey,', ',gate,road_1,', ...diagonal],
        ['2', 5, 6, 135, 0.25, ',red,grey,', ',gate,road_1,', ...diagonal],
      ]);
      // The JSON moved to event_data, whole: the events read back as they were.
      const repository = new EventRepository(handle);
      const [first] = await repository.listForMedia(media);
      assert.deepEqual([first?.motion.box, first?.colors.map((c) => c.name)], [motion.box, ['red', 'grey']]);
      const labels = await handle.db.selectFrom('event_labels').select(['event_id', 'at_ms', 'camera_id']).orderBy('event_id').execute();
      assert.deepEqual(labels.map((l) => [l.event_id[0], Number(l.at_ms), l.camera_id]), [['1', 1_700_000_010_000, 'gate'], ['2', 5, 'gate']], 'labels take their event\'s place in time and camera');
      const found = await repository.search(parseEventQuery({ label: 'deer', sort: '-time' }), null);
      assert.deepEqual(found.events.map((e) => [e.id[0], e.labels.map((l) => l.name)]), [['1', ['deer']], ['2', ['deer']]]);
      assert.deepEqual((await repository.search(parseEventQuery({ label: 'deer', camera: 'gate' }), null)).events.map((e) => e.id[0]), ['2', '1']);
      if (handle.dialect === 'sqlite') {
        const table = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE name = 'events'`.execute(handle.db);
        assert.match(table.rows[0]!.sql, /primary key \("at_ms", "id"\)\) without rowid$/, 'stored in time order');
      } else {
        const index = await sql<{ indexdef: string }>`SELECT indexdef FROM pg_indexes WHERE indexname = 'events_at' AND schemaname = current_schema()`.execute(handle.db);
        assert.match(index.rows[0]!.indexdef, /INCLUDE \(camera_id, media_id, .*clip_file_id\)/, 'the time index carries what exports read');
      }
      // And back: 008 undone keeps every event and label, and done again gives the same answers.
      const all = new Migrator({ db: handle.db, provider: { getMigrations: () => Promise.resolve(migrations) }, migrationTableName: 'camtrove_migrations', migrationLockTableName: 'camtrove_migrations_lock', ...(schema ? { migrationTableSchema: schema } : {}) });
      assert.equal((await all.migrateDown()).error, undefined);
      assert.equal((await handle.db.selectFrom('events').select('id').execute()).length, 2);
      await migrateToLatest(handle);
      assert.deepEqual((await repository.search(parseEventQuery({ label: 'deer', sort: '-time' }), null)).events.map((e) => e.id[0]), ['1', '2']);
    } finally {
      await handle.close();
      await old.cleanup();
    }
  });
});
