import { useBlocker } from 'react-router';

/**
 * Asks before leaving the page in the app (a menu link, the back button) while `when` holds; leaving
 * the app or reloading is asked by the browser (`beforeunload`).
 */
export function LeaveWarning({ when }: { when: boolean }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => when && currentLocation.pathname !== nextLocation.pathname);
  if (blocker.state !== 'blocked') return null;
  return (
    <div className="leave-warning" role="alertdialog" aria-modal="true" aria-labelledby="leave-title" aria-describedby="leave-text">
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
    </div>
  );
}
