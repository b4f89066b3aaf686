import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CamtroveError } from '../domain/errors.js';
import { configKeys, resolveConfig, type Config, type ConfigSource } from './config.js';
import { chooseDataFolder, LEGACY_DATA_FOLDER, platformDataFolder, type DataFolder } from './data-folder.js';

/** The configuration, and which data folder it names and why. */
export interface Settings {
  config: Readonly<Config>;
  dataFolder: DataFolder;
}

/** Reads the optional JSON config file (`--config` or CAMTROVE_CONFIG) and resolves the configuration. */
export function loadConfig(flags: ConfigSource & { config?: string }, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Readonly<Config> {
  return loadSettings(flags, env, cwd).config;
}

/** loadConfig, and where the data folder came from (`camtrove status` says it). */
export function loadSettings(flags: ConfigSource & { config?: string }, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Settings {
  const { config: fileName = env.CAMTROVE_CONFIG, ...rest } = flags;
  const file = fileName ? readConfigFile(fileName) : undefined;
  const dataFolder = chooseDataFolder({ flag: rest.dataDir, env: env[configKeys.dataDir.env], file: file?.dataDir, legacy: legacyFolder(cwd), platform: platformDataFolder });
  // A flag, variable or file value is checked by resolveConfig; the other two are ours.
  const chosen = dataFolder.source === 'current folder' || dataFolder.source === 'default' ? { dataDir: dataFolder.path } : {};
  return { config: resolveConfig({ file, fileName, env, flags: { ...rest, ...chosen } }), dataFolder };
}

function readConfigFile(fileName: string): Record<string, unknown> {
  let textContent: string;
  try {
    textContent = readFileSync(fileName, 'utf8');
  } catch (error) {
    throw new CamtroveError('CAMTROVE_ERR_CONFIG', `cannot read config file ${fileName}: ${(error as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(textContent);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('it is not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new CamtroveError('CAMTROVE_ERR_CONFIG', `config file ${fileName} is not valid: ${(error as Error).message}`);
  }
}

/** `./camtrove-data` when older versions left a library there. */
function legacyFolder(cwd: string): string | null {
  const path = join(cwd, LEGACY_DATA_FOLDER);
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : null;
}
