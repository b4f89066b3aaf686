import { Link } from 'react-router';
import type { ImportJob } from '../api/types.js';
import { cameraState } from '../cameras/camera-state.js';
import { ErrorNote } from '../components/error-note.js';
import { usePageTitle } from '../components/page-title.js';
import { ProgressBar } from '../components/progress-bar.js';
import { formatBytes, formatSeconds, formatTime, plural, shortId } from '../format.js';
import { useApi } from '../session.js';

const REFRESH_MS = 5000;
const RUNNING_IMPORTS: ImportJob['status'][] = ['shards_missing', 'processing'];

/** `/`: the library at a glance, refreshed every few seconds. */
export function OverviewPage() {
  usePageTitle('Overview');
  const library = useApi((c) => c.library(), 'overview', REFRESH_MS);
  const cameras = useApi((c) => c.cameras(), 'overview', REFRESH_MS);
  const running = useApi((c) => c.analyses({ state: 'STARTED', limit: 20 }), 'overview', REFRESH_MS);
  const waiting = useApi((c) => c.analyses({ state: 'PENDING', limit: 1000 }), 'overview', REFRESH_MS);
  const imports = useApi((c) => c.importJobs(50), 'overview', REFRESH_MS);
  const events = useApi((c) => c.recentEvents(8), 'overview', REFRESH_MS);

  const states = (cameras.data?.cameras ?? []).map(cameraState);
  const count = (state: string) => states.filter((s) => s === state).length;
  const runningImports = (imports.data?.jobs ?? []).filter((job) => RUNNING_IMPORTS.includes(job.status));

  return (
    <>
      <h1>Overview</h1>
      <div className="cards">
        <section className="card" aria-labelledby="cameras-title">
          <h2 id="cameras-title">Cameras</h2>
          <ErrorNote error={cameras.error} />
          {cameras.data && (
            <dl className="figures">
              <div>
                <dt>up</dt>
                <dd className={count('up') > 0 ? 'ok' : undefined}>{count('up')}</dd>
              </div>
              <div>
                <dt>down</dt>
                <dd className={count('down') > 0 ? 'bad' : undefined}>{count('down')}</dd>
              </div>
              <div>
                <dt>not archiving</dt>
                <dd>{count('idle')}</dd>
              </div>
            </dl>
          )}
          <Link to="/cameras">See the cameras</Link>
        </section>
        <section className="card" aria-labelledby="disk-title">
          <h2 id="disk-title">Disk used</h2>
          <ErrorNote error={library.error} />
          {library.data && (
            <p className="figure">
              {formatBytes(library.data.files.bytes)}
              <span className="muted"> in {plural(library.data.files.count, 'file')}</span>
            </p>
          )}
        </section>
        <section className="card" aria-labelledby="queue-title">
          <h2 id="queue-title">Analyses</h2>
          <ErrorNote error={running.error ?? waiting.error} />
          {running.data && waiting.data && (
            <p className="figure">
              {running.data.analyses.length} running<span className="muted">, {waiting.data.analyses.length}{waiting.data.next ? '+' : ''} waiting</span>
            </p>
          )}
          <Link to="/analyses">Open the queue</Link>
        </section>
      </div>

      <section aria-labelledby="running-title">
        <h2 id="running-title">Running now</h2>
        <ErrorNote error={imports.error} />
        {running.data && running.data.analyses.length === 0 && runningImports.length === 0 && <p className="muted">No analysis or import is running.</p>}
        <ul className="plain">
          {running.data?.analyses.map((a) => (
            <li key={a.analysis_id}>
              <span className="name">{a.analysis}</span> analysis <code>{shortId(a.analysis_id)}</code> <ProgressBar value={a.progress} label={`${a.analysis} ${shortId(a.analysis_id)}`} />
            </li>
          ))}
          {runningImports.map((job) => (
            <li key={job.job_id}>
              import <code>{shortId(job.job_id)}</code>: {plural(job.item_count, 'file')}, {job.status === 'processing' ? 'segmenting' : 'storing files'} (since {formatTime(job.created)})
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="events-title">
        <h2 id="events-title">Recent events</h2>
        <ErrorNote error={events.error} />
        {events.data && events.data.events.length === 0 && <p className="muted">No motion events yet: segmenting video (an import, or the segment analysis) finds them.</p>}
        {events.data && events.data.events.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Camera</th>
                <th scope="col">Duration</th>
                <th scope="col">Score</th>
                <th scope="col">Event</th>
              </tr>
            </thead>
            <tbody>
              {events.data.events.map((event) => (
                <tr key={event.id}>
                  <td>{event.started_at ? formatTime(event.started_at) : `${formatSeconds(event.start)} into its video`}</td>
                  <td>{event.camera_name ?? event.camera_id ?? '—'}</td>
                  <td>{formatSeconds(event.duration)}</td>
                  <td>{event.score === undefined ? '—' : event.score.toFixed(2)}</td>
                  <td>
                    <Link to={`/events?event=${encodeURIComponent(event.id)}`} aria-label={`Event ${shortId(event.id)}`}>
                      <code>{shortId(event.id)}</code>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
