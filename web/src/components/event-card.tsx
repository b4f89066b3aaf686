import { Link } from 'react-router';
import type { MotionEvent } from '../api/types.js';
import { formatSeconds, formatTime, shortId } from '../format.js';
import { FileImage } from './file-image.js';

/** When an event happened: its UTC time, or where in its video when the video has no capture time. */
export function eventTime(event: Pick<MotionEvent, 'started_at' | 'start'>): string {
  return event.started_at ? formatTime(event.started_at) : `${formatSeconds(event.start)} into its video`;
}

/** An event in a grid: its thumbnail, time, camera, duration, score and labels; a link that opens it. */
export function EventCard({ event, to }: { event: MotionEvent; to: string }) {
  const when = eventTime(event);
  return (
    <li className="event-card">
      <Link to={to} aria-label={`Event ${shortId(event.id)}, ${when}${event.camera_name || event.camera_id ? `, ${event.camera_name ?? event.camera_id}` : ''}`}>
        <FileImage className="event-thumb" fileId={event.thumbnail_file_id} alt="" />
        <span className="event-when">{when}</span>
        <span className="muted small">
          {event.camera_name ?? event.camera_id ?? 'no camera'} · {formatSeconds(event.duration)} · score {event.score.toFixed(2)}
        </span>
        {event.labels.length > 0 && (
          <span className="chips">
            {event.labels.map((label) => (
              <span key={label.name} className="chip">
                {label.name}
              </span>
            ))}
          </span>
        )}
      </Link>
    </li>
  );
}
