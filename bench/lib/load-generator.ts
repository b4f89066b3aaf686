// Open-loop HTTP load generator, run as its own process so it does not share an event loop with
// the server: sends GET requests at a fixed arrival rate whatever the server's answers do, and
// measures each latency from the moment the request was *due*, not from when it was sent, so a
// stalled server shows up in the percentiles (no coordinated omission).
//
// Usage: node --import tsx bench/lib/load-generator.ts '<json LoadSpec>'; prints a LoadResult as JSON.
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

export interface LoadSpec {
  /** http://127.0.0.1:port */
  origin: string;
  path: string;
  ratePerS: number;
  warmupS: number;
  durationS: number;
  /** Status the server must answer; anything else counts as an error. */
  expectStatus: number;
  connections: number;
}

export interface LoadResult {
  sent: number;
  errors: number;
  /** Sorted latencies (ms) from due time to the end of the response body, measured phase only. */
  latencies: number[];
  /** Sorted service times (ms) from actual send to the end of the response body. */
  serviceTimes: number[];
  achievedRatePerS: number;
  /** Largest delay (ms) between a request's due time and its send: the generator's own lag. */
  maxSendLagMs: number;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(spec.origin)) throw new Error(`the load generator only targets http://127.0.0.1:<port>, not ${spec.origin}`);
  const pool = new Pool(spec.origin, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const intervalMs = 1000 / spec.ratePerS;
  const warmupCount = Math.round(spec.warmupS * spec.ratePerS);
  const total = warmupCount + Math.round(spec.durationS * spec.ratePerS);
  const latencies: number[] = [];
  const serviceTimes: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  let maxSendLagMs = 0;
  let firstMeasuredSend = NaN;
  let lastSend = NaN;
  let next = 0;
  const start = now() + 20;

  const fire = (index: number, due: number) => {
    const sent = now();
    if (index === warmupCount) firstMeasuredSend = sent;
    if (index >= warmupCount) maxSendLagMs = Math.max(maxSendLagMs, sent - due);
    lastSend = sent;
    const done = pool
      .request({ method: 'GET', path: spec.path })
      .then(async (res) => {
        await res.body.dump();
        const end = now();
        if (index < warmupCount) return;
        if (res.statusCode !== spec.expectStatus) errors += 1;
        latencies.push(end - due);
        serviceTimes.push(end - sent);
      })
      .catch(() => {
        if (index >= warmupCount) errors += 1;
      });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  // Each tick sends every request whose due time has passed, then sleeps about a millisecond.
  while (next < total) {
    const t = now();
    while (next < total && start + next * intervalMs <= t) {
      fire(next, start + next * intervalMs);
      next += 1;
    }
    const wait = start + next * intervalMs - now();
    if (wait > 0) await delay(Math.min(wait, 1));
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const deadline = now() + 30_000;
  while (inFlight.size > 0 && now() < deadline) await Promise.race([...inFlight, delay(100)]);
  const unanswered = inFlight.size; // still unanswered after 30 s: errors, and no latency to show
  errors += unanswered;
  const measured = total - warmupCount;
  const elapsedS = (lastSend - firstMeasuredSend) / 1000;
  await (unanswered > 0 ? pool.destroy() : pool.close());
  latencies.sort((a, b) => a - b);
  serviceTimes.sort((a, b) => a - b);
  return { sent: measured, errors, latencies, serviceTimes, achievedRatePerS: (measured - 1) / elapsedS, maxSendLagMs };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  const result = await generateLoad(spec);
  process.stdout.write(JSON.stringify(result));
}
