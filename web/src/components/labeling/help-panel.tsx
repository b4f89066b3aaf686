import { KEY_HELP } from '../../labeling/keys.js';

/** The keys of the labeling tool (`?` shows and hides it). */
export function HelpPanel({ onClose }: { onClose: () => void }) {
  return (
    <section className="help-panel" aria-labelledby="help-title">
      <h2 id="help-title">Keyboard</h2>
      <dl>
        {KEY_HELP.map(([keys, action]) => (
          <div key={keys}>
            <dt>{keys}</dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
