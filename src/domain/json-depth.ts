/**
 * How deeply a JSON text nests, found by one pass over its characters without parsing it. Parsed,
 * a body nested 200,000 levels deep would overflow the stack of whatever walks it next (schema
 * validation, cloning, serialising) and answer 500; measured first, it is refused as a bad request.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether the arrays and objects of `text` nest deeper than `max` (strings are skipped, escapes too). */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}

/** The same limit for a value already parsed (a multipart field sent as JSON), walked without recursion. */
export function valueNestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}
