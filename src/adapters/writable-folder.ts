import { constants } from 'node:fs';
import { access, mkdir, stat, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * File systems that hold no files of their own (proc, sysfs, cgroup, debugfs…): creating a folder
 * in one fails in ways that make Node's recursive mkdir retry forever, so they are refused first.
 */
const VIRTUAL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
]);

/** Why a folder cannot be used, in words: thrown by ensureWritableFolder. */
export class FolderProblem extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'FolderProblem';
  }
}

/**
 * Makes `path` an existing folder this process can write into, creating what is missing one level
 * at a time (with `mode`), or throws a FolderProblem that says which path is in the way and why.
 */
export async function ensureWritableFolder(path: string, mode?: number): Promise<void> {
  const target = resolve(path);
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw new FolderProblem(existing, errnoReason(error));
    });
    if (info) {
      if (!info.isDirectory()) throw new FolderProblem(existing, 'is a file, not a folder');
      break;
    }
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const type = VIRTUAL_FILE_SYSTEMS.get(Number((await statfs(existing)).type));
  if (type) throw new FolderProblem(existing, `is on the ${type} virtual file system, which cannot hold files`);
  for (const folder of missing) {
    try {
      await mkdir(folder, mode === undefined ? {} : { mode });
    } catch (error) {
      // Another process made it meanwhile: that is as good.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(folder)).isDirectory()) continue;
      throw new FolderProblem(folder, `cannot be created (${errnoReason(error as NodeJS.ErrnoException)})`);
    }
  }
  try {
    await access(target, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new FolderProblem(target, `cannot be written (${errnoReason(error as NodeJS.ErrnoException)})`);
  }
}

/** A system error in words, with its code for searching. */
export function errnoReason(error: NodeJS.ErrnoException): string {
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a file stands where a folder should be',
    ENOENT: 'no such file or folder',
    EISDIR: 'is a folder',
    ELOOP: 'too many symbolic links',
    ENAMETOOLONG: 'name too long',
  };
  const code = error.code ?? '';
  return words[code] ? `${words[code]}, ${code}` : error.message;
}
