// `npm run eval:motion`: renders clips with known motion (once; cached in eval/.cache), segments each
// with a detector and prints recall, precision, false events and boundary error. Exits 1 when the
// quality goals are missed, 2 on an error. docs/motion.md records the results.
//
//   npm run eval:motion                          camtrove segment (the build runs first)
//   npm run eval:motion -- --detector mog2       OpenCV's MOG2 peer (python3-opencv)
//   npm run eval:motion -- --detector "CMD ARGS {clip}"   any command printing {"events": [{start, end}]}
//   options: --only SUBSTRING  --json  --markdown  --render-only  --cache DIR  --python PATH
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate, renderAll } from './evaluate.js';
import { markdownReport, scenarioMarkdown, textReport } from './report.js';
import { scenarios } from './scenarios.js';

/** The event gap of the evaluation: truth and detectors join motion by the same rule. */
const EVENT_GAP = 5;
const projectRoot = resolve(import.meta.dirname, '..', '..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      detector: { type: 'string', default: 'camtrove' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      cache: { type: 'string', default: join(projectRoot, 'eval', '.cache') },
      python: { type: 'string', default: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3' },
    },
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const chosen = scenarios.filter((s) => values.only === undefined || s.name.includes(values.only));
  if (chosen.length === 0) throw new Error(`no clip name contains "${values.only}"; clips: ${scenarios.map((s) => s.name).join(', ')}`);
  // The sample clips: CAMTROVE_SAMPLE_DATA, else shared/data beside the checkout (as the tests find them).
  const vtestPath = join(process.env.CAMTROVE_SAMPLE_DATA || join(projectRoot, '..', 'shared', 'data'), 'vtest.avi');
  const vtest = existsSync(vtestPath) ? vtestPath : null;
  if (!vtest) log(`${vtestPath} is absent: clips on the vtest background use a synthetic texture instead (results differ from docs/motion.md; CAMTROVE_SAMPLE_DATA names the folder of the sample clips)`);
  if (values.detector === 'camtrove' && !existsSync(join(projectRoot, 'dist', 'cli', 'main.js'))) throw new Error('camtrove is not built: run `npm run build` (npm run eval:motion does)');
  const options = { cacheDir: resolve(values.cache), vtest, gap: EVENT_GAP, log };
  if (values['render-only']) {
    const clips = await renderAll(chosen, options);
    for (const clip of clips) console.log(`${clip.path}  (truth: ${clip.truthPath})`);
    if (values.markdown) console.log(`\n${scenarioMarkdown(clips)}`);
    return 0;
  }
  const evaluation = await evaluate(chosen, { ...options, detector: values.detector, projectRoot, python: values.python });
  if (values.json) console.log(JSON.stringify(evaluation, null, 2));
  else if (values.markdown) console.log(`${scenarioMarkdown(evaluation.clips)}\n\n${markdownReport(evaluation)}`);
  else console.log(textReport(evaluation));
  return evaluation.missedGoals.length === 0 ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`eval:motion: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
