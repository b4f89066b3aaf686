import { randomBytes } from 'node:crypto';
import { rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Room for a deletion's pages in SQLite's WAL, many times over. */
export const RESERVE_BYTES = 8 * 1024 * 1024;

/**
 * Disk space held back for the database, as a file of its own next to it. On a full disk SQLite
 * cannot grow its WAL, so even a DELETE fails ("database or disk is full") and space could not be
 * freed through camtrove; the reserve is let go for a deletion that met a full disk, and taken
 * again once there is room for it (twice over, so that it never takes the last of the space).
 */
export class SpaceReserve {
  constructor(
    readonly path: string,
    private readonly bytes = RESERVE_BYTES,
  ) {}

  /** Creates the reserve if it is missing and the disk has room; true when it is in place. */
  async fill(): Promise<boolean> {
    const info = await stat(this.path).catch(() => null);
    if (info?.size === this.bytes) return true;
    const fs = await statfs(dirname(this.path)).catch(() => null);
    if (!fs || fs.bavail * fs.bsize < 2 * this.bytes + (info?.size ?? 0)) return false;
    try {
      // Random bytes: a file system that compresses or deduplicates would not keep zeros as space.
      await writeFile(this.path, randomBytes(this.bytes), { flush: true });
      return true;
    } catch {
      await rm(this.path, { force: true });
      return false;
    }
  }

  /** Frees the reserve; true when there was one to free. */
  async release(): Promise<boolean> {
    const had = (await stat(this.path).catch(() => null)) !== null;
    await rm(this.path, { force: true });
    return had;
  }
}
