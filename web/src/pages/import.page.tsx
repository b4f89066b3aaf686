import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorNote } from '../components/error-note.js';
import { usePageTitle } from '../components/page-title.js';
import { ProgressBar } from '../components/progress-bar.js';
import { formatTime, plural, shortId } from '../format.js';
import { finishedShare, isRunning, JOB_STATUS_TEXT, SHARD_STATUS_TEXT, shardRows } from '../imports/import-job.js';
import { useApi } from '../session.js';

const RUNNING_REFRESH_MS = 2000;

/** `/imports/:jobId`: one import job, shard by shard, with the files that failed and why; looked at again while it runs. */
export function ImportPage() {
  const { jobId = '' } = useParams();
  const title = `Import ${shortId(jobId)}`;
  usePageTitle(title);
  const shown = useApi((c) => c.importJob(jobId), jobId);
  const job = shown.data;
  const { reload } = shown;
  // A running job is looked at again a moment after each answer, until it is finished.
  useEffect(() => {
    if (!job || !isRunning(job.status)) return;
    const timer = setTimeout(reload, RUNNING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [job, reload]);
  const shards = job ? shardRows(job.shard_map) : [];

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/imports">Imports</Link> /
      </p>
      <h1>{title}</h1>
      <ErrorNote error={shown.error} />
      {job && (
        <>
          <dl className="facts">
            <div>
              <dt>Status</dt>
              <dd role="status" className={job.status === 'complete_with_failures' ? 'bad' : undefined}>
                {JOB_STATUS_TEXT[job.status]}
              </dd>
            </div>
            <div>
              <dt>Files done</dt>
              <dd>
                {job.counts.done} / {job.counts.item_count} <ProgressBar value={finishedShare(job.counts)} label={`Progress of ${title}`} />
              </dd>
            </div>
            <div>
              <dt>Failures</dt>
              <dd className={job.counts.failed > 0 ? 'bad' : undefined}>{job.counts.failed}</dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>{formatTime(job.created)}</dd>
            </div>
            <div>
              <dt>Last change</dt>
              <dd>{formatTime(job.updated)}</dd>
            </div>
            <div>
              <dt>Folders</dt>
              <dd>{job.request.folders.join(', ') || '—'}</dd>
            </div>
            <div>
              <dt>Cameras</dt>
              <dd>{job.request.cameras.join(', ') || '—'}</dd>
            </div>
            <div>
              <dt>Footage from</dt>
              <dd>
                {formatTime(job.request.earliest_date)} to {formatTime(job.request.latest_date)}
              </dd>
            </div>
            <div>
              <dt>Segmented</dt>
              <dd>{job.request.segment ? 'yes: motion events are found in each video' : 'no'}</dd>
            </div>
          </dl>
          {job.status === 'shards_missing' && <p className="muted">Files not stored yet arrive while the import runs; if it stopped, running the same <code>camtrove import</code> again continues it.</p>}

          <section aria-labelledby="shards-title">
            <h2 id="shards-title">
              Shards<span className="count"> {shards.length}</span>
            </h2>
            <p className="muted small">The import works through its files in shards of {plural(job.request.shard_size, 'file')}.</p>
            <table>
              <thead>
                <tr>
                  <th scope="col" className="number">
                    Shard
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Files done</th>
                  <th scope="col" className="number">
                    Failures
                  </th>
                </tr>
              </thead>
              <tbody>
                {shards.map((shard) => (
                  <tr key={shard.shard}>
                    <td className="number">{shard.shard}</td>
                    <td className={shard.status === 'failed' ? 'bad' : undefined}>{SHARD_STATUS_TEXT[shard.status]}</td>
                    <td>
                      {shard.done} / {shard.item_count} <ProgressBar value={finishedShare(shard)} label={`Progress of shard ${shard.shard}`} />
                    </td>
                    <td className="number">{shard.failed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section aria-labelledby="failures-title">
            <h2 id="failures-title">
              Failures<span className="count"> {job.counts.failed}</span>
            </h2>
            {job.errors.length === 0 ? (
              <p className="muted">No file failed.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">File</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {job.errors.map((failure, index) => (
                    <tr key={`${index} ${failure.path}`}>
                      <td className="name">{failure.path}</td>
                      <td className="error">{failure.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {job.counts.failed > job.errors.length && <p className="muted small">The first {job.errors.length} of {job.counts.failed} failures.</p>}
          </section>
        </>
      )}
    </>
  );
}
