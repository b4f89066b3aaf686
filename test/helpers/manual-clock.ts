import { setTimeout as realDelay, setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../../src/adapters/clock.js';

interface Sleeper {
  at: number;
  seq: number;
  wake: () => void;
}

/**
 * A Clock whose time moves only when the test says: code under test sleeps on it, and
 * `runUntil` wakes the sleepers one at a time in time order, letting everything the waking starts
 * (real I/O included) finish before time moves again. Counts of ticks, frames and misses then
 * follow from the schedule alone, however slow the machine is.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly sleepers: Sleeper[] = [];

  constructor(startMs = Math.floor(Date.now() / 1000) * 1000) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  nowMicros(): number {
    return this.time * 1000;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { at: this.time + Math.max(0, ms), seq: (this.seq += 1), wake: () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      } };
      const onAbort = () => {
        const at = this.sleepers.indexOf(sleeper);
        if (at >= 0) this.sleepers.splice(at, 1);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Sleepers not yet woken. */
  get pending(): number {
    return this.sleepers.length;
  }

  /**
   * Drives time until `work` settles: waits until `settled()` holds (the woken code's real I/O is
   * done), then wakes the next sleeper, moving time to its moment. `settled` defaults to "nothing
   * left to do on this turn of the event loop"; a test whose code does real I/O says when that is
   * done. Time never moves backwards, and never moves while `settled()` is false. With `paced`,
   * it also never runs ahead of real time: for drivers whose cameras change in real time (a live
   * stream's next segment), so that two ticks a second apart of this clock are a second apart.
   */
  async runUntil<T>(work: Promise<T>, { settled = () => true, paced = false, realLimitMs = 120_000 }: { settled?: () => boolean; paced?: boolean; realLimitMs?: number } = {}): Promise<T> {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    const [startedAt, startedReal] = [this.time, performance.now()];
    const giveUpAt = startedReal + realLimitMs;
    for (;;) {
      await this.settle(settled, () => done, giveUpAt);
      if (done) return work;
      const next = this.sleepers.reduce<Sleeper | undefined>((first, s) => (!first || s.at < first.at || (s.at === first.at && s.seq < first.seq) ? s : first), undefined);
      if (!next) {
        // Nothing sleeps on this clock: what is left waits on real I/O.
        await Promise.race([watched.catch(() => undefined), realDelay(5)]);
        if (performance.now() > giveUpAt) throw new Error(`ManualClock: still running after ${realLimitMs} ms of real time with nothing asleep on the clock`);
        continue;
      }
      const ahead = next.at - startedAt - (performance.now() - startedReal);
      if (paced && ahead > 0) await realDelay(ahead);
      this.sleepers.splice(this.sleepers.indexOf(next), 1);
      this.time = Math.max(this.time, next.at);
      next.wake();
    }
  }

  /** Lets the woken code run (a few turns of the event loop), then waits for `settled` or `done`. */
  private async settle(settled: () => boolean, done: () => boolean, giveUpAt: number): Promise<void> {
    for (let turn = 0; turn < 5; turn += 1) await nextTurn();
    while (!settled() && !done()) {
      if (performance.now() > giveUpAt) throw new Error('ManualClock: the code under test never settled');
      await realDelay(2);
    }
    for (let turn = 0; turn < 5; turn += 1) await nextTurn();
  }
}
