/** A signal that aborts when the deadline passes or the caller's own signal aborts. */
export interface Deadline {
  signal: AbortSignal;
  /** Whether it was the deadline (not the caller) that aborted. */
  passed(): boolean;
  /** Clears the timer and the listener on the caller's signal: call it when the work is done. */
  done(): void;
}

/**
 * A deadline for one fetch or grab, cleaned up explicitly. AbortSignal.any would tie every fetch to
 * the long-lived signal of a whole run, whose listeners Node 20 releases only on garbage collection:
 * a thousand cameras a second pile them up.
 */
export function startDeadline(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`deadline of ${ms} ms passed`));
  }, ms);
  const onParentAbort = () => controller.abort(parent!.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    passed: () => expired,
    done: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
