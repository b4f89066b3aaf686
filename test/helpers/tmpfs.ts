import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { TestContext } from 'node:test';

/**
 * Mounts a tmpfs of `size` (as mount takes it: "24m") on `dir`, for tests of a full disk; returns
 * the unmount. Needs root: CI runs as root, so there a missing permission fails the test rather
 * than skipping it unseen; elsewhere the test is skipped, saying why.
 */
export async function mountTmpfs(t: TestContext, dir: string, size: string): Promise<(() => Promise<void>) | null> {
  await mkdir(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    const why = `mounting a tmpfs needs root (${(error as Error).message.split('\n')[0]})`;
    if (process.env.CI) assert.fail(`${why}: CI runs as root, and this test must run there`);
    t.skip(why);
    return null;
  }
  return async () => {
    // A stream that sent its last bytes may close its file a moment after the client has them.
    for (let attempt = 1; ; attempt += 1) {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
        return;
      } catch (error) {
        if (attempt >= 50 || !String((error as Error).message).includes('busy')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
}
