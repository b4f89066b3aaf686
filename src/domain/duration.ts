const UNITS: Record<string, number> = { ms: 1, '': 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses 1500, "1500ms", "30s", "5m", "6h" into milliseconds; null when it is not a duration. */
export function parseDurationMs(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value);
  if (!match) return null;
  return Math.round(Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? 1));
}

/** 250 → "250 ms", 1500 → "1.5 s", 5_400_000 → "1.5 h": a duration as people say it. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const [unit, size] = ms < 60_000 ? ['s', 1000] : ms < 3_600_000 ? ['min', 60_000] : ['h', 3_600_000];
  return `${Number((ms / size).toFixed(1))} ${unit}`;
}
