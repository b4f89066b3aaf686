import envPaths from 'env-paths';

/** Why a data folder was chosen, in the order they are tried. */
export type DataFolderSource = 'flag' | 'environment' | 'config file' | 'current folder' | 'default';

export interface DataFolder {
  path: string;
  source: DataFolderSource;
}

/** The data folder camtrove used to create in the current folder; one that exists is still used. */
export const LEGACY_DATA_FOLDER = 'camtrove-data';

/**
 * Chooses the data folder: `--data`, then CAMTROVE_DATA, then the config file's `dataDir`, then a
 * `./camtrove-data` left in the current folder by older versions (so nobody loses a library), then
 * the platform's per-user data folder. Pure: the caller says whether the old folder exists.
 */
export function chooseDataFolder(given: { flag?: string | number | boolean; env?: string; file?: unknown; legacy: string | null; platform: () => string }): DataFolder {
  if (given.flag !== undefined) return { path: String(given.flag), source: 'flag' };
  if (given.env) return { path: given.env, source: 'environment' };
  // A value that is not a string is refused by resolveConfig, which names the key.
  if (given.file !== undefined) return { path: typeof given.file === 'string' ? given.file : '', source: 'config file' };
  if (given.legacy !== null) return { path: given.legacy, source: 'current folder' };
  return { path: given.platform(), source: 'default' };
}

/** The per-user data folder of this platform: `$XDG_DATA_HOME/camtrove` (`~/.local/share/camtrove`) on Linux. */
export function platformDataFolder(): string {
  return envPaths('camtrove', { suffix: '' }).data;
}

/** How the choice reads in `camtrove status`. */
export function dataFolderReason(source: DataFolderSource): string {
  return {
    flag: 'the --data flag',
    environment: 'the environment variable CAMTROVE_DATA',
    'config file': 'the config file\'s "dataDir"',
    'current folder': `the ${LEGACY_DATA_FOLDER} folder in the current folder (where older versions kept the library)`,
    default: 'the default: this user\'s data folder',
  }[source];
}
