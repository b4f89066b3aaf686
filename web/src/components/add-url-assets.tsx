import { useState, type FormEvent } from 'react';
import { addUrlAssets } from '../api/labeling.js';
import { plural } from '../format.js';
import { parseUrlLines } from '../projects/add-assets.js';
import { useSession } from '../session.js';
import { ErrorNote } from './error-note.js';

/** Adds videos by URL, one a line with an optional external id; the server fetches them. */
export function AddUrlAssets({ projectId, onAdded }: { projectId: string; onAdded: () => void }) {
  const { call } = useSession();
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { assets, errors } = parseUrlLines(text);
    setProblems(errors);
    setOutcome(null);
    setError(null);
    if (errors.length > 0 || assets.length === 0) return;
    setBusy(true);
    call((c) => addUrlAssets(c, projectId, assets))
      .then((answer) => {
        setOutcome([`Added ${plural(answer.assetIds.length, 'video')}.`, ...answer.warnings].join(' '));
        if (answer.assetIds.length > 0) setText('');
        onAdded();
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <form onSubmit={submit} className="add-urls">
      <label>
        Video URLs <span className="muted small">(one a line; an external id may follow the URL after a space)</span>
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} placeholder="https://example.org/night-1.mp4 night-1" />
      </label>
      <button type="submit" disabled={busy || !text.trim()}>
        Add these videos
      </button>
      {problems.length > 0 && (
        <ul className="error" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <p role="status" className="small">
        {outcome}
      </p>
      <ErrorNote error={error} />
    </form>
  );
}
