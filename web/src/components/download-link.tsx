import { useState, type ReactNode } from 'react';
import type { CamtroveClient } from '../api/client.js';
import { useSession } from '../session.js';
import { ErrorNote } from './error-note.js';

/**
 * A link that downloads from the API. Without a token it is a plain link; with one the bytes are
 * fetched with it and handed over as a file (a plain link cannot send a token).
 */
export function DownloadLink({ href, fileName, fetchBlob, label, children }: { href: string; fileName: string; fetchBlob: (client: CamtroveClient) => Promise<Blob>; label?: string; children: ReactNode }) {
  const { client, call } = useSession();
  const [error, setError] = useState<Error | null>(null);
  return (
    <>
      <a
        href={href}
        download
        aria-label={label}
        onClick={(event) => {
          if (!client.token) return;
          event.preventDefault();
          setError(null);
          call(fetchBlob).then((blob) => {
            const link = document.createElement('a');
            link.href = URL.createObjectURL(blob);
            link.download = fileName;
            link.click();
            setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
          }, setError);
        }}
      >
        {children}
      </a>
      <ErrorNote error={error} />
    </>
  );
}
