import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { Command } from 'commander';
import { formatByteSize } from '../../domain/byte-size.js';
import { csvRecord } from '../../domain/csv.js';
import { CamtroveError } from '../../domain/errors.js';
import type { ImportRequest } from '../../domain/import/import-request.js';
import { DEFAULT_NAME_PATTERN } from '../../domain/import/name-pattern.js';
import { DEFAULT_SHARD_SIZE } from '../../domain/import/shards.js';
import { loadHookModule, readHookData } from '../../adapters/import/hook-loader.js';
import { localImportFiles } from '../../adapters/import/import-files.js';
import type { RemoteLibrary } from '../../adapters/import/remote-library.js';
import { systemClock } from '../../adapters/clock.js';
import { checkHookModule, type ImportHooks } from '../../services/import/import-hooks.js';
import { dryRunImport, runImport } from '../../services/import/import-run.js';
import type { ImportFileReport, ImportReport, ImportRunOptions } from '../../services/import/importer.js';
import { addCommonOptions, configFrom, withLibrary, type CommonOptions } from '../context.js';
import { emit, table } from '../output.js';
import { importProgressBar } from '../progress.js';
import { addServerOptions, remoteLibrary, type ServerOptions } from '../remote.js';

interface ImportFlags extends CommonOptions, ServerOptions {
  regex: string;
  camera?: string;
  cameraNameSuffix: string;
  ext: string;
  tz?: string;
  timeFormat?: string;
  concurrency: string;
  shardSize: string;
  segment: boolean;
  dryRun?: boolean;
  csv?: string;
  link?: boolean;
  hooks?: string;
  hookDataJson?: string;
  hookDataJsonFile?: string;
}

export const DEFAULT_EXTENSIONS = 'mp4,mov,m4v,avi,mkv,webm,mts,m2ts,ts,3gp,mpg,mpeg,wmv,flv';
/** Lines of skipped and failed files printed before "… and N more". */
const LISTED = 20;

export function importCommand(): Command {
  const command = addCommonOptions(
    new Command('import')
      .description(
        'import folders of recorded video: camera and time come from each file\'s path (--regex), files are stored once by content, and segmentation is queued. The run is an import job: running the same command again continues it, importing only what is new, changed or failed.',
      )
      .argument('<folder...>', 'folders to import (walked recursively, following symbolic links)')
      .option('--regex <re>', 'regex matched against each path relative to its folder; named groups camera, epoch (s or ms), timestamp, lat, lng/lon; Python (?P<name>…) accepted', DEFAULT_NAME_PATTERN)
      .option('--camera <name>', 'every file\'s camera (instead of the regex\'s camera group)')
      .option('--camera-name-suffix <s>', 'appended to every camera name (e.g. -site4)', '')
      .option('--ext <list>', 'file extensions to import, any case', DEFAULT_EXTENSIONS)
      .option('--tz <zone>', 'IANA time zone of times in the names that carry no offset (default: UTC)')
      .option('--time-format <fmt>', 'how the timestamp group is written, strftime codes (%Y %m %d %H %M %S %f %b %y %z); default ISO 8601')
      .option('--hooks <module>', 'a hook module (.js, .mjs or .ts) that replaces or extends where files go; see docs/import-hooks.md')
      .option('--hook-data-json <json>', 'data for the hook module (its setHookData validates it)')
      .option('--hook-data-json-file <file>', 'the same, read from a JSON file')
      .option('--concurrency <n>', 'files hashed and stored at once', '4')
      .option('--shard-size <n>', 'files per shard of the import job', String(DEFAULT_SHARD_SIZE))
      .option('--no-segment', 'only store the files; queue no motion segmentation')
      .option('--link', 'refer to the files where they are instead of copying them into the library (moving or deleting them later breaks the library)')
      .option('--dry-run', 'print what a run would do with each file (import it, already imported, duplicate, skip, fail; camera, time, size) and write nothing; new files are hashed to find content the library already has')
      .option('--csv <file>', 'write every file\'s record (status, reason, camera, time, size, file id) to FILE'),
  );
  return addServerOptions(command, 'import into a camtrove server\'s library (the job is kept there)').action(async (folders: string[], flags: ImportFlags) => {
    const request: ImportRequest = {
      folders: folders.map((f) => resolve(f)),
      regex: flags.regex,
      camera: flags.camera ?? null,
      cameraNameSuffix: flags.cameraNameSuffix,
      extensions: [...new Set(flags.ext.split(',').map((e) => e.trim().replace(/^\./, '').toLowerCase()).filter(Boolean))],
      timeZone: flags.tz ?? null,
      timeFormat: flags.timeFormat ?? null,
      segment: flags.segment,
      shardSize: positiveInteger('--shard-size', flags.shardSize),
      link: flags.link ?? false,
    };
    const concurrency = positiveInteger('--concurrency', flags.concurrency);
    const hookOptions = {
      hookData: await readHookData({ json: flags.hookDataJson, file: flags.hookDataJsonFile }),
      ...(flags.hooks ? await hookModule(flags.hooks) : {}),
    };
    if (flags.server !== undefined && request.link) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', '--link cannot be used with --server: the server cannot refer to files on this machine');
    const remote = remoteLibrary(flags);
    const run = async (into: (options: ImportRunOptions) => Promise<ImportReport>) => {
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      const bar = importProgressBar();
      try {
        return await into({ concurrency, signal: stop.signal, onScan: (n) => bar.scanned(n), onProgress: (p) => bar.update(p) });
      } finally {
        bar.stop();
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
    };
    let report: ImportReport;
    if (flags.dryRun && remote) {
      try {
        report = await dryRunImport(request, localImportFiles, hookOptions, remote.previewSource());
      } finally {
        await remote.close();
      }
    } else if (flags.dryRun) {
      // No library yet: nothing is in it, so every readable file would be imported, and none is made.
      const config = configFrom(flags);
      report = !config.databaseUrl && !existsSync(join(config.dataDir, 'camtrove.db'))
        ? await dryRunImport(request, localImportFiles, hookOptions)
        : await withLibrary(flags, (library) => dryRunImport(request, localImportFiles, hookOptions, library.imports.previewSource()));
    } else if (remote) {
      try {
        report = await run((options) => runImport(remote, { files: localImportFiles, clock: systemClock }, request, { ...hookOptions, ...options }));
      } finally {
        await remote.close();
      }
    } else {
      report = await withLibrary(flags, (library) => run((options) => library.imports.run(request, { ...hookOptions, ...options })));
    }
    if (flags.csv) await writeCsv(flags.csv, report.files);
    if (flags.dryRun) {
      const wouldImport = report.files.filter((f) => f.status === 'would_import').length;
      emit(flags.json, { job_id: null, dry_run: true, would_import: wouldImport, already_imported: report.alreadyImported, duplicates: report.duplicates, skipped: report.skipped, failed: report.failed, files: report.files.map(fileJson) }, () => dryRunText(report));
    } else {
      emit(flags.json, reportJson(report), () => summaryText(report, request, remote));
    }
    if (report.interrupted) process.exitCode = 130;
    else if (report.failed > 0) process.exitCode = 1;
  });
}

function reportJson(report: ImportReport) {
  return {
    job_id: report.jobId,
    imported: report.imported,
    already_imported: report.alreadyImported,
    duplicates: report.duplicates,
    skipped: report.skipped,
    failed: report.failed,
    errors: report.errors,
    segmentations: report.segmentations,
    interrupted: report.interrupted,
  };
}

function fileJson(file: ImportFileReport) {
  return {
    path: file.path,
    status: file.status,
    reason: file.reason,
    camera: file.camera,
    captured_at: file.capturedAt === null ? null : new Date(file.capturedAt).toISOString(),
    time_source: file.timeSource,
    size: file.size,
    latitude: file.latitude,
    longitude: file.longitude,
    file_id: file.fileId,
    shard: file.shard,
  };
}

async function writeCsv(path: string, files: readonly ImportFileReport[]): Promise<void> {
  const out = createWriteStream(path);
  const columns = ['path', 'status', 'reason', 'camera', 'captured_at', 'time_source', 'size', 'latitude', 'longitude', 'file_id', 'shard'] as const;
  out.write(csvRecord([...columns]));
  for (const file of files) {
    const json = fileJson(file);
    out.write(csvRecord(columns.map((c) => json[c])));
  }
  out.end();
  await finished(out);
}

function summaryText(report: ImportReport, request: ImportRequest, remote: RemoteLibrary | null): string {
  const lines = [
    `import job ${report.jobId}: ${report.imported} imported, ${report.alreadyImported} already imported, ${report.duplicates} duplicates, ${report.skipped} skipped, ${report.failed} failed`,
  ];
  if (report.interrupted) lines.push('interrupted: run the same command again to continue where this run stopped');
  if (request.segment && report.segmentations > 0) {
    const follow = `camtrove jobs show ${report.jobId} --watch${remote ? ` --server ${remote.address}` : ''}`;
    lines.push(`segmentation: ${report.segmentations} files queued or done; \`camtrove worker\` (or \`camtrove serve\`) runs it${remote ? ' on the server' : ''}. Follow it with: ${follow}`);
  }
  const listed = (title: string, files: ImportFileReport[]) => {
    if (files.length === 0) return;
    lines.push('', `${title}:`, ...files.slice(0, LISTED).map((f) => `  ${f.path}: ${f.reason}`));
    if (files.length > LISTED) lines.push(`  … and ${files.length - LISTED} more (--csv FILE lists every file)`);
  };
  listed('failed', report.files.filter((f) => f.status === 'failed'));
  listed('skipped', report.files.filter((f) => f.status === 'skipped'));
  return lines.join('\n');
}

function dryRunText(report: ImportReport): string {
  const rows = report.files.map((f) => [
    f.status === 'would_import' ? 'import' : f.status,
    f.camera ?? '-',
    f.capturedAt === null ? '(from the video or its mtime)' : new Date(f.capturedAt).toISOString(),
    formatByteSize(f.size),
    f.reason ? `${f.path}: ${f.reason}` : f.path,
  ]);
  const toImport = report.files.filter((f) => f.status === 'would_import');
  const bytes = toImport.reduce((sum, f) => sum + f.size, 0);
  const summary = `dry run: ${toImport.length} files (${formatByteSize(bytes)}) would be imported, ${report.alreadyImported} already imported, ${report.duplicates} duplicates, ${report.skipped} skipped, ${report.failed} cannot be; nothing was written`;
  return [table(['ACTION', 'CAMERA', 'TIME (UTC)', 'SIZE', 'PATH'], rows), '', summary].join('\n');
}

async function hookModule(path: string): Promise<{ hooks: { module: ImportHooks; name: string } }> {
  const { exports, name } = await loadHookModule(path);
  return { hooks: { module: checkHookModule(exports, name), name } };
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `${flag} must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  return n;
}
