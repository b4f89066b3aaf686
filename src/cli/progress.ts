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

/**
 * The import's progress on stderr when it is a terminal: how many files the walk found so far,
 * then a bar of files, bytes, rate and time left.
 */
export function importProgressBar(): { scanned(found: number): void; update(p: { filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number }): void; stop(): void } {
  if (!process.stderr.isTTY) return { scanned: () => undefined, update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'import [{bar}] {value}/{total} files  {bytes}/{totalBytes}  {rate}  ETA {eta_formatted}', hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  // From the first file on: the walk before it is not part of the rate.
  let started = 0;
  const size = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`);
  let begun = false;
  return {
    scanned(found) {
      if (!begun) process.stderr.write(`\rscanning: ${found} video files found`);
    },
    update(p) {
      if (!begun) started = Date.now();
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const payload = { bytes: size(p.bytesDone), totalBytes: size(p.bytesTotal), rate: `${(p.filesDone / seconds).toFixed(1)} files/s, ${size(p.bytesDone / seconds)}/s` };
      if (!begun) {
        process.stderr.write('\r\x1b[2K');
        bar.start(p.filesTotal, p.filesDone, payload);
        begun = true;
      } else bar.update(p.filesDone, payload);
    },
    stop: () => begun && bar.stop(),
  };
}
