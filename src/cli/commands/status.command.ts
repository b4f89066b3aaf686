import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { openDatabase } from '../../adapters/db/database.js';
import { explainDatabaseError } from '../../adapters/db/database-errors.js';
import { LibraryStatusRepository, type LibraryCounts, type SchemaVersion } from '../../adapters/db/library-status.repository.js';
import { dataFolderReason, type DataFolderSource } from '../../config/data-folder.js';
import { redactUrl } from '../../domain/redact.js';
import { addCommonOptions, settingsFrom, type CommonOptions } from '../context.js';
import { emit, table } from '../output.js';

interface Status {
  library: { data_dir: string; source: DataFolderSource; reason: string; exists: boolean };
  database: { dialect: 'sqlite' | 'postgres'; location: string };
  /** Where jobs wait: the database's jobs table (which the counts read), or Redis (not counted here). */
  queue: { kind: 'database' | 'redis'; location: string | null };
  schema: SchemaVersion | null;
  /** Job counts are null when the jobs are in Redis, which this command does not connect to. */
  counts: (Omit<LibraryCounts, 'jobs_queued' | 'jobs_running'> & { jobs_queued: number | null; jobs_running: number | null }) | null;
}

export function statusCommand(): Command {
  return addCommonOptions(new Command('status').description('say which library (data folder, and why) and which database are in use, with counts; creates nothing')).action(async (options: CommonOptions) => {
    const { config, dataFolder } = settingsFrom(options);
    const dataDir = resolve(config.dataDir);
    const sqliteFile = join(dataDir, 'camtrove.db');
    const database = config.databaseUrl ? { dialect: 'postgres' as const, location: redactUrl(config.databaseUrl) } : { dialect: 'sqlite' as const, location: sqliteFile };
    const queue = config.queue.kind === 'redis' ? { kind: 'redis' as const, location: redactUrl(config.queue.url) } : { kind: 'database' as const, location: null };
    const status: Status = { library: { data_dir: dataDir, source: dataFolder.source, reason: dataFolderReason(dataFolder.source), exists: false }, database, queue, schema: null, counts: null };
    // Opening a SQLite file that is not there would create it: look first.
    if (database.dialect === 'postgres' || existsSync(sqliteFile)) {
      const handle = openDatabase(config);
      try {
        const repository = new LibraryStatusRepository(handle.db);
        status.schema = await repository.schema();
        // A schema behind this version may lack tables the counts read: `camtrove migrate` first.
        if (status.schema?.pending === 0) {
          const counts = await repository.counts();
          status.counts = queue.kind === 'database' ? counts : { ...counts, jobs_queued: null, jobs_running: null };
        }
      } catch (error) {
        throw explainDatabaseError(error, database.dialect, database.location);
      } finally {
        await handle.close();
      }
    }
    status.library.exists = status.schema !== null;
    emit(options.json, status, () => statusText(status));
  });
}

function statusText(status: Status): string {
  const rows = [
    ['library', `${status.library.data_dir} (${status.library.reason})`],
    ['database', `${status.database.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${status.database.location}`],
    ['queue', status.queue.location === null ? 'the database' : `Redis (BullMQ) ${status.queue.location}`],
  ];
  if (!status.schema) {
    const where = status.database.dialect === 'sqlite' ? status.library.data_dir : status.database.location;
    return `${table(['', ''], rows).trimStart()}\nno library at ${where} yet: the first command that stores something (camtrove files add, camtrove serve) creates it`;
  }
  const { schema, counts } = status;
  rows.push(['schema', schema.pending === 0 ? `up to date (${schema.applied} migrations, latest ${schema.latest ?? '-'})` : `${schema.pending} migrations behind this camtrove: run camtrove migrate (serve and worker do it at start)`]);
  if (counts) {
    rows.push(['files', String(counts.files)], ['cameras', String(counts.cameras)], ['events', String(counts.events)], ['jobs', status.queue.kind === 'database' ? `${counts.jobs_queued} queued, ${counts.jobs_running} running` : 'in Redis (not counted here)']);
  }
  return table(['', ''], rows).trimStart();
}
