import { Link, useParams } from 'react-router';
import type { Camera } from '../api/types.js';
import { cameraState, cameraTitle, STATE_WORDS } from '../cameras/camera-state.js';
import { CameraSettings } from '../components/camera-settings.js';
import { ErrorNote } from '../components/error-note.js';
import { EventCard } from '../components/event-card.js';
import { FrameTimeline } from '../components/frame-timeline.js';
import { usePageTitle } from '../components/page-title.js';
import { formatBytes, formatTime } from '../format.js';
import { useApi } from '../session.js';

const RECENT_EVENTS = 8;

/** `/cameras/:id`: a camera's archived frames on a time line, its latest events, and its settings. */
export function CameraPage() {
  const { id = '' } = useParams();
  const loaded = useApi((c) => c.camera(id), id);
  const camera = loaded.data?.id === id ? loaded.data : null;
  usePageTitle(camera ? cameraTitle(camera) : 'Camera');

  return (
    <>
      <p className="crumbs">
        <Link to="/cameras">Cameras</Link> /
      </p>
      <h1>{camera ? cameraTitle(camera) : id}</h1>
      <ErrorNote error={loaded.error} />
      {camera && (
        <>
          <CameraFacts camera={camera} />
          <FrameTimeline cameraId={camera.id} />
          <CameraEvents camera={camera} />
          <CameraSettings camera={camera} onSaved={loaded.reload} />
        </>
      )}
    </>
  );
}

function CameraFacts({ camera }: { camera: Camera }) {
  const state = cameraState(camera);
  const health = camera.health;
  return (
    <dl className="facts">
      <div>
        <dt>Id</dt>
        <dd>
          <code>{camera.id}</code>
        </dd>
      </div>
      <div>
        <dt>Type</dt>
        <dd>{camera.type}</dd>
      </div>
      <div>
        <dt>Health</dt>
        <dd>
          <span className={`state ${state}`}>{STATE_WORDS[state]}</span>
          {health && health.consecutive_failures > 0 && <span className="error"> ({health.consecutive_failures} failed in a row: {health.last_error})</span>}
        </dd>
      </div>
      <div>
        <dt>Last frame</dt>
        <dd>{formatTime(health?.last_success_at)}</dd>
      </div>
      <div>
        <dt>Kept</dt>
        <dd>{health ? `${health.frames_saved} frames, ${formatBytes(health.bytes)}` : '—'}</dd>
      </div>
      {camera.url && (
        <div>
          <dt>Address</dt>
          <dd className="address">{camera.url}</dd>
        </div>
      )}
    </dl>
  );
}

/** The camera's latest events, each opening in the events page; and a search of all of them. */
function CameraEvents({ camera }: { camera: Camera }) {
  const events = useApi((c) => c.events({ camera: [camera.id], sort: '-time' }, { limit: RECENT_EVENTS }), camera.id);
  const search = `/events?camera=${encodeURIComponent(camera.id)}`;
  return (
    <section aria-labelledby="camera-events-title">
      <h2 id="camera-events-title">Events</h2>
      <ErrorNote error={events.error} />
      {events.data && events.data.events.length === 0 && <p className="muted">No motion events from this camera.</p>}
      {events.data && events.data.events.length > 0 && (
        <>
          <ul className="event-grid">
            {events.data.events.map((event) => (
              <EventCard key={event.id} event={event} to={`${search}&event=${encodeURIComponent(event.id)}`} />
            ))}
          </ul>
          <p>
            <Link to={search}>Search all events of {cameraTitle(camera)}</Link>
          </p>
        </>
      )}
    </section>
  );
}
