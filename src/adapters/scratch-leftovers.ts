import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseOwnerTag, tagOfName, type ProcessOwner } from '../domain/process-owner.js';
import { isOwnerGone } from './process-identity.js';

export interface LeftoverOptions {
  /** Entries without an owner tag (made by older versions) older than this are removed too. */
  untaggedOlderThanMs?: number;
  isGone?: (owner: ProcessOwner) => boolean;
}

/**
 * Removes the entries of `dir` (files or folders named by taggedName) left by processes that are
 * gone (killed, crashed) on this host, and never those of a live process; returns the names removed.
 */
export async function removeLeftovers(dir: string, options: LeftoverOptions = {}): Promise<string[]> {
  const isGone = options.isGone ?? isOwnerGone;
  const removed: string[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const tag = tagOfName(name);
    const owner = tag === null ? null : parseOwnerTag(tag);
    let stale: boolean;
    if (owner) stale = isGone(owner);
    else {
      const info = await stat(join(dir, name)).catch(() => null);
      stale = info !== null && options.untaggedOlderThanMs !== undefined && Date.now() - info.mtimeMs > options.untaggedOlderThanMs;
    }
    if (!stale) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
