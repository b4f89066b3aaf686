import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { MiB } from './bench.js';

/** A fresh folder under the system temp folder, removed by `remove()`. */
export async function makeTempDir(label: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `camtrove-bench-${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes `prefix`, then `size` random bytes (incompressible, like video) in 4 MiB chunks. */
export async function writeRandomFile(path: string, size: number, prefix?: Buffer): Promise<void> {
  const out = createWriteStream(path, { flags: 'wx' });
  if (prefix) out.write(prefix);
  let left = size;
  while (left > 0) {
    const n = Math.min(left, 4 * MiB);
    if (!out.write(randomBytes(n))) await once(out, 'drain');
    left -= n;
  }
  out.end();
  await once(out, 'close');
}

/** Bytes from an environment variable in MiB, or the default. */
export function sizeFromEnv(name: string, defaultMiB: number): number {
  const raw = process.env[name];
  const mib = raw === undefined ? defaultMiB : Number(raw);
  if (!Number.isSafeInteger(mib) || mib < 1 || mib > 8192) throw new Error(`${name} must be a size in MiB between 1 and 8192, not ${JSON.stringify(raw)}`);
  return mib * MiB;
}
