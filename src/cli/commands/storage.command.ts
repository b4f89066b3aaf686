import { Command, InvalidArgumentError } from 'commander';
import { openBlobStore } from '../../adapters/blob/open-blob-store.js';
import { FileRepository } from '../../adapters/db/file.repository.js';
import { parseDurationMs } from '../../domain/duration.js';
import { CamtroveError } from '../../domain/errors.js';
import { ORPHAN_GRACE_MS } from '../../services/file.service.js';
import { formatStorageLocation, parseStorageLocation, type StorageLocation } from '../../domain/storage-location.js';
import { migrateBlobs, type MigrationResult } from '../../services/storage-migration.js';
import { addCommonOptions, withLibrary, type CommonOptions } from '../context.js';
import { emit, formatByteSize } from '../output.js';
import { progressBar, type Progress } from '../progress.js';
import { untilStopped } from '../signals.js';

export function storageCommand(): Command {
  const storage = new Command('storage').description('where file contents (blobs) are stored: move them to an S3-compatible object store, or sweep away bytes no file refers to');

  addCommonOptions(
    storage
      .command('migrate')
      .description(
        'copy every blob of the library to an S3-compatible bucket, each checked against its SHA-256; blobs already there are skipped, so running it again after an interruption (Ctrl-C) continues. ' +
          'The current storage is not deleted. Stop camtrove serve and workers, run it (again), then set CAMTROVE_STORAGE to the new location',
      )
      .requiredOption('--to <s3://bucket/prefix>', 'the target: s3://bucket or s3://bucket/prefix (reached with AWS_ENDPOINT_URL, AWS_REGION and the AWS credentials)', parseTarget),
  ).action(async (options: CommonOptions & { to: StorageLocation }) => {
    const target = formatStorageLocation(options.to);
    await withLibrary(options, async (library) => {
      if (formatStorageLocation(library.config.storage) === target) throw new CamtroveError('CAMTROVE_ERR_CONFIG', `the library's blobs are already stored in ${target} (CAMTROVE_STORAGE)`);
      const destination = await openBlobStore(library.config, options.to);
      const controller = new AbortController();
      void untilStopped().then(() => controller.abort());
      const shown: { bar?: Progress } = {};
      let result: MigrationResult;
      try {
        result = await migrateBlobs({
          from: library.blobs,
          to: destination.store,
          files: new FileRepository(library.database.db),
          signal: controller.signal,
          onProgress: (p) => {
            shown.bar ??= progressBar(`migrate ${p.total} files`, p.bytesTotal, 'bytes');
            shown.bar.update(p.bytesDone);
          },
        });
      } finally {
        shown.bar?.stop();
        await destination.close();
      }
      const setting = `CAMTROVE_STORAGE=${target}`;
      if (result.stopped || result.failed.length > 0 || result.missing.length > 0) process.exitCode = result.stopped ? 130 : 1;
      emit(options.json, { to: target, ...result, set: result.stopped || result.failed.length > 0 ? null : setting, source_kept: true }, () => summary(result, target, setting));
    });
  });

  addCommonOptions(
    storage
      .command('sweep')
      .description(
        'delete the blobs no file refers to: bytes a process stored and then died (kill -9, a lost host) before recording. ' +
          'Only blobs older than --older-than go: younger ones may be a write still in progress. Workers do this daily by themselves',
      )
      .option('--older-than <duration>', 'leave blobs written more recently than this (default 1h)', parseAge, ORPHAN_GRACE_MS)
      .option('--dry-run', 'list them without deleting'),
  ).action(async (options: CommonOptions & { olderThan: number; dryRun?: boolean }) => {
    await withLibrary(options, async (library) => {
      const controller = new AbortController();
      void untilStopped().then(() => controller.abort());
      const result = await library.files.sweepOrphans({ olderThanMs: options.olderThan, dryRun: options.dryRun === true, signal: controller.signal });
      emit(options.json, { checked: result.checked, orphans: result.orphans, deleted: options.dryRun ? 0 : result.orphans.length }, () =>
        [`looked at ${result.checked} blobs: ${result.orphans.length} no file refers to${result.orphans.length === 0 ? '' : options.dryRun ? ' (dry run: kept)' : ', deleted'}`, ...result.orphans.map((id) => `  ${id}`)].join('\n'),
      );
    });
  });

  return storage;
}

function parseAge(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === null) throw new InvalidArgumentError('expected a duration such as 30m, 1h or 0s');
  return ms;
}

function parseTarget(value: string): StorageLocation {
  const location = parseStorageLocation(value);
  if (!location || location.kind !== 's3') throw new InvalidArgumentError('expected s3://bucket or s3://bucket/prefix (a bucket name of 3 to 63 lowercase letters, digits, dots and hyphens)');
  return location;
}

function summary(result: MigrationResult, target: string, setting: string): string {
  const lines = [`copied ${result.copied} of ${result.total} files (${formatByteSize(result.bytesCopied)}) to ${target}; ${result.skipped} were there already`];
  for (const id of result.missing) lines.push(`missing: the current storage has no bytes for file ${id}`);
  for (const { id, reason } of result.failed) lines.push(`failed: ${id}: ${reason}`);
  if (result.stopped) lines.push('stopped before the end: run the same command again to continue');
  else if (result.failed.length > 0) lines.push('some files were not copied: run the same command again once their cause is fixed');
  else lines.push(`done. Set ${setting} for every camtrove process of this library (serve, worker, the CLI). The current storage was not deleted: remove it yourself once the library works from ${target}.`);
  return lines.join('\n');
}
