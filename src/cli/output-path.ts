import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ensureWritableFolder, errnoReason, FolderProblem } from '../adapters/writable-folder.js';
import { CamtroveError } from '../domain/errors.js';

/**
 * Checks, before any work, that `path` (given with `option`, e.g. `-o`) can be written as a file:
 * its folder exists and is writable and it is not itself a folder. Otherwise a one-line error.
 */
export async function checkOutputFile(path: string, option: string): Promise<void> {
  const fail = (reason: string) => new CamtroveError('CAMTROVE_ERR_OUTPUT_PATH', `cannot write ${option} ${path}: ${reason}`);
  const folder = dirname(resolve(path));
  const info = await stat(folder).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    throw fail(info.code === 'ENOENT' ? `the folder ${folder} does not exist; create it first or choose another path` : `${folder}: ${errnoReason(info)}`);
  }
  if (!info.isDirectory()) throw fail(`${folder} is a file, not a folder`);
  if ((await stat(path).catch(() => null))?.isDirectory()) throw fail('it is a folder; give a file name');
  await access(folder, constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
    throw fail(`the folder ${folder} cannot be written (${errnoReason(error)}); choose another path`);
  });
}

/** Creates the folder `path` (given with `option`, e.g. `--out`) when missing and checks it can be written. */
export async function prepareOutputFolder(path: string, option: string): Promise<void> {
  try {
    await ensureWritableFolder(path);
  } catch (error) {
    if (!(error instanceof FolderProblem)) throw error;
    const where = error.path === resolve(path) ? '' : `: ${error.path}`;
    throw new CamtroveError('CAMTROVE_ERR_OUTPUT_PATH', `cannot write into ${option} ${path}${where} ${error.reason}; choose another folder`, { cause: error });
  }
}
