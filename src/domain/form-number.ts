/**
 * Numbers written as text (query strings, form fields, path segments) are read in one spelling: plain
 * decimal, as JSON writes numbers. `Number()` and `parseFloat` would read `0x10` as 16 or 0, ` 5` as 5
 * and `5abc` as 5, so a typo or a probe would pass for a value nobody meant. Integers take digits
 * only (no fraction, no exponent, no `+`); other numbers may have a fraction and an exponent (`1e3`,
 * `2.5E-1`), as in JSON. Leading zeros, a leading `+`, `.5`, `5.`, spaces, hex, `Infinity` and the
 * empty string are refused.
 */
export type NumberKind = 'integer' | 'number';

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** The number `text` spells, or null when it is not plain decimal (or not finite). */
export function parseFormNumber(text: string, kind: NumberKind): number | null {
  if (!(kind === 'integer' ? INTEGER : DECIMAL).test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** What a refused value should have looked like, for error messages. */
export function expectedSpelling(kind: NumberKind): string {
  return kind === 'integer' ? 'a whole number in plain decimal (such as 12 or -3)' : 'a number in plain decimal (such as 0.5, -3 or 1e3)';
}

/** A JSON schema, as far as finding where it wants numbers goes. */
interface SchemaLike {
  type?: string | string[];
  properties?: Record<string, SchemaLike>;
  additionalProperties?: boolean | SchemaLike;
  items?: SchemaLike | SchemaLike[];
  anyOf?: SchemaLike[];
  oneOf?: SchemaLike[];
  allOf?: SchemaLike[];
  const?: unknown;
  enum?: unknown[];
}

export interface LooseNumber {
  /** Where the value is: `limit`, `replaces.pid`, `points[2]`. */
  path: string;
  text: string;
  kind: NumberKind;
}

/**
 * Every string in `value` that stands where `schema` wants a number and is not plain decimal. A
 * validator that coerces form strings (Ajv's coerceTypes, TypeBox's Convert) runs after this, on
 * values that passed. Where the schema also accepts a string there, the string is left alone.
 */
export function looseNumbers(schema: unknown, value: unknown, path = ''): LooseNumber[] {
  if (!isSchema(schema)) return [];
  if (typeof value === 'string') {
    const kind = numberKind(schema);
    return kind && !acceptsString(schema) && parseFormNumber(value, kind) === null ? [{ path, text: value, kind }] : [];
  }
  const found: LooseNumber[] = [];
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) found.push(...looseNumbers(branch, value, path));
  if (Array.isArray(value) && isSchema(schema.items)) {
    value.forEach((item, i) => found.push(...looseNumbers(schema.items, item, `${path}[${i}]`)));
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const sub = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : schema.additionalProperties;
      found.push(...looseNumbers(sub, item, path ? `${path}.${key}` : key));
    }
  }
  return dedupe(found);
}

function isSchema(value: unknown): value is SchemaLike {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** integer or number when the schema (or, for a lone string where a list goes, its items) wants one. */
function numberKind(schema: SchemaLike): NumberKind | null {
  const types = typesOf(schema);
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const kind = numberKind(branch);
    if (kind) return kind;
  }
  // With coerceTypes 'array', `?n=5` is read as [5] where a list of numbers goes.
  if (types.includes('array') && isSchema(schema.items)) return numberKind(schema.items);
  return null;
}

function acceptsString(schema: SchemaLike): boolean {
  if (typesOf(schema).includes('string') || typeof schema.const === 'string' || schema.enum?.some((e) => typeof e === 'string')) return true;
  if ([...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].some(acceptsString)) return true;
  return typesOf(schema).includes('array') && isSchema(schema.items) && acceptsString(schema.items);
}

function typesOf(schema: SchemaLike): string[] {
  return schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
}

function dedupe(found: LooseNumber[]): LooseNumber[] {
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(f.path) && Boolean(seen.add(f.path)));
}
