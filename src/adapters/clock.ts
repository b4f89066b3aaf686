import { setTimeout as sleepFor } from 'node:timers/promises';

/**
 * Time as a dependency: what reads the time or waits for it takes a Clock, so its tests drive time
 * (test/helpers/manual-clock.ts) instead of sleeping, and their counts do not depend on how busy
 * the machine is.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Epoch microseconds, as precise as the clock can tell (frame capture times). */
  nowMicros(): number;
  /** Resolves once `ms` of this clock's time have passed; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  nowMicros: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
  sleep: (ms, signal) => sleepFor(ms, undefined, { signal }),
};
