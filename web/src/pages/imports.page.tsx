import { useEffect } from 'react';
import { Link } from 'react-router';
import type { ImportJob } from '../api/types.js';
import { ErrorNote } from '../components/error-note.js';
import { usePageTitle } from '../components/page-title.js';
import { ProgressBar } from '../components/progress-bar.js';
import { formatTime, shortId } from '../format.js';
import { finishedShare, isRunning, JOB_STATUS_TEXT } from '../imports/import-job.js';
import { useApi } from '../session.js';

const LIST_REFRESH_MS = 5000;
const RUNNING_REFRESH_MS = 2000;
const LIMIT = 100;

/** `/imports`: the import jobs (`camtrove import` runs), newest first, with their progress and failures. */
export function ImportsPage() {
  usePageTitle('Imports');
  const listed = useApi((c) => c.importJobs(LIMIT), 'imports', LIST_REFRESH_MS);
  const jobs = listed.data?.jobs ?? [];
  return (
    <>
      <h1>Imports</h1>
      <ErrorNote error={listed.error} />
      {listed.data && jobs.length === 0 && (
        <p className="muted">
          No import yet: <code>camtrove import &lt;folder&gt; --server {window.location.origin}</code> brings a folder of videos into the library, and its job shows here.
        </p>
      )}
      {jobs.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Files done</th>
              <th scope="col" className="number">
                Failures
              </th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <JobRow key={job.job_id} job={job} />
            ))}
          </tbody>
        </table>
      )}
      {listed.data?.next && <p className="muted small">Showing the newest {LIMIT} jobs.</p>}
    </>
  );
}

/** One job of the list, with its counts (its own call: the list does not carry them), looked at again while it runs. */
function JobRow({ job }: { job: ImportJob }) {
  const detail = useApi((c) => c.importJob(job.job_id), job.job_id);
  const { data, reload } = detail;
  useEffect(() => {
    if (!data || !isRunning(data.status)) return;
    const timer = setTimeout(reload, RUNNING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [data, reload]);
  const counts = data?.counts;
  const status = data?.status ?? job.status;
  const name = `Import ${shortId(job.job_id)}`;
  return (
    <tr>
      <td>
        <Link to={`/imports/${encodeURIComponent(job.job_id)}`} aria-label={name}>
          <code>{shortId(job.job_id)}</code>
        </Link>
      </td>
      <td className={status === 'complete_with_failures' ? 'bad' : undefined}>{JOB_STATUS_TEXT[status]}</td>
      <td>
        {counts ? (
          <>
            {counts.done} / {counts.item_count} <ProgressBar value={finishedShare(counts)} label={`Progress of ${name}`} />
          </>
        ) : (
          `— / ${job.item_count}`
        )}
      </td>
      <td className={counts && counts.failed > 0 ? 'number bad' : 'number'}>{counts ? counts.failed : '—'}</td>
      <td>{formatTime(job.created)}</td>
    </tr>
  );
}
