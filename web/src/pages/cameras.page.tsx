import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CAMERA_TYPES, type Camera, type CameraFilters } from '../api/types.js';
import { cameraState, cameraTitle, STATE_WORDS } from '../cameras/camera-state.js';
import { ErrorNote } from '../components/error-note.js';
import { FileImage } from '../components/file-image.js';
import { usePageTitle } from '../components/page-title.js';
import { formatTime } from '../format.js';
import { useApi } from '../session.js';

const PAGE_SIZE = 50;
const REFRESH_MS = 10_000;
/** The filters of GET /api/cameras this page offers, by their query-string names (the page's URL uses the same). */
const TEXT_FILTERS = [
  { name: 'tag', title: 'Tag' },
  { name: 'city', title: 'City' },
  { name: 'country', title: 'Country' },
] as const;

function filtersOf(params: URLSearchParams): CameraFilters {
  const enabled = params.get('enabled');
  return {
    type: params.get('type') || undefined,
    tag: params.get('tag') || undefined,
    city: params.get('city') || undefined,
    country: params.get('country') || undefined,
    enabled: enabled === 'true' ? true : enabled === 'false' ? false : undefined,
  };
}

/** `/cameras`: the registry with each camera's health and latest frame; the filter and the page are in the URL. */
export function CamerasPage() {
  usePageTitle('Cameras');
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const after = params.get('after') ?? undefined;
  const key = params.toString();
  const cameras = useApi((c) => c.cameras({ ...filters, limit: PAGE_SIZE, after }), key, REFRESH_MS);
  const filtered = Object.values(filters).some((v) => v !== undefined);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) if (typeof value === 'string' && value.trim() !== '') next.set(name, value.trim());
    setParams(next);
  };

  return (
    <>
      <h1>Cameras</h1>
      {/* Keyed by the URL: going back to another filter shows that filter's values. */}
      <form key={key} role="search" aria-label="Filter cameras" className="filters" onSubmit={apply}>
        <label>
          Type
          <select name="type" defaultValue={filters.type ?? ''}>
            <option value="">any</option>
            {CAMERA_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label>
          Archiving
          <select name="enabled" defaultValue={filters.enabled === undefined ? '' : String(filters.enabled)}>
            <option value="">any</option>
            <option value="true">enabled</option>
            <option value="false">disabled</option>
          </select>
        </label>
        {TEXT_FILTERS.map((filter) => (
          <label key={filter.name}>
            {filter.title}
            <input name={filter.name} defaultValue={filters[filter.name] ?? ''} />
          </label>
        ))}
        <div className="filter-actions">
          <button type="submit" className="primary">
            Filter
          </button>
          {filtered && <Link to="/cameras">Show all</Link>}
        </div>
      </form>

      <ErrorNote error={cameras.error} />
      {cameras.data && cameras.data.cameras.length === 0 && (
        <p className="muted">{filtered ? 'No camera matches this filter.' : after ? 'No more cameras.' : 'No cameras yet: add them with camtrove cameras add, or import a camera list.'}</p>
      )}
      {cameras.data && cameras.data.cameras.length > 0 && (
        <table className="cameras">
          <thead>
            <tr>
              <th scope="col">Latest frame</th>
              <th scope="col">Camera</th>
              <th scope="col">Type</th>
              <th scope="col">Health</th>
              <th scope="col">Archiving</th>
              <th scope="col">Tags</th>
            </tr>
          </thead>
          <tbody>
            {cameras.data.cameras.map((camera) => (
              <CameraRow key={camera.id} camera={camera} />
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Pages of cameras">
        {after && <Link to={`/cameras?${withoutAfter(params)}`}>First page</Link>}
        {cameras.data?.next && <Link to={`/cameras?${withAfter(params, cameras.data.next)}`}>Next page</Link>}
      </nav>
    </>
  );
}

function CameraRow({ camera }: { camera: Camera }) {
  const state = cameraState(camera);
  const title = cameraTitle(camera);
  return (
    <tr>
      <td className="thumb-cell">
        <LatestFrame camera={camera} />
      </td>
      <td className="name">
        <Link to={`/cameras/${encodeURIComponent(camera.id)}`}>{title}</Link>
        {camera.name && (
          <div>
            <code className="muted">{camera.id}</code>
          </div>
        )}
      </td>
      <td>{camera.type}</td>
      <td>
        <span className={`state ${state}`}>{STATE_WORDS[state]}</span>
        {camera.health?.last_success_at && <div className="muted small">last frame {formatTime(camera.health.last_success_at)}</div>}
        {state === 'down' && camera.health?.last_error && <div className="error small">{camera.health.last_error}</div>}
      </td>
      <td>{camera.enabled ? (camera.archive_interval ? `every ${camera.archive_interval} s` : 'on demand') : 'disabled'}</td>
      <td>{camera.tags.join(', ') || '—'}</td>
    </tr>
  );
}

/** The camera's newest archived frame (GET …/frames?sort=-time&limit=1). */
function LatestFrame({ camera }: { camera: Camera }) {
  const latest = useApi((c) => c.frames(camera.id, { sort: '-time', limit: 1 }), `${camera.id} ${camera.health?.last_success_at ?? ''}`);
  const frame = latest.data?.frames[0];
  if (latest.data && !frame) return <span className="muted small">no frames</span>;
  return <FileImage className="thumb" fileId={frame?.file_id ?? null} alt={frame ? `${cameraTitle(camera)} at ${formatTime(frame.captured_at)}` : `Latest frame of ${cameraTitle(camera)}`} />;
}

function withAfter(params: URLSearchParams, next: string): string {
  const copy = new URLSearchParams(params);
  copy.set('after', next);
  return copy.toString();
}

function withoutAfter(params: URLSearchParams): string {
  const copy = new URLSearchParams(params);
  copy.delete('after');
  return copy.toString();
}
