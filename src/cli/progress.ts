import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; silent otherwise (pipes, CI logs). */
export interface Progress {
  update(value: number): void;
  stop(): void;
}

export function progressBar(label: string, total: number, unit: 'bytes' | 'percent'): Progress {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: unit === 'bytes' ? `${label} [{bar}] {percentage}% {value_mb}/{total_mb} MB {eta_formatted}` : `${label} [{bar}] {percentage}% {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const mb = (n: number) => (n / 1e6).toFixed(1);
  bar.start(total, 0, { value_mb: mb(0), total_mb: mb(total) });
  return {
    update: (value) => bar.update(value, { value_mb: mb(value) }),
    stop: () => bar.stop(),
  };
}
