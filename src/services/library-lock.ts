import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../adapters/clock.js';
import type { LockHolder, LockRepository } from '../adapters/db/lock.repository.js';
import { CamtroveError } from '../domain/errors.js';

/** A lock held by this process: renewed in the background until released. */
export interface HeldLock {
  /** Aborted if the lock is lost (the database was unreachable for longer than the lock lasts and another process took it). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

const TTL_MS = 60_000;
const RENEW_MS = 10_000;

/**
 * Takes a named lock in the library, or fails naming who holds it. A holder that was killed frees
 * the lock after a minute, or at once for a process on the same host (its pid is gone).
 */
export async function acquireLibraryLock(locks: LockRepository, name: string, purpose: string, clock: Clock, describe: (holder: LockHolder) => string): Promise<HeldLock> {
  const host = hostname();
  const now = clock.now();
  const me: LockHolder = { holder: randomBytes(16).toString('hex'), host, pid: process.pid, purpose, acquiredAt: now, expiresAt: now + TTL_MS };
  const result = await locks.acquire(name, me, (holder) => holder.host === host && !processRunning(holder.pid));
  if (!result.acquired) throw new CamtroveError('CAMTROVE_ERR_LOCKED', describe(result.holder));
  const lost = new AbortController();
  const timer = setInterval(() => {
    locks.renew(name, me.holder, clock.now() + TTL_MS).then(
      (held) => {
        if (!held) lost.abort(new CamtroveError('CAMTROVE_ERR_LOCKED', `the ${name} lock was lost (the database was out of reach for over ${TTL_MS / 1000} s and another process took it); stopped`));
      },
      // A failed renewal is retried at the next tick; the lock lasts several of them.
      () => undefined,
    );
  }, RENEW_MS);
  timer.unref();
  return {
    lost: lost.signal,
    async release() {
      clearInterval(timer);
      await locks.release(name, me.holder);
    },
  };
}

function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
