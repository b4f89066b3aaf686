import { AuthError, CamtroveApiError } from '../../../src/sdk/errors.js';

/** An error from the server (its message, and its code to look up in docs/errors.md); a missing token is the prompt's to say. */
export function ErrorNote({ error }: { error: Error | null }) {
  if (!error || (error instanceof AuthError && error.status === 401)) return null;
  const code = error instanceof CamtroveApiError ? error.code : null;
  return (
    <p className="error" role="alert">
      {error.message}
      {code && <span className="code"> ({code})</span>}
    </p>
  );
}
