import type { Clock } from '../../adapters/clock.js';
import { CamtroveError } from '../../domain/errors.js';
import { newAnalysisId } from '../../domain/ids.js';
import type { ImportRequest } from '../../domain/import/import-request.js';
import { isTimeZone } from '../../domain/time-zone.js';
import { acquireLibraryLock } from '../library-lock.js';
import type { ImportDestination } from './import-destination.js';
import { giveHookData, HookedImport, type ImportHooks } from './import-hooks.js';
import { Importer, previewImport, type ImportFiles, type ImportPreviewSource, type ImportReport, type ImportRunOptions } from './importer.js';

/** A hook module for the run, loaded by the caller, and its data. */
export interface HookOptions {
  hooks?: { module: ImportHooks; name: string };
  hookData?: unknown;
  /** Where hooks' log lines go (stderr by default). */
  log?: (line: string) => void;
}

/** The folders as an import reads them, and the clock. */
export interface ImportRunEnvironment {
  files: ImportFiles & { isFolder(path: string): Promise<boolean> };
  clock: Clock;
}

/** The lock one import into a library holds. */
export const IMPORT_LOCK = 'import';

/**
 * Runs an import into a destination, holding its import lock: a second import into the same
 * library at the same time fails naming the first.
 */
export async function runImport(destination: ImportDestination, env: ImportRunEnvironment, request: ImportRequest, options: ImportRunOptions & HookOptions): Promise<ImportReport> {
  await checkImportRequest(request, env.files);
  const { store } = destination;
  // The module's functions where it has them, the destination's everywhere else.
  const hooked = new HookedImport(options.hooks?.module ?? {}, destination.target(request), {
    request,
    hookData: options.hookData ?? null,
    moduleName: options.hooks?.name ?? null,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    recordPosted: async (video, posted) => {
      await store.recordPosted({ jobId: video.jobId, seq: video.seq, fileId: video.sha256, cameraId: video.cameraId, ...posted, now: env.clock.now() });
      return { ...posted, outcome: 'posted', analysisId: null };
    },
  });
  await hooked.start();
  const lock = await acquireLibraryLock(destination.locks, IMPORT_LOCK, `import of ${request.folders.join(', ')}`, (holder) =>
    `another import into ${destination.name} is running (${holder.purpose}, pid ${holder.pid} on ${holder.host}, since ${new Date(holder.acquiredAt).toISOString()}); wait for it to finish, or stop it and run this again`,
  );
  const stop = new AbortController();
  const onStop = () => stop.abort();
  options.signal?.addEventListener('abort', onStop, { once: true });
  lock.lost.addEventListener('abort', onStop, { once: true });
  try {
    const importer = new Importer({ files: env.files, imports: store, target: hooked, hooks: hooked, clock: env.clock, newJobId: newAnalysisId });
    const report = await importer.run(request, { ...options, signal: stop.signal });
    if (lock.lost.aborted) throw lock.lost.reason;
    return report;
  } finally {
    options.signal?.removeEventListener('abort', onStop);
    await lock.release();
  }
}

/** Every reason an import cannot start, before any work: the regex, the folders, the settings. */
export async function checkImportRequest(request: ImportRequest, files: Pick<ImportRunEnvironment['files'], 'isFolder'>): Promise<void> {
  Importer.compile(request);
  if (request.folders.length === 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', 'no folder to import was given');
  for (const folder of request.folders) {
    if (!(await files.isFolder(folder))) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `${folder} is not a folder (it does not exist, or it is a file)`);
  }
  if (request.timeZone !== null && !isTimeZone(request.timeZone)) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `--tz ${JSON.stringify(request.timeZone)} is not an IANA time zone (e.g. Europe/Paris, America/Chicago)`);
  if (!Number.isInteger(request.shardSize) || request.shardSize < 1) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `the shard size must be a whole number of at least 1, not ${request.shardSize}`);
  if (request.extensions.length === 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', 'no file extension to import was given');
}

/**
 * What an import would do, reading the folders and writing nothing: with the destination's job and
 * media (`source`), the outcome a real run would give each file. A hook module is given its data,
 * so data it would refuse is refused here too.
 */
export async function dryRunImport(request: ImportRequest, files: ImportRunEnvironment['files'], options: HookOptions = {}, source: ImportPreviewSource | null = null): Promise<ImportReport> {
  await checkImportRequest(request, files);
  const unused = () => Promise.reject(new Error('a dry run posts nothing'));
  const defaults = { registerCamera: unused, postVideoContent: unused, assignJobIds: unused, registerJobs: unused };
  await giveHookData(options.hooks?.module ?? {}, { hookData: options.hookData ?? null, request, defaults, log: options.log ?? (() => undefined) }, options.hooks?.name ?? null);
  return previewImport(request, files, source);
}
