import { Command } from 'commander';
import { migrateToLatest, openDatabase } from '../../adapters/db/database.js';
import { addCommonOptions, configFrom, type CommonOptions } from '../context.js';
import { emit } from '../output.js';

export function migrateCommand(): Command {
  return addCommonOptions(new Command('migrate').description('bring the database schema up to date (serve and worker also do this at start)'))
    .action(async (options: CommonOptions) => {
      const config = configFrom(options);
      const database = openDatabase(config);
      try {
        const result = await migrateToLatest(database);
        const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
        emit(options.json, { database: database.dialect, applied }, () =>
          applied.length === 0 ? `${database.description}: already up to date` : `${database.description}: applied ${applied.join(', ')}`,
        );
      } finally {
        await database.close();
      }
    });
}
