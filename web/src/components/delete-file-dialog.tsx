import { useEffect, useRef, useState } from 'react';
import type { FileUsage, LibraryFile } from '../api/types.js';
import { useSession } from '../session.js';
import { ErrorNote } from './error-note.js';

/**
 * Confirms a deletion, naming what uses the file first (GET /api/files/{id}/usage): nothing, the
 * records that go with it, or why it cannot go yet.
 */
export function DeleteFileDialog({ file, onClose, onDeleted }: { file: LibraryFile; onClose: () => void; onDeleted: () => void }) {
  const { call } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const [usage, setUsage] = useState<FileUsage | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
    call((c) => c.fileUsage(file.file_id)).then(setUsage, setError);
  }, [call, file.file_id]);

  const remove = () => {
    if (!usage) return;
    setDeleting(true);
    call((c) => c.deleteFile(file.file_id, usage.deletion === 'cascade')).then(onDeleted, (failure: Error) => {
      setDeleting(false);
      setError(failure);
    });
  };

  return (
    <dialog ref={dialog} aria-labelledby="delete-title" onClose={onClose}>
      <h2 id="delete-title">Delete {file.name}?</h2>
      {!usage && !error && <p className="muted">Looking for what uses it…</p>}
      {usage?.deletion === 'alone' && <p>Nothing else in the library uses this file.</p>}
      {usage?.deletion === 'cascade' && (
        <p>
          Deleting it also deletes what uses it: <strong>{usage.description}</strong>.
        </p>
      )}
      {usage?.deletion === 'refused' && (
        <p className="error">
          It cannot be deleted now: it is used by {usage.description}; {usage.remedy}.
        </p>
      )}
      <ErrorNote error={error} />
      <div className="actions">
        <button type="button" onClick={() => dialog.current?.close()} autoFocus>
          Cancel
        </button>
        {usage && usage.deletion !== 'refused' && (
          <button type="button" className="danger" onClick={remove} disabled={deleting}>
            {usage.deletion === 'cascade' ? 'Delete it and what uses it' : 'Delete'}
          </button>
        )}
      </div>
    </dialog>
  );
}
