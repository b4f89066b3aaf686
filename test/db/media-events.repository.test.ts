import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/adapters/db/database.js';
import { migrations } from '../../src/adapters/db/migrations/index.js';
import { EventRepository, type EventRecord } from '../../src/adapters/db/event.repository.js';
import { MediaRepository } from '../../src/adapters/db/media.repository.js';
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
    const events = new EventRepository(database.db);
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

  it('gives events recorded before searches existed their search columns, from their JSON', async () => {
    const old = await createTestEnv();
    const handle = openDatabase(old.config());
    try {
      const names = Object.keys(migrations);
      const before007 = Object.fromEntries(Object.entries(migrations).slice(0, names.indexOf('2026-12-01-007-event-search')));
      const schema = handle.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(handle.db)).rows[0]!.s : undefined;
      const migrator = new Migrator({ db: handle.db, provider: { getMigrations: () => Promise.resolve(before007) }, migrationTableName: 'camtrove_migrations', migrationLockTableName: 'camtrove_migrations_lock', ...(schema ? { migrationTableSchema: schema } : {}) });
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      const motion = motionEvent(10, 16, { directionDeg: 135, speed: 0.25 });
      const [media, data] = ['d'.repeat(64), JSON.stringify({ motion: { ...motion, zones: ['gate', 'road_1'] }, colors: [{ name: 'red' }, { name: 'grey' }] })];
      await sql`INSERT INTO events (id, media_id, analysis_id, camera_id, start_s, end_s, started_at, ended_at, score, peak_motion, direction, thumbnail_file_id, clip_file_id, data, created_at)
        VALUES (${'1'.repeat(32)}, ${media}, NULL, 'gate', 10, 16, ${1_700_000_010_000}, ${1_700_000_016_000}, 0.5, 1, 'SE', NULL, NULL, ${data}, 5),
               (${'2'.repeat(32)}, ${media}, NULL, 'gate', 10, 16, NULL, NULL, 0.5, 1, 'SE', NULL, NULL, ${data}, 5)`.execute(handle.db);
      await migrateToLatest(handle);
      const rows = await handle.db.selectFrom('events').select(['id', 'at_ms', 'duration_s', 'direction_deg', 'speed', 'colors', 'zones', 'heat0', 'heat7']).orderBy('id').execute();
      // The default test heatmap moves along the diagonal: cells 0 and 17 in word 0, 238 and 255 in word 7.
      const diagonal = [1 + 2 ** 17, 2 ** 14 + 2 ** 31];
      assert.deepEqual(rows.map((r) => [r.id[0], Number(r.at_ms), r.duration_s, r.direction_deg, r.speed, r.colors, r.zones, Number(r.heat0), Number(r.heat7)]), [
        ['1', 1_700_000_010_000, 6, 135, 0.25, ',red,grey,', ',gate,road_1,', ...diagonal],
        ['2', 5, 6, 135, 0.25, ',red,grey,', ',gate,road_1,', ...diagonal],
      ]);
      // The JSON moved to event_data, whole: the events read back as they were.
      const [first] = await new EventRepository(handle.db).listForMedia(media);
      assert.deepEqual([first?.motion.box, first?.colors.map((c) => c.name)], [motion.box, ['red', 'grey']]);
    } finally {
      await handle.close();
      await old.cleanup();
    }
  });
});
