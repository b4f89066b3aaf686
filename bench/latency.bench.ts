import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { fmt, median, percentile, projectRoot, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir } from './lib/files.js';
import type { LoadResult, LoadSpec } from './lib/load-generator.js';
import { startServer } from './lib/server.js';

const RATE_PER_S = 500;
const DURATION_S = 10;
const BASELINE_DURATION_S = 5;
const WARMUP_S = 2;
const GOAL_P99_MS = 10;

interface Figures {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * GET /analysis/<id> of a finished analysis at a fixed 500 requests/s against `camtrove serve`
 * (a child process), from an open-loop load generator in another process. The baseline is
 * GET /health on the same server at the same rate: Fastify's floor without a database read.
 */
export const latencyBenchmark: Benchmark = {
  name: 'latency',
  description: `GET /analysis/<id> latency at ${RATE_PER_S} requests/s, open loop, vs GET /health`,
  needsBuild: true,
  async run({ rounds, log }) {
    const dir = await makeTempDir('latency');
    try {
      const server = await startServer({ dataDir: join(dir.path, 'data'), logFile: join(dir.path, 'server.log') });
      try {
        const id = await finishedAnalysis(server.url);
        log(`analysis ${id} is SUCCESS; ${rounds} round(s) of ${DURATION_S} s (+${WARMUP_S} s warm-up) at ${RATE_PER_S}/s, each followed by ${BASELINE_DURATION_S} s of /health`);
        const target: Figures[] = [];
        const baseline: Figures[] = [];
        let errors = 0;
        let worstMax = 0;
        for (let round = 1; round <= rounds; round += 1) {
          const a = await runLoad({ origin: server.url, path: `/analysis/${id}`, ratePerS: RATE_PER_S, warmupS: WARMUP_S, durationS: DURATION_S, expectStatus: 200, connections: 16 });
          const h = await runLoad({ origin: server.url, path: '/health', ratePerS: RATE_PER_S, warmupS: WARMUP_S, durationS: BASELINE_DURATION_S, expectStatus: 200, connections: 16 });
          target.push(figures(a.latencies));
          baseline.push(figures(h.latencies));
          errors += a.errors + h.errors;
          worstMax = Math.max(worstMax, target.at(-1)!.max);
          log(`round ${round}: /analysis/<id> ${show(target.at(-1)!)} (service time p99 ${fmt(percentile(a.serviceTimes, 99), 2)} ms, ${fmt(a.achievedRatePerS, 0)}/s sent, generator lag max ${fmt(a.maxSendLagMs, 1)} ms, ${a.errors} errors)`);
          log(`         /health         ${show(baseline.at(-1)!)} (${h.errors} errors)`);
        }
        const med = (pick: (f: Figures) => number, of: Figures[]) => median(of.map(pick));
        const rows: SummaryRow[] = (['p50', 'p90', 'p99', 'max'] as const).map((k) => {
          const value = med((f) => f[k], target);
          const base = med((f) => f[k], baseline);
          return {
            benchmark: 'latency',
            metric: `GET /analysis/<id> @${RATE_PER_S}/s ${k} (ms)${k === 'p50' && errors ? ` [${errors} errors]` : ''}`,
            value: fmt(value, 2),
            baseline: `/health ${fmt(base, 2)}`,
            ratio: base > 0 ? `${fmt(value / base, 2)}×` : 'n/a',
            goal: k === 'p99' ? `< ${GOAL_P99_MS} ms` : '',
            met: k === 'p99' ? value < GOAL_P99_MS && errors === 0 : null,
          };
        });
        log(`worst single max over all rounds: ${fmt(worstMax, 2)} ms`);
        return rows;
      } finally {
        await server.stop();
      }
    } finally {
      await dir.remove();
    }
  },
};

function figures(sorted: number[]): Figures {
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

function show(f: Figures): string {
  return `p50 ${fmt(f.p50, 2)} p90 ${fmt(f.p90, 2)} p99 ${fmt(f.p99, 2)} max ${fmt(f.max, 2)} ms`;
}

/** Starts a `sleep` analysis of 0 s and waits until it is SUCCESS; returns its id. */
async function finishedAnalysis(url: string): Promise<string> {
  const res = await request(`${url}/analysis`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ analysis: 'sleep', params: { time: 0 } }) });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`POST /analysis answered ${res.statusCode}: ${body}`);
  const id = (JSON.parse(body) as { analysis_id: string }).analysis_id;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const poll = await request(`${url}/analysis/${id}`);
    await poll.body.dump();
    if (poll.statusCode === 200) return id;
    if (poll.statusCode !== 202) throw new Error(`GET /analysis/${id} answered ${poll.statusCode} while waiting for SUCCESS`);
    if (Date.now() > deadline) throw new Error(`analysis ${id} did not finish within 30 s`);
    await delay(50);
  }
}

/** Runs the load generator in its own Node process and returns its result. */
function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const script = fileURLToPath(new URL('./lib/load-generator.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(spec)], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}: ${stderr.trim()}`));
      else {
        try {
          resolve(JSON.parse(stdout) as LoadResult);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
  });
}
