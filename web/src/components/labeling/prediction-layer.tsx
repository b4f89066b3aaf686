import type { PredictedTrack } from '../../labeling/predictions.js';
import { boxAt, type Track } from '../../labeling/tracks.js';

/**
 * The predictions still to review on one frame, under the labeler's boxes: dotted, muted and named
 * by their model, and never picked up by the pointer (they are accepted or rejected from the list).
 */
export function PredictionLayer(props: { predictions: readonly PredictedTrack<Track>[]; frame: number; marked: string | null; width: number; height: number; nameOf: (track: Track) => string }) {
  const { frame, width, height } = props;
  return (
    <g className="prediction-layer" aria-hidden="true">
      {props.predictions.map(({ id, modelName, track }) => {
        const shown = boxAt(track, frame);
        if (!shown) return null;
        const { box } = shown;
        return (
          <g key={id} className={`prediction${id === props.marked ? ' marked' : ''}`} data-prediction={id}>
            <rect x={box.x0 * width} y={box.y0 * height} width={(box.x1 - box.x0) * width} height={(box.y1 - box.y0) * height} vectorEffect="non-scaling-stroke" />
            <text x={box.x0 * width + 3} y={box.y1 * height - 4}>
              {modelName}: {props.nameOf(track)}
            </text>
          </g>
        );
      })}
    </g>
  );
}
