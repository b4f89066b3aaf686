import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';

/** The Redis every test shares; each test keeps to keys under its own prefix. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** A prefix no other test uses. */
export function uniquePrefix(): string {
  return `test-${randomBytes(6).toString('hex')}`;
}

/** Deletes every key under `prefix` (never anything else: the Redis is shared). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * A TCP relay to a Redis, standing for the network of one process. `sever()` is that process dying:
 * its connections drop at once, new ones are refused, and the clients stop reconnecting (so commands
 * issued afterwards fail instead of waiting), so nothing it does afterwards reaches Redis.
 */
export interface SeverableLink {
  url: string;
  redisOptions: RedisOptions;
  sever(): Promise<void>;
  close(): Promise<void>;
}

export async function severableLink(targetPort: number): Promise<SeverableLink> {
  const sockets = new Set<Socket>();
  let severed = false;
  const server: Server = createServer((client) => {
    if (severed) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stopServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    url: `redis://127.0.0.1:${port}`,
    redisOptions: { retryStrategy: (times) => (severed ? null : Math.min(times * 50, 500)) },
    async sever() {
      severed = true;
      for (const socket of sockets) socket.destroy();
      await stopServer();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (!severed) await stopServer();
    },
  };
}

/** A redis-server of a test's own, persisting every write (AOF, fsync always), that can be killed and restarted. */
export interface OwnRedis {
  port: number;
  url: string;
  /** SIGKILL: no chance to save anything but what the AOF already has. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnRedis(extraArgs: string[] = []): Promise<OwnRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'camtrove-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const launch = async () => {
    // The binary itself, not a shell around it, so a SIGKILL reaches Redis.
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, '--save', '', ...extraArgs], { stdio: 'ignore' });
    await waitForPing(port);
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: launch,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      if ((await redis.ping()) === 'PONG') return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    } finally {
      redis.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
