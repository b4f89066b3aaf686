import { useState } from 'react';
import type { Analysis, AnalysisState } from '../api/types.js';
import { ErrorNote } from '../components/error-note.js';
import { usePageTitle } from '../components/page-title.js';
import { ProgressBar } from '../components/progress-bar.js';
import { formatTime, shortId } from '../format.js';
import { useApi, useSession } from '../session.js';

const REFRESH_MS = 2000;
const LIMIT = 100;

const SECTIONS: { state: AnalysisState; title: string; empty: string }[] = [
  { state: 'STARTED', title: 'Running', empty: 'Nothing is running.' },
  { state: 'PENDING', title: 'Waiting', empty: 'Nothing is waiting.' },
  { state: 'FAILURE', title: 'Failed', empty: 'No analysis failed.' },
];

/** `/analyses`: the queue, by state, refreshed every few seconds; cancel what waits or runs, retry what failed. */
export function AnalysesPage() {
  usePageTitle('Analyses');
  return (
    <>
      <h1>Analyses</h1>
      {SECTIONS.map((section) => (
        <QueueSection key={section.state} {...section} />
      ))}
    </>
  );
}

function QueueSection({ state, title, empty }: { state: AnalysisState; title: string; empty: string }) {
  const { call } = useSession();
  const listed = useApi((c) => c.analyses({ state, limit: LIMIT }), state, REFRESH_MS);
  const [actionError, setActionError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const id = `queue-${state.toLowerCase()}`;

  const act = (analysis: Analysis, work: () => Promise<unknown>) => {
    setBusy(analysis.analysis_id);
    setActionError(null);
    work()
      .then(listed.reload, setActionError)
      .finally(() => setBusy(null));
  };

  const analyses = listed.data?.analyses ?? [];
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title}
        {listed.data && <span className="count"> {analyses.length}{listed.data.next ? '+' : ''}</span>}
      </h2>
      <ErrorNote error={listed.error ?? actionError} />
      {listed.data && analyses.length === 0 && <p className="muted">{empty}</p>}
      {analyses.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Analysis</th>
              <th scope="col">Id</th>
              <th scope="col">File</th>
              <th scope="col">{state === 'FAILURE' ? 'Error' : state === 'STARTED' ? 'Progress' : 'Queued'}</th>
              <th scope="col">Attempts</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {analyses.map((a) => (
              <tr key={a.analysis_id}>
                <td className="name">{a.analysis}</td>
                <td>
                  <code>{shortId(a.analysis_id)}</code>
                </td>
                <td>{a.file_id ? <code>{shortId(a.file_id)}</code> : '—'}</td>
                <td>
                  {state === 'STARTED' && <ProgressBar value={a.progress} label={`Progress of ${a.analysis} ${shortId(a.analysis_id)}`} />}
                  {state === 'PENDING' && formatTime(a.created_at)}
                  {state === 'FAILURE' && (
                    <span className="error">
                      {a.error?.message ?? 'failed'} {a.error && <span className="code">({a.error.code})</span>}
                    </span>
                  )}
                </td>
                <td className="number">{a.attempts}</td>
                <td className="row-actions">
                  {state === 'FAILURE' ? (
                    <button type="button" disabled={busy === a.analysis_id} onClick={() => act(a, () => call((c) => c.retryAnalysis(a)))} aria-label={`Retry ${a.analysis} ${shortId(a.analysis_id)}`}>
                      Retry
                    </button>
                  ) : (
                    <button type="button" className="danger" disabled={busy === a.analysis_id} onClick={() => act(a, () => call((c) => c.cancelAnalysis(a.analysis_id)))} aria-label={`Cancel ${a.analysis} ${shortId(a.analysis_id)}`}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
