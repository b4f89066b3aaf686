import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { Asset } from '../../../src/sdk/types.js';
import { addAssets, assets, project } from '../api/labeling.js';
import { uploadFile } from '../api/upload.js';
import { AddEventAssets } from '../components/add-event-assets.js';
import { AddUrlAssets } from '../components/add-url-assets.js';
import { ErrorNote } from '../components/error-note.js';
import { ProjectExport } from '../components/project-export.js';
import { usePageTitle } from '../components/page-title.js';
import { ProgressBar } from '../components/progress-bar.js';
import { formatTime } from '../format.js';
import { useApi, useSession } from '../session.js';

const PREPARING_REFRESH_MS = 1000;

/** `/projects/:id`: a project's assets with their state and labels; add videos (upload, URL, an event search); label each one; export the labels. */
export function ProjectPage() {
  const { projectId = '' } = useParams();
  const shown = useApi((c) => project(c, projectId), projectId);
  usePageTitle(shown.data?.title ?? 'Project');
  const listed = useApi((c) => assets(c, projectId), projectId);
  const list = listed.data?.assets;
  const { reload } = listed;
  const externalIds = useMemo(() => new Set((list ?? []).map((a) => a.externalId)), [list]);
  // Assets being prepared are looked at again until they are ready (or failed).
  useEffect(() => {
    if (!list?.some((a) => a.processing.state === 'PENDING')) return;
    const timer = setTimeout(reload, PREPARING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [list, reload]);

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/projects">Projects</Link> /
      </p>
      <h1>{shown.data?.title ?? 'Project'}</h1>
      <ErrorNote error={shown.error} />
      {shown.data?.description && <p>{shown.data.description}</p>}
      <AddVideo projectId={projectId} onAdded={listed.reload} />
      <section aria-labelledby="assets-title">
        <h2 id="assets-title">
          Assets{list && <span className="count"> {list.length}</span>}
        </h2>
        <ErrorNote error={listed.error} />
        {list && list.length === 0 && <p className="muted">No asset yet: add a video above.</p>}
        {list && list.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col">State</th>
                <th scope="col">Status</th>
                <th scope="col" className="number">
                  Frames
                </th>
                <th scope="col">Labels</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <td className="name">{a.externalId}</td>
                  <td className={a.processing.state === 'FAILED' ? 'bad' : undefined}>{processingText(a)}</td>
                  <td>{a.status}</td>
                  <td className="number">{a.numberOfFrames ?? '—'}</td>
                  <td>{labelCounts(a)}</td>
                  <td>{formatTime(a.createdAt)}</td>
                  <td className="row-actions">
                    {a.processing.state === 'READY' && (
                      <Link to={`/projects/${projectId}/assets/${a.id}/label`} aria-label={`Label ${a.externalId}`}>
                        Label
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="add-urls-title">
        <h2 id="add-urls-title">Add videos by URL</h2>
        <AddUrlAssets projectId={projectId} onAdded={listed.reload} />
      </section>
      <section aria-labelledby="add-events-title">
        <h2 id="add-events-title">Add events from a search</h2>
        <details className="add-events-search">
          <summary>Search events</summary>
          <AddEventAssets projectId={projectId} externalIds={externalIds} onAdded={listed.reload} />
        </details>
      </section>
      <section aria-labelledby="export-title">
        <h2 id="export-title">Export the labels</h2>
        <ProjectExport projectId={projectId} />
      </section>
    </>
  );
}

function processingText(asset: Asset): string {
  if (asset.processing.state === 'PENDING') return 'preparing…';
  if (asset.processing.state === 'FAILED') return `failed: ${asset.processing.error?.message ?? 'unknown error'}`;
  return 'ready';
}

/** "2 DEFAULT, 1 PREDICTION", or "none". */
function labelCounts(asset: Asset): string {
  const counts = new Map<string, number>();
  for (const label of asset.labels) counts.set(label.labelType, (counts.get(label.labelType) ?? 0) + 1);
  return counts.size === 0 ? 'none' : [...counts].map(([type, n]) => `${n} ${type}`).join(', ');
}

/** Uploads a local video to the library, then adds it to the project under its file name. */
function AddVideo({ projectId, onAdded }: { projectId: string; onAdded: () => void }) {
  const { client, call } = useSession();
  const input = useRef<HTMLInputElement>(null);
  const [upload, setUpload] = useState<{ name: string; sent: number; total: number; done: boolean } | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const send = async (file: File) => {
    setError(null);
    setUpload({ name: file.name, sent: 0, total: file.size, done: false });
    try {
      const stored = await call(() => uploadFile(file, client.token, (sent, total) => setUpload({ name: file.name, sent, total, done: false })));
      const answer = await call((c) => addAssets(c, projectId, [{ fileId: stored.file_id, externalId: file.name }]));
      if (answer.assetIds.length === 0) throw new Error(answer.warnings.join(' ') || `${file.name} was not added.`);
      setUpload({ name: file.name, sent: file.size, total: file.size, done: true });
      onAdded();
    } catch (failure) {
      setError(failure as Error);
    }
  };

  return (
    <section aria-labelledby="add-title">
      <h2 id="add-title">Add a video</h2>
      <label className="button">
        Upload a video…
        <input
          ref={input}
          className="visually-hidden"
          type="file"
          accept="video/*,.mp4,.mkv,.3gp,.avi,.m4v,.mov,.webm"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void send(file);
            if (input.current) input.current.value = '';
          }}
        />
      </label>
      {upload && (
        <p className="upload-line">
          <span className="name">{upload.name}</span> <ProgressBar value={upload.total === 0 ? 1 : upload.sent / upload.total} label={`Upload of ${upload.name}`} />{' '}
          <span role="status">{upload.done ? 'added' : 'sending…'}</span>
        </p>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
