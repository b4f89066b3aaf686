import type { PredictedTrack } from '../../labeling/predictions.js';
import { fromVertices, shapeAt, type Track } from '../../labeling/tracks.js';
import { ShapeOutline } from './shape-outline.js';

/**
 * The predictions still to review on one frame, under the labeler's shapes: dotted, muted and named
 * by their model, and never picked up by the pointer (they are accepted or rejected from the list).
 */
export function PredictionLayer(props: { predictions: readonly PredictedTrack<Track>[]; frame: number; marked: string | null; width: number; height: number; nameOf: (track: Track) => string }) {
  const { frame, width, height } = props;
  return (
    <g className="prediction-layer" aria-hidden="true">
      {props.predictions.map(({ id, modelName, track }) => {
        const shown = shapeAt(track, frame, width / height);
        if (!shown) return null;
        const bounds = fromVertices(shown.points);
        return (
          <g key={id} className={`prediction${id === props.marked ? ' marked' : ''}`} data-prediction={id} data-tool={track.tool}>
            <ShapeOutline tool={track.tool} points={shown.points} width={width} height={height} />
            <text x={bounds.x0 * width + (track.tool === 'marker' ? 8 : 3)} y={(track.tool === 'marker' ? bounds.y0 : bounds.y1) * height - 4}>
              {modelName}: {props.nameOf(track)}
            </text>
          </g>
        );
      })}
    </g>
  );
}
