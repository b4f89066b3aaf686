import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { startContinuousArchiving } from '../../src/archiving.js';
import { FrameRepository } from '../../src/adapters/db/frame.repository.js';
import type { ContinuousArchiver } from '../../src/services/continuous-archiver.js';
import { makeFrames, startCameraSimulator, type CameraSimulator } from '../helpers/camera-simulator.js';
import { openTestLibrary } from '../helpers/test-library.js';

const timing = { refreshMs: 300, claimMs: 1500, healthMs: 200, retentionMs: 400 };

/** Waits until `check` holds, up to `ms`; fails with `what`. */
async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

describe('continuous archiving (serve and worker)', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let cameras: CameraSimulator;
  const archivers: ContinuousArchiver[] = [];
  const start = async () => {
    const archiver = await startContinuousArchiving({ ...library, logger: pino({ level: 'silent' }) }, timing);
    archivers.push(archiver);
    return archiver;
  };

  before(async () => {
    library = await openTestLibrary({ archiveDiff: 0 });
    cameras = await startCameraSimulator(await makeFrames(6));
  });
  after(async () => {
    await Promise.all(archivers.map((a) => a.stop()));
    await cameras.close();
    await library.dispose();
  });

  it('archives each scheduled camera in exactly one process, follows changes, and hands cameras over', { timeout: 90_000 }, async () => {
    const frames = new FrameRepository(library.database.db);
    const count = async (id: string) => (await frames.forCamera(id, 100_000)).length;
    await library.cameras.add({ id: 'gate', type: 'snapshot', snapshot_url: `${cameras.url}/changing.jpg?cam=gate`, archive_interval: 1 });
    await library.cameras.add({ id: 'yard', type: 'snapshot', snapshot_url: `${cameras.url}/changing.jpg?cam=yard`, archive_interval: 1 });
    await library.cameras.add({ id: 'manual', type: 'snapshot', snapshot_url: `${cameras.url}/still.jpg` });
    const [first, second] = [await start(), await start()];
    await until('both cameras have frames', async () => (await count('gate')) >= 2 && (await count('yard')) >= 2);
    const owned = [...first.cameraIds(), ...second.cameraIds()].sort();
    assert.deepEqual(owned, ['gate', 'yard'], 'each scheduled camera once, across both processes; never the unscheduled one');
    assert.equal(await count('manual'), 0);

    await until('health is written', async () => ((await library.cameras.healthOf(['gate'])).get('gate')?.framesSaved ?? 0) >= 1);

    await library.cameras.update('gate', { enabled: false });
    await until('a disabled camera stops', async () => ![...first.cameraIds(), ...second.cameraIds()].includes('gate'));
    const frozen = await count('gate');
    await sleep(1500);
    assert.equal(await count('gate'), frozen, 'no frames after it was disabled');

    const holder = first.cameraIds().includes('yard') ? first : second;
    const other = holder === first ? second : first;
    await holder.stop();
    await until('the other process takes the camera over', async () => other.cameraIds().includes('yard'));
    const before = await count('yard');
    await until('and archives it', async () => (await count('yard')) > before);

    // A process that joins takes its share: the cameras are divided among the live processes.
    const spread = Array.from({ length: 12 }, (_, i) => `spread-${i}`);
    for (const id of spread) await library.cameras.add({ id, type: 'snapshot', snapshot_url: `${cameras.url}/changing.jpg?cam=${id}`, archive_interval: 5 });
    const third = await start();
    const all = ['yard', ...spread].sort();
    await until(
      'the cameras are divided between the two live processes, each archived by one',
      async () => other.cameraIds().length > 0 && third.cameraIds().length > 0 && [...other.cameraIds(), ...third.cameraIds()].sort().join() === all.join(),
      20_000,
    );
    assert.deepEqual(holder.cameraIds(), [], 'the stopped process archives nothing');
  });

  it('applies retention: the oldest frames beyond the byte limit go, and their blobs with them', { timeout: 90_000 }, async () => {
    const frameBytes = (await makeFrames(1)).jpegs[0]!.length + 20;
    const frames = new FrameRepository(library.database.db);
    await library.cameras.add({ id: 'dock', type: 'snapshot', snapshot_url: `${cameras.url}/unique.jpg`, archive_interval: 1, retention_bytes: frameBytes * 3 });
    const archiver = await start();
    const seen = new Set<string>();
    const blobPath = (id: string) => join(library.config.dataDir, 'blobs', id.slice(0, 2), id.slice(2, 4), id);
    const exists = (path: string) => access(path).then(() => true, () => false);
    await until('frames beyond the limit were trimmed and their blobs deleted', async () => {
      const kept = await frames.forCamera('dock');
      for (const frame of kept) seen.add(frame.fileId);
      const keptIds = new Set(kept.map((f) => f.fileId));
      const trimmed = [...seen].filter((id) => !keptIds.has(id));
      if (trimmed.length < 3 || kept.length > 4) return false;
      for (const id of trimmed) if (await exists(blobPath(id))) return false;
      return true;
    }, 40_000);
    const kept = await frames.forCamera('dock');
    assert.ok(kept.reduce((sum, f) => sum + f.size, 0) <= frameBytes * 4, 'within the limit (one frame may arrive between sweeps)');
    for (const frame of kept) assert.ok(await exists(blobPath(frame.fileId)), 'the kept frames\' bytes are all there');
    await archiver.stop();
  });
});
