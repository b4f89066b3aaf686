import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { resolveConfig, type Config } from '../../src/config/config.js';
import { openLibrary, type Library } from '../../src/main.js';

/**
 * The suite runs on SQLite by default and on PostgreSQL when CAMTROVE_TEST_DATABASE_URL is set
 * (CI runs it both ways). Each test gets its own temp folder and, on PostgreSQL, its own schema.
 */
export const testDatabaseUrl = process.env.CAMTROVE_TEST_DATABASE_URL ?? '';
export const dialectName = testDatabaseUrl ? 'postgres' : 'sqlite';

export interface TestEnv {
  dir: string;
  /** Config values for this test's database and data folder, as flags or env would give them. */
  databaseUrl: string;
  config(overrides?: Partial<Record<keyof Config, string | number | boolean>>): Readonly<Config>;
  /** Environment variables that point a CLI subprocess at this test's library. */
  env(): NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** Fast queue timings so tests about retries, leases and polling finish quickly. */
export const fastQueue = { pollMs: 20, heartbeatMs: 100, leaseMs: 1000, retryBaseMs: 50, retryMaxMs: 200 } as const;

export async function createTestEnv(): Promise<TestEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-test-'));
  let databaseUrl = '';
  let schema: string | null = null;
  if (testDatabaseUrl) {
    schema = `t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    const url = new URL(testDatabaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = url.toString();
  }
  return {
    dir,
    databaseUrl,
    config: (overrides = {}) =>
      resolveConfig({ flags: { dataDir: join(dir, 'data'), databaseUrl, logLevel: 'silent', ...fastQueue, ...overrides } }),
    env: () => ({
      ...process.env,
      CAMTROVE_DATA: join(dir, 'data'),
      CAMTROVE_DATABASE_URL: databaseUrl,
      CAMTROVE_POLL: String(fastQueue.pollMs),
      CAMTROVE_HEARTBEAT: String(fastQueue.heartbeatMs),
      CAMTROVE_LEASE: String(fastQueue.leaseMs),
      CAMTROVE_RETRY_BASE: String(fastQueue.retryBaseMs),
      CAMTROVE_LOG_LEVEL: process.env.CAMTROVE_LOG_LEVEL ?? 'warn',
    }),
    async cleanup() {
      if (schema) {
        const client = new pg.Client({ connectionString: testDatabaseUrl });
        await client.connect();
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
        await client.end();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A library on a fresh test env; `close()` closes it and removes everything. */
export async function openTestLibrary(overrides?: Partial<Record<keyof Config, string | number | boolean>>): Promise<Library & { env: TestEnv; dispose(): Promise<void> }> {
  const env = await createTestEnv();
  const library = await openLibrary(env.config(overrides), { logger: pino({ level: 'silent' }) });
  return Object.assign(library, {
    env,
    async dispose() {
      await library.close();
      await env.cleanup();
    },
  });
}
