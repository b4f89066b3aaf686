import { CamtroveError } from '../errors.js';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../json-depth.js';
import { validateJsonInterface, type JsonInterface } from './json-interface.js';

/**
 * JSON.parse keeps the last of two equal keys without a word, so a category defined twice in an
 * interface file would silently lose its first definition. Where the raw text is at hand (the CLI
 * reading `--interface file.json`, or a route that keeps the body's text) this finds such keys.
 */

export interface DuplicateKey { path: string[]; key: string }

interface Container { kind: 'object' | 'array'; path: string[]; keys: Set<string>; expectKey: boolean; lastKey: string; index: number }

/**
 * Every key that appears twice in one object of `text`, with the path of that object. One pass, no
 * recursion. Meant for valid JSON (the caller parses it first); other text ends the scan early, or
 * yields keys of no meaning, but never hangs or throws.
 */
export function duplicateJsonKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: Container[] = [];
  const childPath = (): string[] => {
    const top = stack.at(-1);
    if (!top) return [];
    return [...top.path, top.kind === 'object' ? top.lastKey : String(top.index)];
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      const startAt = i;
      for (i += 1; i < text.length && text[i] !== '"'; i += 1) if (text[i] === '\\') i += 1;
      if (i >= text.length) break; // an unterminated string: not JSON, nothing more to find
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.expectKey) {
        const key = decodedString(text.slice(startAt, i + 1));
        if (top.keys.has(key)) found.push({ path: top.path, key });
        top.keys.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
    } else if (c === '{' || c === '[') {
      stack.push({ kind: c === '{' ? 'object' : 'array', path: childPath(), keys: new Set(), expectKey: c === '{', lastKey: '', index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top?.kind === 'object') top.expectKey = true;
      else if (top) top.index += 1;
    }
  }
  return found;
}

/** A JSON string literal's value (keys compare decoded: "\\u0041" is "A"), or the literal itself if it is malformed. */
function decodedString(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal;
  }
}

function describeDuplicate({ path, key }: DuplicateKey): string {
  if (path.length === 1 && path[0] === 'jobs') return `job ${key} is defined twice`;
  if (path.length === 4 && path[0] === 'jobs' && path[2] === 'content' && path[3] === 'categories') return `job ${path[1]}: duplicate category key ${key}`;
  if (path.length >= 2 && path[0] === 'jobs') return `job ${path[1]}: duplicate key ${key} in ${path.slice(2).join('.') || 'the job'}`;
  return `duplicate key ${key} in ${path.join('.') || 'the interface'}`;
}

/**
 * validateJsonInterface for a JSON text: refuses text that is not JSON, nests too deep, or repeats
 * a key in one object (a job defined twice, a category key twice...), then validates what it holds.
 */
export function validateJsonInterfaceText(text: string): JsonInterface {
  const fail = (what: string) => new CamtroveError('CAMTROVE_ERR_INVALID_INTERFACE', `invalid jsonInterface: ${what}`);
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) throw fail(`it nests deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw fail(`it is not JSON (${(error as Error).message})`);
  }
  const duplicates = duplicateJsonKeys(text);
  if (duplicates.length > 0) throw fail(duplicates.map(describeDuplicate).join('; '));
  return validateJsonInterface(value);
}
