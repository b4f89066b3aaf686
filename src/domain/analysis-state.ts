/** The life of an analysis: PENDING → STARTED → SUCCESS | FAILURE | CANCELLED. */
export const ANALYSIS_STATES = ['PENDING', 'STARTED', 'SUCCESS', 'FAILURE', 'CANCELLED'] as const;
export type AnalysisState = (typeof ANALYSIS_STATES)[number];

export function isFinished(state: AnalysisState): boolean {
  return state === 'SUCCESS' || state === 'FAILURE' || state === 'CANCELLED';
}
