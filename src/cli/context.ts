import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import type { Config, ConfigSource } from '../config/config.js';
import { createLogger, openLibrary, type Library } from '../main.js';

/** Options every command takes. */
export interface CommonOptions {
  data?: string;
  config?: string;
  json?: boolean;
}

export function addCommonOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'data folder (database and blobs); env CAMTROVE_DATA', undefined)
    .option('--config <file>', 'JSON config file; env CAMTROVE_CONFIG')
    .option('--json', 'print JSON for scripts instead of human output');
}

export function configFrom(options: CommonOptions, extra: ConfigSource = {}): Readonly<Config> {
  return loadConfig({ config: options.config, ...(options.data !== undefined ? { dataDir: options.data } : {}), ...extra });
}

/**
 * Opens the library for a one-shot command and always closes it. One-shot commands log only
 * warnings unless CAMTROVE_LOG_LEVEL asks for more, so their own output stays readable.
 */
export async function withLibrary<T>(options: CommonOptions, run: (library: Library) => Promise<T>, extra: ConfigSource = {}): Promise<T> {
  const config = configFrom(options, extra);
  const level = process.env.CAMTROVE_LOG_LEVEL ? config.logLevel : 'warn';
  const library = await openLibrary(config, { logger: createLogger(level) });
  try {
    return await run(library);
  } finally {
    await library.close();
  }
}
