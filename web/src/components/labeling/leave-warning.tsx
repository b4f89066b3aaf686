import { useEffect, useRef } from 'react';
import { useBlocker, type Blocker } from 'react-router';

/**
 * Asks before leaving the page in the app (a menu link, the back button) while `when` holds; leaving
 * the app or reloading is asked by the browser (`beforeunload`).
 */
export function LeaveWarning({ when }: { when: boolean }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => when && currentLocation.pathname !== nextLocation.pathname);
  return blocker.state === 'blocked' ? <LeaveQuestion blocker={blocker} /> : null;
}

/** A modal dialog: the page under it is inert, Tab stays in it, and Escape means Stay. */
function LeaveQuestion({ blocker }: { blocker: Blocker & { state: 'blocked' } }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} className="leave-warning" role="alertdialog" aria-labelledby="leave-title" aria-describedby="leave-text" onCancel={(event) => (event.preventDefault(), blocker.reset())}>
      <h2 id="leave-title">Leave without saving?</h2>
      <p id="leave-text">Your changes to this asset are not saved as your label yet. If you leave now, changes made since the last autosave are lost.</p>
      <div className="actions">
        <button type="button" className="primary" autoFocus onClick={() => blocker.reset()}>
          Stay
        </button>
        <button type="button" className="danger" onClick={() => blocker.proceed()}>
          Leave without saving
        </button>
      </div>
    </dialog>
  );
}
