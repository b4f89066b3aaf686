import type { PredictedTrack } from '../../labeling/predictions.js';

/**
 * The predictions still to review, each with Accept and Reject; the marked one (chosen here, else the
 * first) is the one the keys A and X act on. A checkbox shows or hides the layer on the frame.
 */
export function PredictionsPanel<T extends { mid: string }>(props: {
  pending: readonly PredictedTrack<T>[];
  marked: string | null;
  shown: boolean;
  describe: (track: T) => string;
  onShow: (shown: boolean) => void;
  onMark: (id: string) => void;
  onAccept: (accepted: readonly PredictedTrack<T>[]) => void;
  onReject: (prediction: PredictedTrack<T>) => void;
}) {
  const { pending } = props;
  return (
    <section className="predictions" aria-labelledby="predictions-title">
      <h2 id="predictions-title">Predictions</h2>
      <label className="predictions-shown">
        <input type="checkbox" checked={props.shown} onChange={(event) => props.onShow(event.target.checked)} /> Show on the frame (V)
      </label>
      {pending.length === 0 ? (
        <p className="muted">None to review.</p>
      ) : (
        <>
          <ul className="plain">
            {pending.map((prediction) => (
              <li key={prediction.id} className={prediction.id === props.marked ? 'marked' : undefined}>
                <button type="button" className="prediction-name" aria-current={prediction.id === props.marked} onClick={() => props.onMark(prediction.id)}>
                  {props.describe(prediction.track)} <span className="muted">({prediction.modelName})</span>
                </button>
                <span className="prediction-actions">
                  <button type="button" onClick={() => props.onAccept([prediction])} aria-label={`Accept ${props.describe(prediction.track)} (${prediction.modelName})`}>
                    Accept
                  </button>
                  <button type="button" onClick={() => props.onReject(prediction)} aria-label={`Reject ${props.describe(prediction.track)} (${prediction.modelName})`}>
                    Reject
                  </button>
                </span>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => props.onAccept(pending)}>
            Accept all {pending.length} (Shift+A)
          </button>
        </>
      )}
    </section>
  );
}
