import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Command } from 'commander';
import { isFinished } from '../../domain/analysis-state.js';
import { CamtroveError } from '../../domain/errors.js';
import { addCommonOptions, type CommonOptions } from '../context.js';
import type { AnalysisBody, LibraryApi } from '../library-api.js';
import { emit } from '../output.js';
import { progressBar } from '../progress.js';
import { addServerOptions, withLibraryApi, type ServerOptions } from '../remote.js';

interface AnalyzeOptions extends CommonOptions, ServerOptions {
  param: string[];
  model?: string;
  wait?: boolean;
}

export function analyzeCommand(): Command {
  return addServerOptions(
    addCommonOptions(
      new Command('analyze')
        .description('start an analysis of a file; with --wait, run it here (or wait for the server of --server to run it) and print the result')
        .argument('<file>', 'a file id or unique prefix, a local path (added to the library first), or - for analyses without input')
        .argument('<analysis>', 'probe, transcode, thumbnail, frames, sleep, …')
        .option('-p, --param <key=value>', 'an analysis parameter (repeatable)', collect, [])
        .option('--model <name>', 'model, for analyses that have models')
        .option('--wait', 'wait for the result, working on the queue in this process meanwhile (with --server: the server\'s workers run it)'),
    ),
    'analyse a file of a camtrove server\'s library (a local path is uploaded first)',
  ).action(async (file: string, analysis: string, options: AnalyzeOptions) => {
    await withLibraryApi(options, async (api) => {
      // Waiting runs the analysis here: without ffmpeg, say so before anything is queued.
      if (options.wait) api.local?.media.ensureAvailable();
      const fileId = await inputFileId(api, file);
      const started = await api.analyses.start({ analysis, fileId, model: options.model ?? null, params: parseParams(options.param) });
      if (!options.wait) {
        emit(options.json, { analysis_id: started.analysis_id, state: started.state }, () => `${started.analysis_id} ${started.state} (poll with GET /api/analyses/${started.analysis_id}/result)`);
        return;
      }
      const record = await waitFor(api, started.analysis_id);
      // A failure is said once, by the error below; --json still gives scripts the whole record.
      if (options.json || record.state === 'SUCCESS') emit(options.json, record, () => JSON.stringify(record.result, null, 2));
      if (record.state === 'FAILURE') throw new CamtroveError(record.error?.code ?? 'CAMTROVE_ERR_ANALYSIS_FAILED', `analysis ${record.analysis_id} failed: ${record.error?.message ?? 'unknown reason'}`);
      if (record.state === 'CANCELLED') throw new CamtroveError('CAMTROVE_ERR_ANALYSIS_CANCELLED', `analysis ${record.analysis_id} was cancelled`);
      // The worker's own warning about the failure would say it a second time.
    }, options.wait ? 'error' : 'warn');
  });
}

async function inputFileId(api: LibraryApi, file: string): Promise<string | null> {
  if (file === '-') return null;
  const local = await stat(file).catch(() => null);
  if (local?.isFile()) {
    const bar = progressBar(basename(file), local.size, 'bytes');
    try {
      return (await api.files.add(file, (n) => bar.update(n))).file.file_id;
    } finally {
      bar.stop();
    }
  }
  // Not a local file: it must be a file id. A path-like argument gets a message about the path.
  if (local) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `${file} is not a regular file`);
  if (!/^[0-9a-f]+$/i.test(file.trim())) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `${file}: no such local file, and not a file id either`);
  return file;
}

/**
 * Waits until the analysis finishes: a local library runs the queue here meanwhile, a server its
 * own workers. Ctrl-C (or SIGTERM) cancels it: it was started in the foreground, so stopping the
 * command stops the work, as it would for ffmpeg itself.
 */
async function waitFor(api: LibraryApi, id: string): Promise<AnalysisBody> {
  api.local?.startWorkers();
  const interrupted = new AbortController();
  const interrupt = () => interrupted.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const bar = progressBar(id.slice(0, 12), 100, 'percent');
  try {
    while (!interrupted.signal.aborted) {
      const record = await api.analyses.get(id);
      bar.update(Math.round(record.progress * 100));
      if (isFinished(record.state)) return record;
      await delay(api.local ? 200 : 500, undefined, { signal: interrupted.signal }).catch(() => undefined);
    }
  } finally {
    bar.stop();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  await api.analyses.cancel(id).catch(() => undefined);
  const record = await api.analyses.get(id);
  if (record.state !== 'CANCELLED') return record; // it finished just before the interrupt
  throw new CamtroveError('CAMTROVE_ERR_ANALYSIS_CANCELLED', `interrupted: analysis ${id} was cancelled`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** "k=v" pairs; a value that is valid JSON (numbers, booleans, objects) is taken as such. */
export function parseParams(pairs: string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `--param "${pair}" is not key=value`);
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return params;
}
