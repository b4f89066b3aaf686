import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { EventDetail, MotionEvent } from '../api/types.js';
import { boxesAt, clipStart } from '../events/event-boxes.js';
import { useFileUrl } from '../file-url.js';
import { formatSeconds, shortId } from '../format.js';
import { useApi, useSession } from '../session.js';
import { ErrorNote } from './error-note.js';
import { eventTime } from './event-card.js';
import { FileImage } from './file-image.js';

/**
 * One event in a dialog: its clip playing with the moving objects' boxes drawn over it, what is
 * known about it, and its labels to add and remove. Escape or Close closes it; Previous and Next
 * step through the events of the grid behind it.
 */
export function EventView({ eventId, onClose, onChanged, previous, next }: { eventId: string; onClose: () => void; onChanged: (event: MotionEvent) => void; previous: string | null; next: string | null }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const loaded = useApi((c) => c.event(eventId), eventId);
  const [changed, setChanged] = useState<EventDetail | null>(null);
  const event = changed?.id === eventId ? changed : loaded.data?.id === eventId ? loaded.data : null;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const update = (detail: EventDetail) => {
    setChanged(detail);
    onChanged(detail);
  };

  return (
    <dialog ref={dialog} className="event-view" aria-labelledby="event-title" onClose={onClose}>
      <div className="event-view-head">
        <h2 id="event-title">{event ? `Event at ${eventTime(event)}` : `Event ${shortId(eventId)}`}</h2>
        <nav aria-label="Events" className="event-steps">
          {previous ? <Link to={previous}>Previous event</Link> : <span className="muted">Previous event</span>}
          {next ? <Link to={next}>Next event</Link> : <span className="muted">Next event</span>}
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>
            Close
          </button>
        </nav>
      </div>
      <ErrorNote error={loaded.error} />
      {event && (
        <div className="event-body">
          <Player key={event.id} event={event} />
          <div className="event-side">
            <EventFacts event={event} />
            <Labels event={event} onChanged={update} />
          </div>
        </div>
      )}
    </dialog>
  );
}

/** The clip with the boxes of the moment drawn over it; the thumbnail when the event has no clip. */
function Player({ event }: { event: EventDetail }) {
  const url = useFileUrl(event.clip_file_id);
  const video = useRef<HTMLVideoElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [offset, setOffset] = useState(event.start);
  const [time, setTime] = useState(0);

  // Follow the picture frame by frame while it plays, and wherever it is sought to.
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    let handle = 0;
    const follow = () => {
      setTime(element.currentTime);
      handle = 'requestVideoFrameCallback' in element ? element.requestVideoFrameCallback(follow) : requestAnimationFrame(follow);
    };
    handle = 'requestVideoFrameCallback' in element ? element.requestVideoFrameCallback(follow) : requestAnimationFrame(follow);
    const sought = () => setTime(element.currentTime);
    element.addEventListener('seeked', sought);
    element.addEventListener('timeupdate', sought);
    return () => {
      if ('cancelVideoFrameCallback' in element) element.cancelVideoFrameCallback(handle);
      cancelAnimationFrame(handle);
      element.removeEventListener('seeked', sought);
      element.removeEventListener('timeupdate', sought);
    };
  }, [url]);

  if (!event.clip_file_id) {
    return (
      <div className="player">
        <FileImage className="event-still" fileId={event.thumbnail_file_id} alt={`Thumbnail of the event at ${eventTime(event)}`} />
        <p className="muted small">This event has no clip.</p>
      </div>
    );
  }
  const boxes = boxesAt(event, offset + time);
  return (
    <div className="player">
      <div className="screen" style={size ? { aspectRatio: `${size.width} / ${size.height}` } : undefined}>
        {url && (
          <video
            ref={video}
            src={url}
            controls
            muted
            playsInline
            aria-label={`Clip of the event at ${eventTime(event)}`}
            onLoadedMetadata={(e) => {
              const element = e.currentTarget;
              setSize({ width: element.videoWidth, height: element.videoHeight });
              setOffset(clipStart(event, element.duration));
            }}
          />
        )}
        <svg className="boxes" viewBox="0 0 1 1" preserveAspectRatio="none" role="img" aria-label={boxes.length === 0 ? 'No moving object at this moment' : `Boxes: ${boxes.map((b) => b.label).join(', ')}`}>
          {boxes.map((box) => (
            <rect key={box.key} x={box.x} y={box.y} width={box.w} height={box.h} data-label={box.label} />
          ))}
        </svg>
      </div>
      <p className="muted small">
        {formatSeconds(Math.max(0, offset + time))} into the video · boxes: {event.objects.length > 0 ? `${event.objects.length} moving object${event.objects.length === 1 ? '' : 's'}` : 'all motion'}
      </p>
    </div>
  );
}

function EventFacts({ event }: { event: EventDetail }) {
  const rows: [string, string][] = [
    ['Camera', event.camera_name ?? event.camera_id ?? '—'],
    ['Duration', formatSeconds(event.duration)],
    ['Score', event.score.toFixed(2)],
    ['Direction', event.direction ? `${event.direction}, ${event.speed.toFixed(2)} frame widths/s` : 'did not travel'],
    ['Colours', event.colors.map((c) => `${c.name} ${Math.round(c.share * 100)} %`).join(', ') || '—'],
    ['Zones', event.zones.join(', ') || '—'],
    ['In its video', `${formatSeconds(event.start)} to ${formatSeconds(event.end)}`],
  ];
  return (
    <dl className="event-facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
      <div>
        <dt>Id</dt>
        <dd>
          <code>{event.id}</code>
        </dd>
      </div>
    </dl>
  );
}

/** The event's labels, each with a button that takes it off, and a form that adds one (or changes its score). */
function Labels({ event, onChanged }: { event: EventDetail; onChanged: (event: EventDetail) => void }) {
  const { call } = useSession();
  const [name, setName] = useState('');
  const [score, setScore] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const act = (work: () => Promise<EventDetail>) => {
    setBusy(true);
    setError(null);
    work()
      .then(onChanged, setError)
      .finally(() => setBusy(false));
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    const label = name.trim();
    if (!label) return;
    act(async () => {
      const updated = await call((c) => c.addLabel(event.id, { name: label, score: score === '' ? null : Number(score) }));
      setName('');
      setScore('');
      return updated;
    });
  };
  const remove = (label: string) =>
    act(async () => {
      await call((c) => c.removeLabel(event.id, label));
      return { ...event, labels: event.labels.filter((l) => l.name !== label) };
    });

  return (
    <section aria-labelledby="labels-title" className="labels">
      <h3 id="labels-title">Labels</h3>
      {event.labels.length === 0 && <p className="muted">No labels yet.</p>}
      <ul className="chips" aria-label="Labels of this event">
        {event.labels.map((label) => (
          <li key={label.name} className="chip">
            {label.name}
            {label.score !== null && <span className="muted"> {label.score.toFixed(2)}</span>}
            {label.source !== 'user' && <span className="muted"> ({label.source})</span>}
            <button type="button" className="chip-remove" disabled={busy} onClick={() => remove(label.name)} aria-label={`Remove label ${label.name}`}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="add-label" onSubmit={add}>
        <label>
          New label
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        </label>
        <label>
          Score
          <input type="number" min={0} max={1} step="0.05" value={score} onChange={(e) => setScore(e.target.value)} placeholder="0–1" />
        </label>
        <button type="submit" disabled={busy}>
          Add label
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
