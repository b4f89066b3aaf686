import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import type { TestContext } from 'node:test';

/**
 * Makes `path` (a folder or a file) read-only for the user running the tests, root included: as
 * root, a read-only bind mount of it over itself (root ignores permission bits); otherwise its
 * permission bits. Returns the undo, or null when the test was skipped (root without mount).
 */
export function makeReadOnly(t: TestContext, path: string): (() => void) | null {
  if (process.getuid?.() !== 0) {
    const { mode } = statSync(path);
    chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
    return () => chmodSync(path, mode);
  }
  try {
    execFileSync('mount', ['--bind', path, path], { stdio: 'pipe' });
  } catch (error) {
    const why = `a read-only bind mount needs mount rights (${(error as Error).message.split('\n')[0]})`;
    if (process.env.CI) assert.fail(`${why}: CI runs as root, and this test must run there`);
    t.skip(why);
    return null;
  }
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', path], { stdio: 'pipe' });
  } catch (error) {
    execFileSync('umount', [path], { stdio: 'pipe' });
    throw error;
  }
  return () => execFileSync('umount', [path], { stdio: 'pipe' });
}

/** Runs `work` while `path` is read-only (makeReadOnly), and makes it writable again after. */
export async function whileReadOnly(t: TestContext, path: string, work: () => Promise<void>): Promise<void> {
  const undo = makeReadOnly(t, path);
  if (!undo) return;
  try {
    await work();
  } finally {
    undo();
  }
}
