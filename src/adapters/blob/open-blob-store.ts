import { join } from 'node:path';
import type { Config } from '../../config/config.js';
import { formatStorageLocation, type StorageLocation } from '../../domain/storage-location.js';
import type { BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local.blob-store.js';

export interface OpenedBlobStore {
  store: BlobStore;
  /** What start-up removed: temp files and staging objects of uploads that are gone. */
  leftovers: string[];
  /** `<data>/blobs` or `s3://bucket/prefix`, for messages. */
  description: string;
  close(): Promise<void>;
}

type StorageConfig = Pick<Config, 'dataDir' | 's3ForcePathStyle' | 'storageCacheBytes'>;

/**
 * The blob store of a storage location (the configured one unless another is given): the data
 * folder's `blobs/`, or a bucket of an S3-compatible store (its client loaded only then).
 */
export async function openBlobStore(config: StorageConfig, location: StorageLocation): Promise<OpenedBlobStore> {
  if (location.kind === 'local') {
    const root = join(config.dataDir, 'blobs');
    const store = new LocalBlobStore(root);
    return { store, leftovers: await store.init(), description: root, close: () => Promise.resolve() };
  }
  const [{ createS3Client }, { S3BlobStore }] = await Promise.all([import('./s3-client.js'), import('./s3.blob-store.js')]);
  const { client, endpoint } = await createS3Client({ forcePathStyle: config.s3ForcePathStyle });
  const store = new S3BlobStore({ client, endpoint, bucket: location.bucket, prefix: location.prefix, cacheDir: join(config.dataDir, 'cache'), cacheBytes: config.storageCacheBytes });
  try {
    return { store, leftovers: await store.init(), description: formatStorageLocation(location), close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
