/**
 * Why an archive run missed ticks, and what to change. A tick is missed when it comes while the
 * camera's previous tick is still at work; the blame goes to whatever held that tick longest: the
 * per-host cap, the global concurrency cap, the camera itself (slow answers, timeouts, retries), or
 * storing the frame (decoding and writing it).
 */

export const MISSED_REASONS = ['per_host', 'concurrency', 'camera', 'storing'] as const;
export type MissedReason = (typeof MISSED_REASONS)[number];
export type MissedCounts = Record<MissedReason, number>;

export const noMissed = (): MissedCounts => ({ per_host: 0, concurrency: 0, camera: 0, storing: 0 });

/** The phase a tick spent longest in (ms per phase), `current` winning ties: what made the next tick wait. */
export function blameFor(spentMs: MissedCounts, current: MissedReason): MissedReason {
  let worst = current;
  for (const reason of MISSED_REASONS) if (spentMs[reason] > spentMs[worst]) worst = reason;
  return worst;
}

export function addMissed(total: MissedCounts, more: MissedCounts): MissedCounts {
  return Object.fromEntries(MISSED_REASONS.map((r) => [r, total[r] + more[r]])) as MissedCounts;
}

/** One camera's part in a run, as the advice reads it. */
export interface MissedCameraFacts {
  /** The host its fetches count against (`host:port`). */
  host: string;
  missedBy: MissedCounts;
  meanLatencyMs: number | null;
}

export interface MissedTickLimits {
  intervalMs: number;
  perHost: number;
  concurrency: number;
}

/** A setting to change, with the value suggested. */
export interface MissedTickHint {
  flag: '--per-host' | '--concurrency' | '--interval';
  value: number;
  message: string;
}

/** The largest value the archive command accepts for its caps. */
const MAX_CAP = 10_000;
/** Slots asked for beyond the bare need (cameras × latency ÷ interval): latency grows with load. */
const HEADROOM = 2;

/**
 * Advice for the caps that held ticks back. The slots a group of cameras needs is how many fetches
 * are in flight on average (Little's law: cameras × mean latency ÷ interval), doubled for headroom,
 * at least twice the current cap, at most one per camera. Without a latency (no fetch succeeded) it
 * is one per camera.
 */
export function missedTickHints(cameras: readonly MissedCameraFacts[], limits: MissedTickLimits): MissedTickHint[] {
  const hints: MissedTickHint[] = [];
  const total = cameras.reduce((sum, c) => addMissed(sum, c.missedBy), noMissed());
  let perHostValue = 0;
  if (total.per_host > 0) {
    const hosts = new Map<string, MissedCameraFacts[]>();
    for (const camera of cameras) hosts.set(camera.host, [...(hosts.get(camera.host) ?? []), camera]);
    const held = [...hosts.entries()].filter(([, group]) => group.some((c) => c.missedBy.per_host > 0));
    const busiest = held.reduce((a, b) => (b[1].length > a[1].length ? b : a));
    perHostValue = Math.max(...held.map(([, group]) => slotsFor(group, limits.intervalMs, limits.perHost)));
    const shared = held.length === 1 ? `${busiest[1].length} cameras share ${busiest[0]}` : `${held.length} hosts serve several cameras each (${busiest[1].length} on ${busiest[0]})`;
    hints.push({ flag: '--per-host', value: perHostValue, message: `${count(total.per_host, 'tick')} missed waiting for the per-host cap: ${shared} and at most ${limits.perHost} ${limits.perHost === 1 ? 'fetch goes' : 'fetches go'} to one host at once; try --per-host ${perHostValue}` });
  }
  if (total.concurrency > 0 || perHostValue > limits.concurrency) {
    const value = Math.max(slotsFor(cameras, limits.intervalMs, limits.concurrency), total.concurrency > 0 ? 0 : perHostValue);
    const why = total.concurrency > 0 ? `${count(total.concurrency, 'tick')} missed waiting for the concurrency cap: ${cameras.length} cameras and at most ${limits.concurrency} fetches at once` : `--per-host ${perHostValue} is more than --concurrency ${limits.concurrency} allows in all`;
    hints.push({ flag: '--concurrency', value, message: `${why}; try --concurrency ${value}` });
  }
  if (total.camera > 0) {
    const slow = cameras.filter((c) => c.missedBy.camera > 0);
    const latencies = slow.map((c) => c.meanLatencyMs).filter((ms): ms is number => ms !== null);
    // Twice the interval, or half as much again as the slowest mean answer, whichever is longer.
    const value = Math.max(Math.ceil((limits.intervalMs * 2) / 1000), latencies.length > 0 ? Math.ceil((Math.max(...latencies) * 1.5) / 1000) : 0);
    const who = slow.length === 1 ? 'a camera' : `${slow.length} cameras`;
    hints.push({ flag: '--interval', value, message: `${count(total.camera, 'tick')} missed because ${who} took longer than the interval to answer (slow, timing out or retrying: see the last errors); try --interval ${value}` });
  }
  return hints;
}

/** "12 missed: 10 waiting for the per-host cap, 2 for the camera": the reasons that count. */
export function describeMissed(missed: MissedCounts): string {
  const words: Record<MissedReason, string> = { per_host: 'waiting for the per-host cap', concurrency: 'waiting for the concurrency cap', camera: 'on a slow or timing-out camera', storing: 'storing frames (disk or database)' };
  return MISSED_REASONS.filter((r) => missed[r] > 0).map((r) => `${missed[r]} ${words[r]}`).join(', ');
}

function slotsFor(cameras: readonly MissedCameraFacts[], intervalMs: number, current: number): number {
  const latencies = cameras.map((c) => c.meanLatencyMs).filter((ms): ms is number => ms !== null);
  const mean = latencies.length > 0 ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null;
  const need = mean === null ? cameras.length : Math.ceil(((cameras.length * mean) / intervalMs) * HEADROOM);
  return Math.min(MAX_CAP, Math.max(1, cameras.length), Math.max(need, current * 2));
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
