// The labeling tool's keys for the predictions layer, apart from the drawing keys (keys.ts). Pure.
import type { KeyPress } from './keys.js';

export type PredictionCommand = { kind: 'acceptPrediction' } | { kind: 'acceptAllPredictions' } | { kind: 'rejectPrediction' } | { kind: 'togglePredictions' };

/** The predictions command a key press means, or null. */
export function predictionCommandFor(press: KeyPress): PredictionCommand | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  const key = press.key.toLowerCase();
  if (key === 'a') return { kind: press.shiftKey ? 'acceptAllPredictions' : 'acceptPrediction' };
  if (key === 'x' && !press.shiftKey) return { kind: 'rejectPrediction' };
  if (key === 'v' && !press.shiftKey) return { kind: 'togglePredictions' };
  return null;
}

/** What the help panel lists for the predictions. */
export const PREDICTION_KEY_HELP: readonly (readonly [keys: string, action: string])[] = [
  ['A', 'accept the marked prediction: it becomes one of your tracks'],
  ['X', 'reject the marked prediction'],
  ['Shift+A', 'accept every prediction listed'],
  ['V', 'show or hide the predictions'],
];

export function isPredictionCommand(command: { kind: string }): command is PredictionCommand {
  return ['acceptPrediction', 'acceptAllPredictions', 'rejectPrediction', 'togglePredictions'].includes(command.kind);
}
