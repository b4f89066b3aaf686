import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../src/adapters/blob/local.blob-store.js';
import { blobStoreContract } from './blob-store.contract.js';

blobStoreContract('local folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-blobs-'));
  const store = new LocalBlobStore(dir);
  await store.init();
  return {
    store,
    leftovers: () => readdir(join(dir, 'tmp')),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
