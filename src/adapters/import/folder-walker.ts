import { opendir, stat } from 'node:fs/promises';

/** A file the import may take. */
export interface FoundFile {
  /** To open it: a Buffer when its name is not valid UTF-8 (the bytes as they are on disk). */
  path: string | Buffer;
  /** Relative to the folder, `/`-separated, what the name pattern is matched against (bytes that are not UTF-8 shown as U+FFFD). */
  relative: string;
  size: number;
  mtimeMs: number;
}

/** Something in the folder the import passes over, and why. */
export interface PassedOver {
  relative: string;
  reason: string;
}

export type WalkEntry = { file: FoundFile } | { passed: PassedOver };

/**
 * Walks a folder for files whose extension (any case) is one of `extensions` (lowercase, without
 * the dot), in name order, following symbolic links but never into a folder already walked (a
 * link loop is reported, not followed). Names that are not valid UTF-8 are kept as bytes, so those
 * files can still be read. Folders that cannot be read are reported and the walk goes on.
 */
export async function* walkFolder(root: string, extensions: ReadonlySet<string>): AsyncGenerator<WalkEntry> {
  const rootInfo = await stat(root);
  yield* walk(Buffer.from(root), '', extensions, new Set([`${rootInfo.dev}:${rootInfo.ino}`]));
}

async function* walk(dir: Buffer, relativeDir: string, extensions: ReadonlySet<string>, visited: Set<string>): AsyncGenerator<WalkEntry> {
  let entries: { name: Buffer; plainFile: boolean }[];
  try {
    const handle = await opendir(dir, { encoding: 'buffer' as BufferEncoding });
    entries = [];
    for await (const entry of handle) entries.push({ name: entry.name as unknown as Buffer, plainFile: entry.isFile() });
  } catch (error) {
    yield { passed: { relative: relativeDir || '.', reason: `the folder cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` } };
    return;
  }
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  for (const { name, plainFile } of entries) {
    const text = name.toString('utf8');
    const wanted = hasExtension(text, extensions);
    // Most of a card is often other files: those need no stat.
    if (plainFile && !wanted) continue;
    const relative = relativeDir ? `${relativeDir}/${text}` : text;
    const path = Buffer.concat([dir, Buffer.from('/'), name]);
    if (text.startsWith('.')) {
      // macOS leaves "._name.mp4" metadata beside each video on cards it touched, and ".Trashes" holds deleted ones.
      if (!plainFile || wanted) yield { passed: { relative, reason: plainFile ? 'a hidden file (names starting with "." are not imported)' : 'hidden (names starting with "." are not imported)' } };
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      yield { passed: { relative, reason: code === 'ELOOP' ? 'a symbolic link loop' : code === 'ENOENT' ? 'a broken symbolic link (or deleted while the folder was read)' : `it cannot be read: ${code ?? String(error)}` } };
      continue;
    }
    if (info.isDirectory()) {
      const key = `${info.dev}:${info.ino}`;
      if (visited.has(key)) {
        yield { passed: { relative, reason: 'a link to a folder already walked (a symbolic link loop?)' } };
        continue;
      }
      visited.add(key);
      yield* walk(path, relative, extensions, visited);
      continue;
    }
    if (!info.isFile() || !wanted) continue;
    const asText = path.toString('utf8');
    yield { file: { path: Buffer.from(asText, 'utf8').equals(path) ? asText : path, relative, size: info.size, mtimeMs: info.mtimeMs } };
  }
}

function hasExtension(name: string, extensions: ReadonlySet<string>): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && extensions.has(name.slice(dot + 1).toLowerCase());
}
