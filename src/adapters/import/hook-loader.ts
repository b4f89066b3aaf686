import { access, readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CamtroveError } from '../../domain/errors.js';

/**
 * Loads a hook module by path: JavaScript (.js, .mjs, .cjs) with Node's own import, TypeScript
 * (.ts, .mts, .cts) through tsx, so a user writes hooks in either without building them.
 * Returns the module's exports and a name to show in messages.
 */
export async function loadHookModule(path: string): Promise<{ exports: Record<string, unknown>; name: string }> {
  const absolute = resolve(path);
  const name = basename(absolute);
  try {
    await access(absolute);
  } catch {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `the hook module ${path} does not exist (or cannot be read)`);
  }
  try {
    const exports = ['.ts', '.mts', '.cts'].includes(extname(absolute))
      ? ((await (await import('tsx/esm/api')).tsImport(pathToFileURL(absolute).href, import.meta.url)) as Record<string, unknown>)
      : ((await import(pathToFileURL(absolute).href)) as Record<string, unknown>);
    return { exports, name };
  } catch (error) {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `the hook module ${path} failed to load: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Reads hook data given as JSON text or a JSON file, naming the flag when it is not JSON. */
export async function readHookData(options: { json?: string; file?: string }): Promise<unknown> {
  if (options.json !== undefined && options.file !== undefined) throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', 'give hook data once: --hook-data-json or --hook-data-json-file, not both');
  let text: string;
  let flag: string;
  if (options.json !== undefined) {
    text = options.json;
    flag = '--hook-data-json';
  } else if (options.file !== undefined) {
    flag = `--hook-data-json-file ${options.file}`;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (error) {
      throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `${flag} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  } else return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', `${flag} is not valid JSON: ${(error as Error).message}`);
  }
}
