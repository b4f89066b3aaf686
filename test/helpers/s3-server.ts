import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** An S3 emulator on loopback, with the settings a camtrove process needs to reach it. */
export interface S3Server {
  name: string;
  endpoint: string;
  /** AWS_* variables for a camtrove subprocess. */
  env: Record<string, string>;
  /** Whether it implements UploadPartCopy (fauxqs does not). */
  copiesParts: boolean;
  /** A new client (each destroyed by stop, if its user did not); `at` sends it elsewhere with the same settings. */
  client(at?: string): S3Client;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** s3rver's fixed credentials. */
const S3RVER_KEY = 'S3RVER';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

/** @20minutes/s3rver: objects on disk, in a temp folder of its own. */
export async function startS3rver(): Promise<S3Server> {
  const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverClass;
  const directory = await mkdtemp(join(tmpdir(), 'camtrove-s3rver-'));
  // s3rver signs bucket requests without the trailing slash the SDK signs (`/bucket/`), so their
  // signatures never match; it still refuses unknown access keys.
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, allowMismatchedSignatures: true });
  const { port } = await server.run();
  return describe('s3rver', `http://127.0.0.1:${port}`, S3RVER_KEY, true, async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });
}

/** fauxqs: objects in memory; embedded, because its command line listens on every interface. */
export async function startFauxqs(): Promise<S3Server> {
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return describe('fauxqs', `http://127.0.0.1:${port}`, 'fauxqs', false, () => app.close());
}

function describe(name: string, endpoint: string, key: string, copiesParts: boolean, close: () => Promise<void>): S3Server {
  const env = { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: key, AWS_REGION: 'us-east-1' };
  const clients: S3Client[] = [];
  const client = (at = endpoint) => {
    // As camtrove's own factory configures one for a custom endpoint (see s3-client.ts).
    const made = new S3Client({
      endpoint: at,
      region: env.AWS_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: key, secretAccessKey: key },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    clients.push(made);
    return made;
  };
  return {
    name,
    endpoint,
    env,
    copiesParts,
    client,
    createBucket: async (bucket) => {
      await client().send(new CreateBucketCommand({ Bucket: bucket }));
    },
    stop: async () => {
      for (const made of clients) made.destroy();
      await close();
    },
  };
}
