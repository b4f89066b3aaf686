import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSession } from '../session.js';

/** Asks for an API token when the server answers 401; says so when the one given is refused. */
export function TokenPrompt() {
  const { tokenNeeded, tryToken } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const [token, setToken] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (tokenNeeded !== null && !element.open) element.showModal();
    if (tokenNeeded === null && element.open) element.close();
  }, [tokenNeeded]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    void tryToken(token).then((why) => {
      setChecking(false);
      setRefusal(why);
      if (why === null) setToken('');
    });
  };

  return (
    // Escape must not leave the app without a token: the prompt stays until one is accepted.
    <dialog ref={dialog} aria-labelledby="token-title" onCancel={(event) => event.preventDefault()}>
      <form onSubmit={submit}>
        <h2 id="token-title">API token needed</h2>
        <p>This server needs an API token. Create one on the server&apos;s machine with <code>camtrove token create</code> and paste it here; it is kept until this tab closes.</p>
        {tokenNeeded && <p className="muted">The server said: {tokenNeeded}</p>}
        <label htmlFor="token-input">Token</label>
        <input id="token-input" type="password" autoComplete="off" autoFocus value={token} onChange={(event) => setToken(event.target.value)} aria-describedby={refusal ? 'token-refusal' : undefined} />
        {refusal && (
          <p id="token-refusal" className="error" role="alert">
            {refusal}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={checking}>
            {checking ? 'Checking…' : 'Use this token'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
