import { KEY_HELP } from '../../labeling/keys.js';
import { PREDICTION_KEY_HELP } from '../../labeling/prediction-keys.js';

/** The keys of the labeling tool (`?` shows and hides it). */
export function HelpPanel({ onClose }: { onClose: () => void }) {
  return (
    <section className="help-panel" aria-labelledby="help-title">
      <h2 id="help-title">Keyboard</h2>
      <KeyList keys={KEY_HELP} />
      <h3>Predictions</h3>
      <KeyList keys={PREDICTION_KEY_HELP} />
      <button type="button" onClick={onClose}>
        Close
      </button>
    </section>
  );
}

function KeyList({ keys }: { keys: readonly (readonly [keys: string, action: string])[] }) {
  return (
    <dl>
      {keys.map(([pressed, action]) => (
        <div key={pressed}>
          <dt>{pressed}</dt>
          <dd>{action}</dd>
        </div>
      ))}
    </dl>
  );
}
