import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/adapters/db/database.js';
import { EventRepository, type EventRecord } from '../../src/adapters/db/event.repository.js';
import { MediaRepository } from '../../src/adapters/db/media.repository.js';
import type { MotionEvent } from '../../src/domain/motion/motion-types.js';
import type { VideoInfo } from '../../src/domain/video-info.js';
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

function motion(start: number, end: number): MotionEvent {
  const box = { x: 0.1, y: 0.2, w: 0.3, h: 0.4 };
  return {
    start, end, motionStart: start, motionEnd: end, motionFrames: 10, peakMotionPct: 2.5, meanMotionPct: 1.25, box,
    boxTrack: [{ time: start, box }], trajectory: [{ time: start, point: { x: 0.25, y: 0.4 } }], directionDeg: 90, direction: 'E', speed: 0.1,
    heatmap: Array.from({ length: 256 }, (_, i) => (i % 17 === 0 ? 1 : 0)), zones: ['gate'], score: 0.8, peakTime: start + 1, peakBox: box,
  };
}

function event(id: string, mediaId: string, start: number): EventRecord {
  return { id, mediaId, analysisId: null, cameraId: null, motion: motion(start, start + 4), colors: [{ rgb: [200, 30, 30], hex: '#c81e1e', name: 'red', share: 0.7 }], startedAt: null, endedAt: null, thumbnailFileId: null, clipFileId: null, createdAt: 1 };
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
});
