import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { TestContext } from 'node:test';

/**
 * Mounts a tmpfs of `size` (as mount takes it: "24m") on `dir`, for tests of a full disk; returns
 * the unmount. Needs root: CI runs as root, so there a missing permission fails the test rather
 * than skipping it unseen; elsewhere the test is skipped, saying why.
 */
export async function mountTmpfs(t: TestContext, dir: string, size: string): Promise<(() => void) | null> {
  await mkdir(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    const why = `mounting a tmpfs needs root (${(error as Error).message.split('\n')[0]})`;
    if (process.env.CI) assert.fail(`${why}: CI runs as root, and this test must run there`);
    t.skip(why);
    return null;
  }
  return () => execFileSync('umount', [dir], { stdio: 'pipe' });
}
