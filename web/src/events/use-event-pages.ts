import { useCallback, useEffect, useRef, useState } from 'react';
import type { QueryValues } from '../../../src/sdk/connection.js';
import type { MotionEvent } from '../api/types.js';
import { useSession } from '../session.js';

export interface EventPages {
  events: MotionEvent[];
  /** Whether the search has events past those loaded. */
  more: boolean;
  loading: boolean;
  error: Error | null;
  /** Loads the next page (nothing while one loads or when there is none). */
  loadMore: () => void;
  /** Puts a changed event in place (its labels, after the event view changed them). */
  replace: (event: MotionEvent) => void;
  /** Starts the search again from its first page. */
  reload: () => void;
}

interface Loaded {
  /** The search (and its run) these pages belong to. */
  run: string;
  events: MotionEvent[];
  next: string | null;
  error: Error | null;
  loading: boolean;
}

/**
 * An event search read a page at a time (the API's keyset pages, `after`), for a grid that grows as
 * it scrolls. A new search (`key`) starts again; an answer to an older search is dropped.
 */
export function useEventPages(query: QueryValues, key: string, pageSize: number): EventPages {
  const { call, client } = useSession();
  const [generation, setGeneration] = useState(0);
  const run = `${generation} ${key}`;
  const [state, setState] = useState<Loaded>({ run: '', events: [], next: null, error: null, loading: true });
  // What the callbacks read: the search in force, and the page being loaded (never two at once).
  const latest = useRef({ query, run });
  const inFlight = useRef<string | null>(null);
  useEffect(() => {
    latest.current = { query, run };
  });

  const load = useCallback(
    (after: string | null) => {
      const { query: asked, run: searched } = latest.current;
      const marker = `${searched}|${after ?? ''}`;
      if (inFlight.current === marker) return;
      inFlight.current = marker;
      const settle = (change: (previous: Loaded) => Loaded) => {
        if (inFlight.current === marker) inFlight.current = null;
        setState((previous) => (latest.current.run === searched ? change(previous) : previous));
      };
      setState((previous) => (previous.run === searched ? { ...previous, loading: true } : { run: searched, events: [], next: null, error: null, loading: true }));
      call((c) => c.events(asked, { limit: pageSize, after: after ?? undefined })).then(
        (page) => settle((previous) => ({ run: searched, events: after === null ? page.events : [...previous.events, ...page.events], next: page.next, error: null, loading: false })),
        (error: unknown) => settle((previous) => ({ ...previous, error: error as Error, loading: false })),
      );
    },
    [call, pageSize],
  );

  useEffect(() => {
    inFlight.current = null;
    load(null);
  }, [load, client, run]);

  const current = state.run === run;
  const { next } = state;
  const loadMore = useCallback(() => {
    if (current && next) load(next);
  }, [current, load, next]);
  const replace = useCallback((event: MotionEvent) => setState((previous) => ({ ...previous, events: previous.events.map((e) => (e.id === event.id ? { ...e, labels: event.labels } : e)) })), []);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  return { events: current ? state.events : [], more: current && next !== null, loading: !current || state.loading, error: current ? state.error : null, loadMore, replace, reload };
}
