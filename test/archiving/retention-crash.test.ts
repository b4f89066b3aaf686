import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { BlobStore } from '../../src/adapters/blob/blob-store.js';
import { LocalBlobStore } from '../../src/adapters/blob/local.blob-store.js';
import { FileRepository } from '../../src/adapters/db/file.repository.js';
import { FrameRepository } from '../../src/adapters/db/frame.repository.js';
import type { Camera } from '../../src/domain/cameras/camera.js';
import { openLibrary, type Library } from '../../src/main.js';
import { FileService } from '../../src/services/file.service.js';
import { FrameRetention } from '../../src/services/frame-retention.js';
import { LibraryFrameSink } from '../../src/services/library-frame-sink.js';
import { filesBelow } from '../helpers/api.js';
import { createTestEnv } from '../helpers/test-library.js';

/** The ids of the blobs on disk, and of the file rows. */
async function inventory(library: Library): Promise<{ blobs: string[]; rows: string[] }> {
  const blobs = (await filesBelow(join(library.config.dataDir, 'blobs'))).filter((p) => !p.startsWith('tmp')).map((p) => p.split('/').pop()!).sort();
  const rows = (await library.database.db.selectFrom('files').select('id').execute()).map((r) => r.id).sort();
  return { blobs, rows };
}

describe('item 9: retention\'s blob deletions are durable', () => {
  it('a crash between the deletion of trimmed files\' rows and of their blobs is finished by the next start: no orphan blob, no row without its blob', { timeout: 60_000 }, async () => {
    const env = await createTestEnv();
    try {
      const config = env.config();
      const first = await openLibrary(config, { logger: pino({ level: 'silent' }) });
      const frames = new FrameRepository(first.database.db);
      const sink = new LibraryFrameSink(first.files, frames, first.clock);
      const jpegs = Array.from({ length: 6 }, (_, i) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(2000 + i)]));
      for (const [i, bytes] of jpegs.entries()) {
        await sink.save({ cameraId: 'dock', capturedAtMicros: (1_700_000_000_000 + i * 1000) * 1000, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: 'image/jpeg', width: null, height: null, changeScore: 100 });
      }
      assert.equal((await inventory(first)).rows.length, 6);

      // The process "dies" right after the rows went: every blob unlink fails.
      const store = new LocalBlobStore(join(config.dataDir, 'blobs'));
      const crashing: BlobStore = Object.assign(Object.create(store) as LocalBlobStore, { delete: () => Promise.reject(new Error('simulated crash before the blob was unlinked')) });
      const retention = new FrameRetention(frames, new FileService(crashing, new FileRepository(first.database.db), first.clock), first.clock);
      const camera = { id: 'dock', retentionDays: null, retentionBytes: 2 * 2100 } as Camera;
      await retention.sweep([camera]).catch(() => undefined);
      const kept = await frames.forCamera('dock');
      assert.equal(kept.length, 2, 'the oldest frames beyond the limit were trimmed');
      const trimmed = jpegs.map((b) => createHash('sha256').update(b).digest('hex')).filter((id) => !kept.some((f) => f.fileId === id));
      const before = await inventory(first);
      assert.deepEqual(before.rows, kept.map((f) => f.fileId).sort(), 'their rows went');
      for (const id of trimmed) assert.ok(before.blobs.includes(id), 'their blobs are still on disk (the crash)');
      await first.close();

      // The next start finishes the deletions it finds recorded.
      const second = await openLibrary(config, { logger: pino({ level: 'silent' }) });
      try {
        const after = await inventory(second);
        assert.deepEqual(after.blobs, after.rows, 'every blob has a row and every row its blob');
        assert.deepEqual(after.rows, kept.map((f) => f.fileId).sort());
        assert.deepEqual(await second.database.db.selectFrom('blob_deletions').selectAll().execute(), []);
      } finally {
        await second.close();
      }
    } finally {
      await env.cleanup();
    }
  });
});
