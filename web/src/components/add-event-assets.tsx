import { useState } from 'react';
import { addEventAssets, matchingEventIds } from '../api/labeling.js';
import { filterQuery, searchFromParams, type EventSearch } from '../events/event-search.js';
import { plural } from '../format.js';
import { eventsToAdd } from '../projects/add-assets.js';
import { useApi, useSession } from '../session.js';
import { ErrorNote } from './error-note.js';
import { EventFilters } from './event-filters.js';

interface Counted {
  search: EventSearch;
  matching: number;
  toAdd: number;
}

/**
 * Adds the events of an event search as assets: the search is counted first (events already in the
 * project are left out), and the button says how many it adds.
 */
export function AddEventAssets({ projectId, externalIds, onAdded }: { projectId: string; externalIds: ReadonlySet<string>; onAdded: () => void }) {
  const { call } = useSession();
  const cameras = useApi((c) => c.cameras(), 'project-cameras');
  const [search, setSearch] = useState<EventSearch>(() => searchFromParams(new URLSearchParams()));
  const [counted, setCounted] = useState<Counted | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const count = (next: EventSearch) => {
    setSearch(next);
    setCounted(null);
    setOutcome(null);
    setError(null);
    setBusy(true);
    call((c) => matchingEventIds(c, filterQuery(next)))
      .then((ids) => setCounted({ search: next, matching: ids.length, toAdd: eventsToAdd(ids, externalIds) }), setError)
      .finally(() => setBusy(false));
  };
  const add = (shown: Counted) => {
    setBusy(true);
    setError(null);
    call((c) => addEventAssets(c, projectId, filterQuery(shown.search)))
      .then((answer) => {
        setOutcome([`Added ${plural(answer.assetIds.length, 'event')}.`, ...answer.warnings].join(' '));
        setCounted(null);
        onAdded();
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <div className="add-events">
      <EventFilters search={search} cameras={cameras.data?.cameras ?? []} onSearch={count} />
      <p role="status" className="small">
        {busy && !counted ? 'Counting…' : counted ? `${plural(counted.matching, 'matching event')}; ${counted.toAdd} not in the project yet.` : outcome}
      </p>
      {counted && (
        <button type="button" className="primary" disabled={busy || counted.toAdd === 0} onClick={() => add(counted)}>
          Add {plural(counted.toAdd, 'event')}
        </button>
      )}
      <ErrorNote error={error ?? cameras.error} />
    </div>
  );
}
