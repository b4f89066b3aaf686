import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AnalysisRepository } from '../../src/adapters/db/analysis.repository.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/adapters/db/database.js';
import { ImportRepository, type ImportItemFacts } from '../../src/adapters/db/import.repository.js';
import { LockRepository, type LockHolder } from '../../src/adapters/db/lock.repository.js';
import { MediaRepository } from '../../src/adapters/db/media.repository.js';
import { shardOf } from '../../src/domain/import/shards.js';
import type { VideoInfo } from '../../src/domain/video-info.js';
import { createTestEnv, dialectName, type TestEnv } from '../helpers/test-library.js';

const info: VideoInfo = { format: 'mov,mp4,m4a,3gp,3g2,mj2', duration: 2, size: 10, bitRate: null, creationTime: null, video: null, audio: null, streams: [] };

function facts(n: number): ImportItemFacts {
  return { path: `/footage/CAM${n % 3}-x-${1_700_000_000 + n}.mp4`, pathKey: n.toString(16).padStart(64, '0'), size: 100 + n, mtimeMs: 5, cameraName: `CAM${n % 3}`, capturedAt: (1_700_000_000 + n) * 1000, timeSource: 'name', latitude: null, longitude: null };
}

describe(`import jobs and locks in the database (${dialectName})`, () => {
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

  it('appends items in shards that a later run keeps filling, and finds the job again by its request', async () => {
    const imports = new ImportRepository(database.db);
    const job = await imports.createJob({ id: '1'.repeat(32), requestKey: 'k'.repeat(64), request: { folders: ['/footage'] }, segment: false, shardSize: 4, createdAt: 1000 });
    const first = await imports.appendItems(job, [0, 1, 2, 3, 4, 5].map(facts), (seq) => shardOf(seq, 4), 1000);
    assert.deepEqual(first.map((i) => [i.seq, i.shard]), [[0, 0], [1, 0], [2, 0], [3, 0], [4, 1], [5, 1]]);
    const again = (await imports.jobForRequest('k'.repeat(64)))!;
    assert.equal(again.itemCount, 6);
    const second = await imports.appendItems(again, [6, 7, 8].map(facts), (seq) => shardOf(seq, 4), 2000);
    assert.deepEqual(second.map((i) => [i.seq, i.shard]), [[6, 1], [7, 1], [8, 2]]);
    assert.equal((await imports.getJob(job.id))!.itemCount, 9);
    assert.equal(await imports.jobForRequest('z'.repeat(64)), null);
    const items = await imports.items(job.id);
    assert.deepEqual(items.map((i) => i.seq), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(items[3], { ...facts(3), jobId: job.id, seq: 3, shard: 0, cameraId: null, fileId: null, state: 'discovered', outcome: null, analysisId: null, error: null, updatedAt: 1000, analysisState: null });
    await assert.rejects(imports.appendItems(again, [facts(2)], (seq) => seq, 3000), 'one path appears once per job');
  });

  it('records a stored file, its media and its item together, and counts items by shard and segmentation state', async () => {
    const imports = new ImportRepository(database.db);
    const media = new MediaRepository(database.db);
    const analyses = new AnalysisRepository(database.db);
    const job = await imports.createJob({ id: '2'.repeat(32), requestKey: 'j'.repeat(64), request: {}, segment: true, shardSize: 2, createdAt: 1000 });
    await imports.appendItems(job, [10, 11, 12].map(facts), (seq) => shardOf(seq, 2), 1000);
    const fileId = 'f'.repeat(64);
    // The library knew the media already, without a camera: the import fills the camera in.
    await media.upsert({ id: fileId, info, now: 1 });
    const file = { id: fileId, size: 110, name: 'a.mp4', contentType: 'video/mp4', createdAt: 5 };
    const stored = { jobId: job.id, seq: 0, file, cameraId: 'CAM1', capturedAt: 42_000, timeSource: 'name' as const, latitude: 48.5, longitude: -2.25, info, duplicate: false, bytesWereNew: false, now: 2000 };
    assert.equal(await imports.recordStored(stored), 'already_imported');
    assert.equal(await imports.recordStored({ ...stored, seq: 1, duplicate: true }), 'duplicate');
    const kept = (await media.get(fileId))!;
    assert.deepEqual([kept.cameraId, kept.capturedAt, kept.latitude, kept.longitude], ['CAM1', 42_000, 48.5, -2.25]);
    // A later import of the same bytes never overwrites what the library says.
    await imports.recordStored({ ...stored, seq: 1, cameraId: 'OTHER', capturedAt: 7 });
    assert.equal((await media.get(fileId))!.cameraId, 'CAM1');

    await analyses.insert({ id: 'a'.repeat(32), fileId, analysis: 'segment', model: null, params: {}, now: 3000 });
    await imports.linkAnalysis(job.id, 0, 'a'.repeat(32), 3000);
    await imports.markFailed(job.id, 2, 'the file is empty (0 bytes)', 3000);
    const counts = await imports.shardStateCounts(job.id);
    assert.deepEqual(
      counts.map((c) => [c.shard, c.state, c.analysisState, c.count]).sort(),
      [[0, 'stored', 'PENDING', 1], [0, 'stored', null, 1], [1, 'failed', null, 1]].sort(),
    );
    assert.equal(await analyses.latestLive(fileId, 'segment'), 'a'.repeat(32));
    assert.deepEqual(await imports.failures(job.id, 10), [{ seq: 2, path: facts(12).path, reason: 'the file is empty (0 bytes)' }]);
    const extent = await imports.jobExtent(job.id);
    assert.deepEqual(extent, { cameras: ['CAM0', 'CAM1', 'CAM2'], earliest: 7, latest: facts(12).capturedAt }, 'the times this job read, whatever the library kept');
  });

  it('lists jobs newest first, a page at a time', async () => {
    const imports = new ImportRepository(database.db);
    const all = [];
    for (let page = await imports.listJobs({ limit: 1 }); ; page = await imports.listJobs({ limit: 1, after: page.next })) {
      all.push(...page.items.map((j) => j.id));
      if (!page.next) break;
    }
    assert.deepEqual(all, ['2'.repeat(32), '1'.repeat(32)].sort().reverse());
  });

  it('gives a lock to one holder at a time, and to another once it lapses or its process is gone', async () => {
    const locks = new LockRepository(database.db);
    const holder = (name: string, at: number): LockHolder => ({ holder: name, host: 'h', pid: 1, purpose: `import by ${name}`, acquiredAt: at, expiresAt: at + 100 });
    const attempts = await Promise.all(['a', 'b', 'c', 'd'].map((name) => locks.acquire('import', holder(name, 1000), () => false)));
    assert.equal(attempts.filter((a) => a.acquired).length, 1, 'exactly one of four concurrent callers');
    const owner = (await locks.holder('import'))!;
    const refused = await locks.acquire('import', holder('e', 1050), () => false);
    assert.deepEqual(refused, { acquired: false, holder: owner });
    assert.equal((await locks.acquire('import', holder('e', 1050), (h) => h.holder === owner.holder)).acquired, true, 'its process is gone');
    assert.equal(await locks.renew('import', owner.holder, 5000), false, 'the old holder lost it');
    assert.equal(await locks.renew('import', 'e', 1200), true);
    assert.equal((await locks.acquire('import', holder('f', 1300), () => false)).acquired, true, 'it lapsed at 1200');
    await locks.release('import', 'e');
    assert.equal((await locks.holder('import'))!.holder, 'f', 'a release by a former holder changes nothing');
    await locks.release('import', 'f');
    assert.equal(await locks.holder('import'), null);
  });
});
