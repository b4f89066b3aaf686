// The predictions layer's state in the labeling tool: the predictions still to review, the marked
// one, whether the layer is shown, and the edits that accept or reject (through the tool's undo history).
import { useMemo, useState } from 'react';
import type { PredictionCommand } from './prediction-keys.js';
import { accept, pendingPredictions, predictedTracks, reject, type PredictedTrack, type Work } from './predictions.js';

export function usePredictions<T extends { mid: string }, W extends Work<T>>(models: readonly { modelName: string; tracks: readonly T[] }[], work: W, change: (edit: (work: W) => W) => void) {
  const all = useMemo(() => predictedTracks(models), [models]);
  const pending = useMemo(() => pendingPredictions(all, work), [all, work]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [shown, setShown] = useState(true);
  // The one chosen in the list while it is still there, else the first: A, A, A goes down the list.
  const marked = pending.find((p) => p.id === chosen) ?? pending[0] ?? null;

  const acceptSome = (accepted: readonly PredictedTrack<T>[]) => change((now) => accept<T, W>(now, accepted));
  const rejectOne = (prediction: PredictedTrack<T>) => change((now) => reject(now, prediction));
  const run = (command: PredictionCommand) => {
    switch (command.kind) {
      case 'acceptPrediction':
        if (marked) acceptSome([marked]);
        return;
      case 'acceptAllPredictions':
        if (pending.length > 0) acceptSome(pending);
        return;
      case 'rejectPrediction':
        if (marked) rejectOne(marked);
        return;
      case 'togglePredictions':
        setShown((now) => !now);
        return;
    }
  };
  return { pending, marked: marked?.id ?? null, shown, setShown, mark: setChosen, accept: acceptSome, reject: rejectOne, run };
}
