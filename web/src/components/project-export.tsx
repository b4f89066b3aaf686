import { useEffect, useState } from 'react';
import { exportZip, LABEL_EXPORT_FORMATS, labelExport, startExport, type ExportFormat } from '../api/labeling.js';
import type { LabelExport } from '../api/types.js';
import { useSession } from '../session.js';
import { DownloadLink } from './download-link.js';
import { ErrorNote } from './error-note.js';
import { ProgressBar } from './progress-bar.js';

const FOLLOW_MS = 1000;

/** Exports the project's labels in a format: the export runs as a job, followed until its zip can be downloaded. */
export function ProjectExport({ projectId }: { projectId: string }) {
  const { call } = useSession();
  const [running, setRunning] = useState<{ title: string; job: LabelExport } | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const start = (format: ExportFormat, title: string) => {
    setError(null);
    call((c) => startExport(c, projectId, format)).then((job) => setRunning({ title, job }), setError);
  };
  // Followed a moment after each answer until it is DONE or FAILED.
  useEffect(() => {
    if (!running || running.job.status === 'DONE' || running.job.status === 'FAILED') return;
    const timer = setTimeout(() => {
      call((c) => labelExport(c, running.job.id)).then((job) => setRunning((shown) => (shown?.job.id === job.id ? { ...shown, job } : shown)), setError);
    }, FOLLOW_MS);
    return () => clearTimeout(timer);
  }, [running, call]);

  const job = running?.job;
  const { assetsDone, assetsTotal } = job?.progress ?? { assetsDone: 0, assetsTotal: 0 };
  return (
    <div className="project-export">
      <div className="export">
        <span>Export:</span>
        {LABEL_EXPORT_FORMATS.map(({ format, title }) => (
          <button key={format} type="button" onClick={() => start(format, title)} disabled={job !== undefined && (job.status === 'QUEUED' || job.status === 'RUNNING')}>
            {title}
          </button>
        ))}
      </div>
      {running && job && (
        <p className="upload-line">
          {running.title} export <ProgressBar value={job.status === 'DONE' ? 1 : assetsTotal === 0 ? 0 : assetsDone / assetsTotal} label={`${running.title} export`} />{' '}
          <span role="status">{job.status === 'DONE' ? 'ready' : job.status === 'FAILED' ? 'failed' : `${assetsDone} of ${assetsTotal} assets`}</span>{' '}
          {job.download && (
            <DownloadLink href={job.download} fileName={`${projectId}-${job.fmt}.zip`} fetchBlob={(c) => exportZip(c, job.id)}>
              Download the {running.title} zip
            </DownloadLink>
          )}
        </p>
      )}
      {job?.error && <p className="error">{job.error.message}</p>}
      <ErrorNote error={error} />
    </div>
  );
}
