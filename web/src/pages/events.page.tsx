import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { exportPath } from '../api/client.js';
import type { MotionEvent } from '../api/types.js';
import { DownloadLink } from '../components/download-link.js';
import { ErrorNote } from '../components/error-note.js';
import { EventCard } from '../components/event-card.js';
import { EventFilters } from '../components/event-filters.js';
import { EventView } from '../components/event-view.js';
import { usePageTitle } from '../components/page-title.js';
import { EXPORT_FORMATS, filterQuery, hasFilters, searchFromParams, searchQuery, searchToParams, type EventSearch } from '../events/event-search.js';
import { useEventPages } from '../events/use-event-pages.js';
import { plural } from '../format.js';
import { useApi, useSession } from '../session.js';

const PAGE_SIZE = 48;

/**
 * `/events`: a search with every filter of GET /api/events, its events as a grid of thumbnails that
 * loads more as it scrolls, one event opened over it (`event` in the URL), labels for one event or
 * for every event the search matches, and the search's export in each format.
 */
export function EventsPage() {
  usePageTitle('Events');
  const [params, setParams] = useSearchParams();
  const search = searchFromParams(params);
  const searchKey = searchToParams(search).toString();
  const pages = useEventPages(searchQuery(search), searchKey, PAGE_SIZE);
  const cameras = useApi((c) => c.cameras(), 'events');
  const open = params.get('event');

  const link = (eventId: string | null) => {
    const next = searchToParams(search);
    if (eventId) next.set('event', eventId);
    return `/events?${next.toString()}`;
  };
  const at = open ? pages.events.findIndex((e) => e.id === open) : -1;
  const neighbour = (step: number) => {
    const target = at >= 0 ? pages.events[at + step] : undefined;
    return target ? link(target.id) : null;
  };
  // Stepping to the last loaded event loads the next page, so Next goes on.
  const { loadMore } = pages;
  useEffect(() => {
    if (at >= 0 && at >= pages.events.length - 2) loadMore();
  }, [at, pages.events.length, loadMore]);

  return (
    <>
      <h1>Events</h1>
      <EventFilters search={search} cameras={cameras.data?.cameras ?? []} onSearch={(next: EventSearch) => setParams(searchToParams(next))} />
      <div className="toolbar">
        <p role="status" className="result-count">
          {pages.error ? '' : pages.loading && pages.events.length === 0 ? 'Searching…' : `${plural(pages.events.length, 'event')}${pages.more ? ' shown, more below' : ''}`}
        </p>
        <BulkLabel search={search} onLabelled={pages.reload} />
        <ExportLinks search={search} />
      </div>
      <ErrorNote error={pages.error ?? cameras.error} />
      {!pages.loading && !pages.error && pages.events.length === 0 && <p className="muted">{hasFilters(search) ? 'No event matches this search.' : 'No motion events yet: segmenting video (an import, or the segment analysis) finds them.'}</p>}
      <ul className="event-grid" aria-label="Events found">
        {pages.events.map((event) => (
          <EventCard key={event.id} event={event} to={link(event.id)} />
        ))}
      </ul>
      <MoreEvents more={pages.more} loading={pages.loading} onMore={pages.loadMore} />
      {open && (
        <EventView
          eventId={open}
          previous={neighbour(-1)}
          next={neighbour(1)}
          onChanged={(event: MotionEvent) => pages.replace(event)}
          onClose={() => {
            // Closed by Escape, the button or a step elsewhere: only a dialog still named in the URL is left.
            const next = new URLSearchParams(params);
            if (next.get('event') !== open) return;
            next.delete('event');
            setParams(next);
          }}
        />
      )}
    </>
  );
}

/** Loads the next page when it scrolls into view; a button does the same for the keyboard. */
function MoreEvents({ more, loading, onMore }: { more: boolean; loading: boolean; onMore: () => void }) {
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !more) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && onMore(), { rootMargin: '600px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [more, onMore]);
  if (!more) return null;
  return (
    <div ref={sentinel} className="more-events">
      <button type="button" onClick={onMore} disabled={loading}>
        {loading ? 'Loading…' : 'Load more events'}
      </button>
    </div>
  );
}

/** Labels every event the search matches (POST /api/events/labels), after saying how far that reaches. */
function BulkLabel({ search, onLabelled }: { search: EventSearch; onLabelled: () => void }) {
  const { call } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const everything = !hasFilters(search);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) dialog.current?.showModal();
  };
  const label = () => {
    setBusy(true);
    setError(null);
    call((c) => c.labelMatching(filterQuery(search), { name: name.trim() }))
      .then(({ labelled }) => {
        setOutcome(`Labelled ${plural(labelled, 'event')} “${name.trim()}”.`);
        setName('');
        onLabelled();
      }, setError)
      .finally(() => {
        setBusy(false);
        dialog.current?.close();
      });
  };

  return (
    <form className="bulk-label" onSubmit={ask}>
      <label>
        Label all matching
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="label" />
      </label>
      <button type="submit" disabled={!name.trim()}>
        Label…
      </button>
      <span role="status" className="small">
        {outcome}
      </span>
      <ErrorNote error={error} />
      <dialog ref={dialog} aria-labelledby="bulk-title">
        <h2 id="bulk-title">Label {everything ? 'every event in the library' : 'every event this search matches'}?</h2>
        <p>
          Every {everything ? 'event' : 'matching event'}, including those not loaded yet, gets the label <strong>{name.trim()}</strong>.
        </p>
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>
            Cancel
          </button>
          <button type="button" className="primary" onClick={label} disabled={busy}>
            Label them
          </button>
        </div>
      </dialog>
    </form>
  );
}

/** The search's export in each format the API offers. */
function ExportLinks({ search }: { search: EventSearch }) {
  const query = searchQuery(search);
  return (
    <div className="export">
      <span>Export:</span>
      {EXPORT_FORMATS.map(({ format, title }) => (
        <DownloadLink key={format} href={exportPath(query, format)} fileName={`events.${format}`} fetchBlob={(c) => c.exportBlob(query, format)} label={`Export as ${title}`}>
          {title}
        </DownloadLink>
      ))}
    </div>
  );
}
