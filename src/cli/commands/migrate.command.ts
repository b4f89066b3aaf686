import { Command } from 'commander';
import { openMigratedDatabase } from '../../main.js';
import { addCommonOptions, libraryConfigFrom, type CommonOptions } from '../context.js';
import { emit } from '../output.js';

export function migrateCommand(): Command {
  return addCommonOptions(new Command('migrate').description('bring the database schema up to date (serve and worker also do this at start)'))
    .action(async (options: CommonOptions) => {
      const config = libraryConfigFrom(options);
      const { database, result } = await openMigratedDatabase(config);
      try {
        const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
        emit(options.json, { database: database.dialect, applied }, () =>
          applied.length === 0 ? `${database.description}: already up to date` : `${database.description}: applied ${applied.join(', ')}`,
        );
      } finally {
        await database.close();
      }
    });
}
