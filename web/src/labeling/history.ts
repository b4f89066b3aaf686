// Undo and redo of the labeling tool's edits: every state kept whole (tracks are small and shared
// between states, so a copy costs only what changed). Pure.

export interface History<T> {
  past: readonly T[];
  present: T;
  future: readonly T[];
}

const LIMIT = 200;

export function startHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new state after an edit: it can be undone, and what was undone can no longer be redone. */
export function record<T>(history: History<T>, next: T): History<T> {
  return { past: [...history.past, history.present].slice(-LIMIT), present: next, future: [] };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}
