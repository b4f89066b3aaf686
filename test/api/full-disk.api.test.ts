import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { openLibrary } from '../../src/main.js';
import { filesBelow, type ApiError } from '../helpers/api.js';
import { fileForm, listen } from '../helpers/http.js';
import { createTestEnv } from '../helpers/test-library.js';
import { mountTmpfs } from '../helpers/tmpfs.js';

const MIB = 1024 * 1024;

/** Writes `path` until the disk refuses more. */
async function fillUp(path: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const chunk = randomBytes(64 * 1024);
    for (let i = 0; i < 100_000; i += 1) {
      const { bytesWritten } = await handle.write(chunk).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOSPC') return { bytesWritten: 0 };
        throw error;
      });
      if (bytesWritten < chunk.length) break;
    }
    // Whatever is left, down to the byte.
    for (let size = 32 * 1024; size >= 1; size = Math.floor(size / 2)) {
      for (let i = 0; i < 64; i += 1) {
        const written = await handle.write(Buffer.alloc(size, 1)).then((r) => r.bytesWritten, () => 0);
        if (written < size) break;
      }
    }
  } finally {
    await handle.close();
  }
}

describe('item 8: a full disk', () => {
  it('an upload onto a full disk answers 507 CAMTROVE_ERR_NO_SPACE and leaves no blob, temp file or row; a delete still works and frees space; then uploads work again', { timeout: 120_000 }, async (t) => {
    const env = await createTestEnv();
    const dataDir = join(env.dir, 'data');
    const unmount = await mountTmpfs(t, dataDir, '24m');
    if (!unmount) return env.cleanup();
    try {
      const library = await openLibrary(env.config(), { logger: pino({ level: 'silent' }) });
      const server = await listen(library);
      try {
        const upload = async (bytes: Buffer) => {
          const response = await fetch(`${server.url}/api/files`, { method: 'POST', body: fileForm(bytes, 'fill.bin') });
          return { status: response.status, body: (await response.json()) as { file_id: string } & Partial<ApiError> };
        };
        const stored: string[] = [];
        let refused: Awaited<ReturnType<typeof upload>> | null = null;
        for (let i = 0; i < 40 && !refused; i += 1) {
          const answer = await upload(randomBytes(MIB));
          if (answer.status === 200) stored.push(answer.body.file_id);
          else refused = answer;
        }
        assert.ok(refused, 'the disk filled up');
        assert.ok(stored.length >= 3, `${stored.length} uploads fit first`);
        assert.equal(refused.status, 507, JSON.stringify(refused.body));
        assert.equal(refused.body.error?.code, 'CAMTROVE_ERR_NO_SPACE');
        assert.match(refused.body.error?.message ?? '', /the disk holding the library is full/);

        const blobsDir = join(dataDir, 'blobs');
        assert.deepEqual(await filesBelow(join(blobsDir, 'tmp')), [], 'no temp file is left');
        const blobs = (await filesBelow(blobsDir)).filter((p) => !p.startsWith('tmp')).map((p) => p.split('/').pop()!).sort();
        const rows = (await library.database.db.selectFrom('files').select('id').execute()).map((r) => r.id).sort();
        assert.deepEqual(blobs, rows, 'no blob without its row, no row without its blob');
        assert.deepEqual(rows, [...stored].sort());

        // Deleting works on a disk with not a byte left (the refused upload left some room: take it).
        await fillUp(join(dataDir, 'filler'));
        const before = await statfs(dataDir);
        assert.ok(before.bavail * before.bsize < 64 * 1024, `the disk is full (${before.bavail * before.bsize} bytes free)`);
        const deleted = await fetch(`${server.url}/api/files/${stored[0]}`, { method: 'DELETE' });
        assert.equal(deleted.status, 200, await deleted.clone().text());
        const freed = await statfs(dataDir);
        assert.ok((freed.bavail - before.bavail) * freed.bsize >= MIB / 2, `the deletion freed ${(freed.bavail - before.bavail) * freed.bsize} bytes`);
        assert.equal((await fetch(`${server.url}/api/files/${stored[0]}`)).status, 404);

        const small = randomBytes(MIB / 2);
        const again = await upload(small);
        assert.equal(again.status, 200, JSON.stringify(again.body));
        assert.deepEqual(Buffer.from(await (await fetch(`${server.url}/api/files/${again.body.file_id}`)).arrayBuffer()), small);
      } finally {
        await server.close();
        await library.close();
      }
    } finally {
      await unmount();
      await env.cleanup();
    }
  });
});
