import { useState, type MouseEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { filePath } from '../api/client.js';
import type { LibraryFile } from '../api/types.js';
import { DeleteFileDialog } from '../components/delete-file-dialog.js';
import { ErrorNote } from '../components/error-note.js';
import { usePageTitle } from '../components/page-title.js';
import { UploadPanel } from '../components/upload-panel.js';
import { formatBytes, formatTime } from '../format.js';
import { useSession, useApi } from '../session.js';

const PAGE_SIZE = 50;

/** `/files`: the library's files, newest first, a page at a time (`?after=` keeps the page in the URL). */
export function FilesPage() {
  usePageTitle('Files');
  const { client, call } = useSession();
  const [params] = useSearchParams();
  const after = params.get('after') ?? undefined;
  const files = useApi((c) => c.files({ limit: PAGE_SIZE, after }), after ?? '');
  const [deleting, setDeleting] = useState<LibraryFile | null>(null);
  const [downloadError, setDownloadError] = useState<Error | null>(null);

  // A link cannot send the token: with one, the bytes are fetched and handed over as a blob.
  const download = (event: MouseEvent, file: LibraryFile) => {
    if (!client.token) return;
    event.preventDefault();
    call((c) => c.fileBlob(file.file_id)).then((blob) => {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = file.name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    }, setDownloadError);
  };

  return (
    <>
      <h1>Files</h1>
      <UploadPanel onUploaded={files.reload} />
      <section aria-labelledby="library-title">
        <h2 id="library-title">Library</h2>
        <ErrorNote error={files.error ?? downloadError} />
        {files.data && files.data.files.length === 0 && <p className="muted">{after ? 'No more files.' : 'No files yet: upload some above.'}</p>}
        {files.data && files.data.files.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="number">
                  Size
                </th>
                <th scope="col">Type</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {files.data.files.map((file) => (
                <tr key={file.file_id}>
                  <td className="name">{file.name}</td>
                  <td className="number">{formatBytes(file.size)}</td>
                  <td>{file.content_type}</td>
                  <td>{formatTime(file.created_at)}</td>
                  <td className="row-actions">
                    <a href={filePath(file.file_id)} download={file.name} onClick={(event) => download(event, file)} aria-label={`Download ${file.name}`}>
                      Download
                    </a>
                    <button type="button" className="danger" onClick={() => setDeleting(file)} aria-label={`Delete ${file.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav className="pager" aria-label="Pages of files">
          {after && <Link to="/files">First page</Link>}
          {files.data?.next && <Link to={`/files?after=${encodeURIComponent(files.data.next)}`}>Next page</Link>}
        </nav>
      </section>
      {deleting && (
        <DeleteFileDialog
          file={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setDeleting(null);
            files.reload();
          }}
        />
      )}
    </>
  );
}
