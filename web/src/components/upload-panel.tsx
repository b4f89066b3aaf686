import { useRef, useState, type DragEvent } from 'react';
import { AuthError } from '../../../src/sdk/errors.js';
import { uploadFile } from '../api/upload.js';
import { formatBytes } from '../format.js';
import { useSession } from '../session.js';
import { ProgressBar } from './progress-bar.js';

interface Upload {
  key: number;
  name: string;
  size: number;
  sent: number;
  outcome: { kind: 'sending' } | { kind: 'stored'; created: boolean } | { kind: 'failed'; message: string };
}

/** Upload by dropping files on the zone or choosing them; each file with its own progress bar. */
export function UploadPanel({ onUploaded }: { onUploaded: () => void }) {
  const { client, call } = useSession();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const nextKey = useRef(0);

  const update = (key: number, change: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const send = (files: readonly File[]) => {
    for (const file of files) {
      const key = nextKey.current++;
      setUploads((all) => [{ key, name: file.name, size: file.size, sent: 0, outcome: { kind: 'sending' } }, ...all]);
      // Through the session, so a 401 asks for a token.
      call(() => uploadFile(file, client.token, (sent) => update(key, { sent })))
        .then((answer) => {
          update(key, { sent: file.size, outcome: { kind: 'stored', created: answer.created } });
          onUploaded();
        })
        .catch((error: unknown) => {
          const message = error instanceof AuthError && error.status === 401 ? 'needs an API token: give one, then upload it again' : (error as Error).message;
          update(key, { outcome: { kind: 'failed', message } });
        });
    }
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    send([...event.dataTransfer.files]);
  };

  return (
    <section aria-labelledby="upload-title">
      <h2 id="upload-title">Upload</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p>Drop video, images or any file here, or</p>
        <label className="button">
          Choose files…
          <input
            ref={input}
            className="visually-hidden"
            type="file"
            multiple
            onChange={(event) => {
              send([...(event.target.files ?? [])]);
              if (input.current) input.current.value = '';
            }}
          />
        </label>
      </div>
      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.key}>
              <span className="name">{u.name}</span>
              <ProgressBar value={u.size === 0 ? 1 : u.sent / u.size} label={`Upload of ${u.name}`} />
              <span className="muted">{formatBytes(u.size)}</span>
              <span role="status" className={u.outcome.kind === 'failed' ? 'error' : undefined}>
                {u.outcome.kind === 'sending' && 'sending…'}
                {u.outcome.kind === 'stored' && (u.outcome.created ? 'stored' : 'already in the library')}
                {u.outcome.kind === 'failed' && `failed: ${u.outcome.message}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
