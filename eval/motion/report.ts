import type { Scenario } from './scenario.js';
import { median, type ClipScore, type Summary } from './score.js';
import type { Span } from './truth.js';

/** One evaluated clip. */
export interface ClipResult {
  scenario: Scenario;
  truth: Span[];
  predicted: Span[];
  score: ClipScore;
  /** Wall time of the detector on this clip. */
  seconds: number;
}

export interface Evaluation {
  detector: string;
  clips: ClipResult[];
  summary: Summary;
  /** Footage evaluated, seconds. */
  footage: number;
  /** Wall time of all detector runs, seconds. */
  detectorSeconds: number;
  /** Wall time of the whole run (rendering included), seconds. */
  wallSeconds: number;
  missedGoals: string[];
}

const spans = (list: readonly Span[]) => (list.length === 0 ? '-' : list.map((s) => `${s.start.toFixed(1)}–${s.end.toFixed(1)}`).join(' '));
const clipMedian = (score: ClipScore) => (score.boundaryErrors.length === 0 ? '-' : median(score.boundaryErrors).toFixed(2));

/** A plain-text table of the clips, then the spans of every clip that missed or invented an event. */
export function textReport(evaluation: Evaluation): string {
  const header = ['clip', 'size', 'fps', 'length', 'truth', 'found', 'matched', 'false', 'boundary s', 'detector s'];
  const rows = evaluation.clips.map(({ scenario, score, seconds }) => [
    scenario.name,
    `${scenario.width}x${scenario.height}`,
    String(scenario.fps),
    `${scenario.duration} s`,
    String(score.truthEvents),
    String(score.predictedEvents),
    String(score.matched),
    String(score.falseEvents),
    clipMedian(score),
    seconds.toFixed(1),
  ]);
  const widths = header.map((title, k) => Math.max(title.length, ...rows.map((row) => row[k]!.length)));
  const line = (cells: string[]) => cells.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  ');
  const lines = [line(header), ...rows.map(line)];
  const imperfect = evaluation.clips.filter((c) => c.score.matched < c.score.truthEvents || c.score.falseEvents > 0);
  if (imperfect.length > 0) {
    lines.push('', 'clips with missed or false events:');
    for (const c of imperfect) lines.push(`  ${c.scenario.name}: truth ${spans(c.truth)}; found ${spans(c.predicted)}`);
  }
  const { summary } = evaluation;
  lines.push(
    '',
    `${evaluation.detector}: recall ${summary.recall.toFixed(3)} (${summary.matched}/${summary.truthEvents}), precision ${summary.precision.toFixed(3)} ` +
      `(${summary.matched}/${summary.predictedEvents}), false events ${summary.falseEventsWithObjects} on clips with objects and ` +
      `${summary.falseEventsWithoutObjects} on clips without, median boundary error ${summary.medianBoundaryError.toFixed(2)} s`,
    `${summary.clips} clips, ${(evaluation.footage / 60).toFixed(1)} min of footage; detector ${evaluation.detectorSeconds.toFixed(1)} s ` +
      `(${(evaluation.footage / Math.max(evaluation.detectorSeconds, 1e-9)).toFixed(0)}× real time), whole run ${evaluation.wallSeconds.toFixed(1)} s`,
    evaluation.missedGoals.length === 0 ? 'goals met' : `goals missed: ${evaluation.missedGoals.join('; ')}`,
  );
  return lines.join('\n');
}

/** The results as the Markdown tables docs/motion.md records. */
export function markdownReport(evaluation: Evaluation): string {
  const { summary } = evaluation;
  const lines = [
    '| clip | true events | found | matched | false | median boundary error (s) | events found (s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...evaluation.clips.map(({ scenario, score, predicted }) =>
      `| ${scenario.name} | ${score.truthEvents} | ${score.predictedEvents} | ${score.matched} | ${score.falseEvents} | ${clipMedian(score)} | ${spans(predicted)} |`,
    ),
    '',
    '| measure | value | goal |',
    '| --- | ---: | --- |',
    `| recall | ${summary.recall.toFixed(3)} (${summary.matched}/${summary.truthEvents}) | ≥ 0.95 |`,
    `| precision | ${summary.precision.toFixed(3)} (${summary.matched}/${summary.predictedEvents}) | ≥ 0.95 |`,
    `| false events, clips with objects | ${summary.falseEventsWithObjects} | |`,
    `| false events, clips without objects | ${summary.falseEventsWithoutObjects} | 0 |`,
    `| median boundary error | ${summary.medianBoundaryError.toFixed(2)} s | ≤ 0.5 s |`,
    `| detector time | ${evaluation.detectorSeconds.toFixed(1)} s for ${(evaluation.footage / 60).toFixed(1)} min (${(evaluation.footage / Math.max(evaluation.detectorSeconds, 1e-9)).toFixed(0)}× real time) | |`,
  ];
  return lines.join('\n');
}

/** The clips as a Markdown table: what each one tests and its true events. */
export function scenarioMarkdown(clips: readonly { scenario: Scenario; truth: Span[] }[]): string {
  return [
    '| clip | size, fps, length | background | what it tests | true events (s) |',
    '| --- | --- | --- | --- | --- |',
    ...clips.map(({ scenario, truth }) =>
      `| ${scenario.name} | ${scenario.width}×${scenario.height}, ${scenario.fps} fps, ${scenario.duration} s | ${scenario.background} | ${scenario.about} | ${spans(truth)} |`,
    ),
  ].join('\n');
}
