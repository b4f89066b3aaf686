import { stat } from 'node:fs/promises';
import { hashFile } from './file-hasher.js';
import { walkFolder } from './folder-walker.js';

/** The local file system, as the importer reads it. */
export const localImportFiles = {
  walk: walkFolder,
  hash: hashFile,
  async stat(path: string | Buffer) {
    const info = await stat(path);
    return { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, ino: info.ino };
  },
  async isFolder(path: string): Promise<boolean> {
    return (await stat(path).catch(() => null))?.isDirectory() ?? false;
  },
};
