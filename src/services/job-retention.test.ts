import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { JobRetention } from './job-retention.js';

const clock = { now: () => 10_000_000, nowMicros: () => 10_000_000_000, sleep: () => Promise.resolve() };

describe('job retention', () => {
  it('prunes what finished before now minus the time kept, batch after batch until a batch is short', async () => {
    const calls: [number, number][] = [];
    const left = [1000, 1000, 7];
    const retention = new JobRetention({ prune: async (before, limit) => (calls.push([before, limit]), left.shift() ?? 0) }, clock, 60_000);
    assert.equal(await retention.sweep(), 2007);
    assert.deepEqual(calls, [[9_940_000, 1000], [9_940_000, 1000], [9_940_000, 1000]]);
  });

  it('sweeps at once and then on its interval; a failed sweep is logged and the next one runs', async () => {
    let calls = 0;
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const retention = new JobRetention({ prune: async () => (calls += 1) === 1 ? Promise.reject(new Error('database is locked')) : 3 }, clock, 60_000);
    const running = retention.start(logger, 20);
    await new Promise((resolve) => setTimeout(resolve, 70));
    await running.stop();
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(after >= 3, `${after} sweeps`);
    assert.equal(calls, after, 'none once stopped');
    assert.match(lines[0] ?? '', /could not delete old finished jobs/);
    assert.match(lines[1] ?? '', /deleted 3 finished jobs/);
  });
});
