import type { Command } from 'commander';
import { loadSettings, type Settings } from '../config/load-config.js';
import type { Config, ConfigSource } from '../config/config.js';
import { LEGACY_DATA_FOLDER, platformDataFolder } from '../config/data-folder.js';
import { createLogger, openLibrary, type Library } from '../main.js';

/** Options every command takes. */
export interface CommonOptions {
  data?: string;
  config?: string;
  json?: boolean;
}

export function addCommonOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'data folder (database and blobs); env CAMTROVE_DATA; default ~/.local/share/camtrove (see camtrove status)', undefined)
    .option('--config <file>', 'JSON config file; env CAMTROVE_CONFIG')
    .option('--json', 'print JSON for scripts instead of human output');
}

export function settingsFrom(options: CommonOptions, extra: ConfigSource = {}): Settings {
  return loadSettings({ config: options.config, ...(options.data !== undefined ? { dataDir: options.data } : {}), ...extra });
}

export function configFrom(options: CommonOptions, extra: ConfigSource = {}): Readonly<Config> {
  return settingsFrom(options, extra).config;
}

/**
 * The configuration of a command that opens the library. A library found in `./camtrove-data`,
 * where earlier versions kept it, is used, with a notice that says how to keep or move it.
 */
export function libraryConfigFrom(options: CommonOptions, extra: ConfigSource = {}): Readonly<Config> {
  const { config, dataFolder } = settingsFrom(options, extra);
  if (dataFolder.source === 'current folder') {
    process.stderr.write(`notice: using the library in ./${LEGACY_DATA_FOLDER} of the current folder; camtrove now keeps it in ${platformDataFolder()} wherever it runs: move it there, or pass --data ./${LEGACY_DATA_FOLDER} (or set CAMTROVE_DATA) to keep it here\n`);
  }
  return config;
}

/**
 * Opens the library for a one-shot command and always closes it. One-shot commands log only
 * warnings unless CAMTROVE_LOG_LEVEL asks for more (or only errors, at `quietLevel`, when the
 * command reports failures itself), so their own output stays readable.
 */
export async function withLibrary<T>(options: CommonOptions, run: (library: Library) => Promise<T>, extra: ConfigSource = {}, quietLevel = 'warn'): Promise<T> {
  const config = libraryConfigFrom(options, extra);
  const level = process.env.CAMTROVE_LOG_LEVEL ? config.logLevel : quietLevel;
  const library = await openLibrary(config, { logger: createLogger(level) });
  try {
    return await run(library);
  } finally {
    await library.close();
  }
}
