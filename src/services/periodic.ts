/**
 * Runs `task` now (or after `firstAfterMs`) and then every `everyMs`, one run at a time, until stopped: `stop()` aborts the
 * signal the run in progress was given and waits for it to end. A failed run goes to `onError`, and
 * the next one runs as planned.
 */
export function runPeriodically(task: (signal: AbortSignal) => Promise<void>, everyMs: number, onError: (error: unknown) => void, options: { firstAfterMs?: number } = {}): { stop(): Promise<void> } {
  const stopping = new AbortController();
  let running: Promise<void> | null = null;
  const run = () => {
    if (running || stopping.signal.aborted) return;
    running = task(stopping.signal)
      .catch((error: unknown) => {
        if (!stopping.signal.aborted) onError(error);
      })
      .finally(() => {
        running = null;
      });
  };
  let timer: NodeJS.Timeout | null = null;
  const repeat = () => {
    run();
    timer = setInterval(run, everyMs);
    timer.unref();
  };
  const first = options.firstAfterMs === undefined ? null : setTimeout(repeat, options.firstAfterMs);
  first?.unref();
  if (!first) repeat();
  return {
    stop: async () => {
      if (first) clearTimeout(first);
      if (timer) clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}
