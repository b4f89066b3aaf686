import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { taggedName } from '../../domain/process-owner.js';
import { currentOwnerTag } from '../process-identity.js';
import { removeLeftovers } from '../scratch-leftovers.js';
import type { LocalCopy } from './blob-store.js';

interface Entry {
  path: string;
  size: number;
  pins: number;
  /** Order of last use: the smallest unpinned one is evicted first. */
  lastUsed: number;
  ready: Promise<void>;
}

/**
 * Local copies of remote blobs, for programs that need a path (ffmpeg). Each process keeps its own
 * folder under `root` (named with its owner tag, so a later start removes it once the process is
 * gone): a copy one process evicts is never one another is using. Concurrent requests for a blob
 * share one download; copies in use are pinned; beyond `limitBytes` the least recently used unpinned
 * copies are deleted. A download lands under a temp name and is renamed when complete and verified.
 */
export class DownloadCache {
  private readonly dir: string;
  private readonly entries = new Map<string, Entry>();
  private total = 0;
  private clock = 0;
  private tempCount = 0;

  constructor(
    private readonly root: string,
    private readonly limitBytes: number,
    /** Writes the blob's verified bytes to `path`, or throws (leaving whatever it wrote: it is removed). */
    private readonly download: (id: string, path: string) => Promise<void>,
  ) {
    this.dir = join(root, taggedName(randomBytes(6).toString('hex'), currentOwnerTag()));
  }

  /** Removes the folders of processes that are gone; returns their names. */
  async init(): Promise<string[]> {
    await mkdir(this.root, { recursive: true });
    return removeLeftovers(this.root);
  }

  /** Bytes held in complete copies. */
  get bytes(): number {
    return this.total;
  }

  async acquire(id: string): Promise<LocalCopy> {
    let entry = this.entries.get(id);
    if (entry) entry.pins += 1;
    else {
      const fresh: Entry = { path: join(this.dir, id), size: 0, pins: 1, lastUsed: 0, ready: Promise.resolve() };
      fresh.ready = this.fetch(id, fresh);
      this.entries.set(id, fresh);
      entry = fresh;
    }
    const held = entry;
    try {
      await held.ready;
    } catch (error) {
      held.pins -= 1;
      throw error;
    }
    held.lastUsed = (this.clock += 1);
    let released = false;
    return {
      path: held.path,
      release: async () => {
        if (released) return;
        released = true;
        held.pins -= 1;
        held.lastUsed = (this.clock += 1);
        await this.evict();
      },
    };
  }

  private async fetch(id: string, entry: Entry): Promise<void> {
    const temp = join(this.dir, `${id}.${(this.tempCount += 1)}.part`);
    try {
      await mkdir(this.dir, { recursive: true });
      await this.download(id, temp);
      await rename(temp, entry.path);
      entry.size = (await stat(entry.path)).size;
    } catch (error) {
      this.entries.delete(id);
      await rm(temp, { force: true });
      throw error;
    }
    this.total += entry.size;
    await this.evict();
  }

  private async evict(): Promise<void> {
    while (this.total > this.limitBytes) {
      let victim: [string, Entry] | null = null;
      for (const item of this.entries) {
        const [, entry] = item;
        if (entry.pins === 0 && entry.size > 0 && (victim === null || entry.lastUsed < victim[1].lastUsed)) victim = item;
      }
      if (victim === null) return;
      const [id, entry] = victim;
      this.entries.delete(id);
      this.total -= entry.size;
      await rm(entry.path, { force: true });
    }
  }

  /** Deletes every copy (the store is closing). */
  async clear(): Promise<void> {
    this.entries.clear();
    this.total = 0;
    await rm(this.dir, { recursive: true, force: true });
  }
}
