import { detectorCommand, parseDetectorOutput, type DetectorContext } from './detector.js';
import { runProcess } from './process.js';
import { renderClip, type RenderedClip, type RenderOptions } from './render.js';
import type { ClipResult, Evaluation } from './report.js';
import type { Scenario } from './scenario.js';
import { missedGoals, scoreClip, summarise } from './score.js';

export interface EvaluateOptions extends RenderOptions {
  /** `camtrove`, `mog2`, or a command line (see detectorCommand). */
  detector: string;
  projectRoot: string;
  python: string;
  log: (line: string) => void;
}

/** Renders every scenario first (cached), so the detector runs are timed on an idle machine. */
export async function renderAll(scenarios: readonly Scenario[], options: RenderOptions & { log: (line: string) => void }): Promise<RenderedClip[]> {
  const clips: RenderedClip[] = [];
  for (const scenario of scenarios) {
    const started = performance.now();
    const clip = await renderClip(scenario, options);
    if (clip.rendered) options.log(`rendered ${scenario.name} (${scenario.width}x${scenario.height}, ${scenario.duration} s) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    clips.push(clip);
  }
  return clips;
}

/** Runs the detector on each clip (one at a time, so its timings are its own) and scores it. */
export async function evaluate(scenarios: readonly Scenario[], options: EvaluateOptions): Promise<Evaluation> {
  const started = performance.now();
  const clips = await renderAll(scenarios, options);
  const context: DetectorContext = { projectRoot: options.projectRoot, gap: options.gap, python: options.python };
  const results: ClipResult[] = [];
  for (const clip of clips) {
    const { program, args } = detectorCommand(options.detector, clip.path, context);
    const detectorStarted = performance.now();
    const { stdout } = await runProcess(program, args, { cwd: options.projectRoot, timeoutMs: 10 * 60_000 });
    const seconds = (performance.now() - detectorStarted) / 1000;
    const predicted = parseDetectorOutput(stdout);
    const score = scoreClip(clip.truth, predicted);
    results.push({ scenario: clip.scenario, truth: clip.truth, predicted, score, seconds });
    options.log(`${clip.scenario.name}: ${score.matched}/${score.truthEvents} matched, ${score.falseEvents} false (${seconds.toFixed(1)} s)`);
  }
  const summary = summarise(results.map((r) => r.score));
  return {
    detector: options.detector,
    clips: results,
    summary,
    footage: scenarios.reduce((sum, s) => sum + s.duration, 0),
    detectorSeconds: results.reduce((sum, r) => sum + r.seconds, 0),
    wallSeconds: (performance.now() - started) / 1000,
    missedGoals: missedGoals(summary),
  };
}
