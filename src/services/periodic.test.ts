import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { runPeriodically } from './periodic.js';

describe('runPeriodically', () => {
  it('runs at once and then on its interval; a failed run is reported and the next one runs', async () => {
    let runs = 0;
    const errors: unknown[] = [];
    const running = runPeriodically(async () => {
      runs += 1;
      if (runs === 1) throw new Error('database is locked');
    }, 20, (error) => errors.push(error));
    await sleep(90);
    await running.stop();
    const stoppedAt = runs;
    await sleep(60);
    assert.ok(stoppedAt >= 3, `${stoppedAt} runs`);
    assert.equal(runs, stoppedAt, 'none once stopped');
    assert.deepEqual(errors.map((e) => (e as Error).message), ['database is locked']);
  });

  it('never overlaps runs, and stop aborts the run in progress and waits for it', async () => {
    let active = 0;
    let most = 0;
    let aborted = false;
    const running = runPeriodically(async (signal) => {
      active += 1;
      most = Math.max(most, active);
      await sleep(1000, undefined, { signal }).catch(() => (aborted = true));
      active -= 1;
    }, 10, () => undefined);
    await sleep(60);
    const started = Date.now();
    await running.stop();
    assert.ok(Date.now() - started < 500, 'stopped without waiting out the run');
    assert.deepEqual([most, active, aborted], [1, 0, true]);
  });

  it('waits firstAfterMs before the first run when asked, and stops cleanly before it', async () => {
    let runs = 0;
    const later = runPeriodically(async () => void (runs += 1), 20, () => undefined, { firstAfterMs: 80 });
    await sleep(40);
    assert.equal(runs, 0, 'not yet');
    await sleep(120);
    await later.stop();
    assert.ok(runs >= 2, `${runs} runs`);
    let never = 0;
    const stopped = runPeriodically(async () => void (never += 1), 20, () => undefined, { firstAfterMs: 50 });
    await stopped.stop();
    await sleep(100);
    assert.equal(never, 0, 'stopped before its first run');
  });
});
