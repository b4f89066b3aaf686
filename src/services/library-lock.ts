import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../adapters/clock.js';
import type { LockHolder, LockRepository } from '../adapters/db/lock.repository.js';
import { CamtroveError } from '../domain/errors.js';
import { processExists } from '../adapters/process-identity.js';

/** A lock held by this process: renewed in the background until released. */
export interface HeldLock {
  /** Aborted if the lock is lost (the library was out of reach for longer than the lock lasts and another process took it). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** Who asks for a lock. */
export interface LockClaim {
  holder: string;
  host: string;
  pid: number;
  purpose: string;
}

/**
 * Named locks of a library: its database, or a camtrove server's (`import --server`). The lock
 * keeper sets the times, so machines with different clocks agree on when a lock lapses.
 */
export interface LockPort {
  /** Takes the lock, unless someone `isGone` does not give up holds it. */
  acquire(name: string, claim: LockClaim, isGone: (holder: LockHolder) => boolean): Promise<{ acquired: true } | { acquired: false; holder: LockHolder }>;
  /** Extends the lock; false when it is no longer this holder's. */
  renew(name: string, holder: string): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

export const LOCK_TTL_MS = 60_000;
const RENEW_MS = 10_000;

/** The locks table of a library database, with times from the given clock. */
export function databaseLocks(locks: LockRepository, clock: Clock): LockPort {
  return {
    acquire(name, claim, isGone) {
      const now = clock.now();
      return locks.acquire(name, { ...claim, acquiredAt: now, expiresAt: now + LOCK_TTL_MS }, isGone);
    },
    renew: (name, holder) => locks.renew(name, holder, clock.now() + LOCK_TTL_MS),
    release: (name, holder) => locks.release(name, holder),
  };
}

/**
 * Takes a named lock in the library, or fails naming who holds it. A holder that was killed frees
 * the lock after a minute, or at once for a process on the same host (its pid is gone).
 */
export async function acquireLibraryLock(locks: LockPort, name: string, purpose: string, describe: (holder: LockHolder) => string): Promise<HeldLock> {
  const host = hostname();
  const me: LockClaim = { holder: randomBytes(16).toString('hex'), host, pid: process.pid, purpose };
  const result = await locks.acquire(name, me, (holder) => holder.host === host && !processExists(holder.pid));
  if (!result.acquired) throw new CamtroveError('CAMTROVE_ERR_LOCKED', describe(result.holder));
  const lost = new AbortController();
  const timer = setInterval(() => {
    locks.renew(name, me.holder).then(
      (held) => {
        if (!held) lost.abort(new CamtroveError('CAMTROVE_ERR_LOCKED', `the ${name} lock was lost (the library was out of reach for over ${LOCK_TTL_MS / 1000} s and another process took it); stopped`));
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
