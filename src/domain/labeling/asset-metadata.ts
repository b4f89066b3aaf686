import { CamtroveError, type ErrorCode } from '../errors.js';
import { MAX_JSON_DEPTH, valueNestsDeeperThan } from '../json-depth.js';

/**
 * An asset's jsonMetadata, kept as Kili keeps it: a plain JSON object whose `processingParameters`
 * drive how the asset is prepared. The two are stored apart (the replace rule of updates becomes
 * trivial, and only a change of processingParameters makes the asset prepared again).
 */

export interface ProcessingParameters { shouldUseNativeVideo?: boolean; framesPlayedPerSecond?: number; shouldKeepNativeFrameRate?: boolean; [k: string]: unknown }
export type MetadataUpdateMode = 'replace' | 'merge' | 'set';

/** The fastest sampling accepted: beyond it a "rate" is a mistake (a frame count given as a rate). */
export const MAX_FRAMES_PER_SECOND = 1000;

/** Keys `set` (Kili's setMetadata) keeps from the old metadata when the update leaves them out. */
const KEPT_BY_SET = ['text', 'imageUrl', 'url'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Throws (`code`, naming `assetLabel`) unless `value` is a plain object of JSON values: no number that
 * is not finite at any depth (JSON would turn it into null), no nesting deeper than MAX_JSON_DEPTH,
 * nothing JSON cannot hold (a function, a bigint, a Date or Map). Walked without recursion.
 */
export function checkMetadata(value: unknown, assetLabel: string, code: ErrorCode = 'CAMTROVE_ERR_INVALID_METADATA'): Record<string, unknown> {
  const fail = (what: string) => new CamtroveError(code, `${assetLabel}: jsonMetadata ${what}`);
  if (!isPlainObject(value)) throw fail(`must be a JSON object, not ${describe(value)}`);
  if (valueNestsDeeperThan(value, MAX_JSON_DEPTH)) throw fail(`nests deeper than ${MAX_JSON_DEPTH} levels`);
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'number' && !Number.isFinite(item)) throw fail(`holds ${String(item)} at ${path}, which JSON cannot carry`);
    if (item === null || ['string', 'number', 'boolean'].includes(typeof item)) continue;
    if (Array.isArray(item)) item.forEach((child, i) => stack.push([child, `${path}[${i}]`]));
    else if (isPlainObject(item)) for (const [key, child] of Object.entries(item)) stack.push([child, path === '' ? key : `${path}.${key}`]);
    else throw fail(`holds ${describe(item)} at ${path}, which is not a JSON value`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'an object';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'non-plain'} object`;
  return `a ${typeof value}`;
}

/**
 * Checks processingParameters: shouldUseNativeVideo and shouldKeepNativeFrameRate booleans,
 * framesPlayedPerSecond a positive finite number up to MAX_FRAMES_PER_SECOND; other keys (Kili's
 * numberOfFrames, startTime...) are kept as they are.
 */
export function checkProcessingParameters(value: unknown, assetLabel: string, code: ErrorCode = 'CAMTROVE_ERR_INVALID_METADATA'): ProcessingParameters {
  const fail = (what: string) => new CamtroveError(code, `${assetLabel}: processingParameters${what}`);
  if (!isPlainObject(value)) throw fail(` must be an object, not ${describe(value)}`);
  for (const key of ['shouldUseNativeVideo', 'shouldKeepNativeFrameRate']) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean') throw fail(`.${key} must be true or false, not ${JSON.stringify(value[key])}`);
  }
  const fps = value.framesPlayedPerSecond;
  if (fps !== undefined && (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0 || fps > MAX_FRAMES_PER_SECOND)) {
    throw fail(`.framesPlayedPerSecond must be a number above 0 and at most ${MAX_FRAMES_PER_SECOND}, not ${typeof fps === 'number' ? String(fps) : JSON.stringify(fps)}`);
  }
  return value;
}

/**
 * Splits a checked jsonMetadata into the metadata proper and its processingParameters (null when
 * absent or null). Neither shares objects with the input.
 */
export function splitMetadata(jsonMetadata: Record<string, unknown>, assetLabel: string, code: ErrorCode = 'CAMTROVE_ERR_INVALID_METADATA'):
  { jsonMetadata: Record<string, unknown>; processingParameters: ProcessingParameters | null } {
  const { processingParameters, ...rest } = structuredClone(jsonMetadata);
  const parameters = processingParameters === undefined || processingParameters === null ? null : checkProcessingParameters(processingParameters, assetLabel, code);
  return { jsonMetadata: rest, processingParameters: parameters };
}

/** The inverse of splitMetadata: the jsonMetadata an API answer shows. */
export function joinMetadata(jsonMetadata: Record<string, unknown>, processingParameters: ProcessingParameters | null): Record<string, unknown> {
  const { processingParameters: _ignored, ...rest } = jsonMetadata;
  return processingParameters === null ? rest : { ...rest, processingParameters };
}

/**
 * replace (updatePropertiesInAssets): the update becomes the metadata; processingParameters kept when
 * the update leaves it out, replaced when it names it (null removes it).
 * merge (addMetadata): the update's keys over the old ones (processingParameters as one key: replaced).
 * set (setMetadata): replaced, but text, imageUrl, url and processingParameters kept from the old
 * metadata when the update leaves them out.
 * `processingChanged` says whether the asset must be prepared again.
 */
export function updateMetadata(
  mode: MetadataUpdateMode,
  old: { jsonMetadata: Record<string, unknown>; processingParameters: ProcessingParameters | null },
  update: unknown,
  assetLabel: string,
): { jsonMetadata: Record<string, unknown>; processingParameters: ProcessingParameters | null; processingChanged: boolean } {
  const checked = checkMetadata(update, assetLabel);
  const names = Object.hasOwn(checked, 'processingParameters');
  const split = splitMetadata(checked, assetLabel);
  const processingParameters = names ? split.processingParameters : old.processingParameters === null ? null : structuredClone(old.processingParameters);
  let jsonMetadata: Record<string, unknown>;
  if (mode === 'replace') jsonMetadata = split.jsonMetadata;
  else if (mode === 'merge') jsonMetadata = { ...structuredClone(old.jsonMetadata), ...split.jsonMetadata };
  else {
    jsonMetadata = split.jsonMetadata;
    for (const key of KEPT_BY_SET) {
      if (!Object.hasOwn(jsonMetadata, key) && Object.hasOwn(old.jsonMetadata, key)) jsonMetadata[key] = structuredClone(old.jsonMetadata[key]);
    }
  }
  return { jsonMetadata, processingParameters, processingChanged: canonical(processingParameters) !== canonical(old.processingParameters) };
}

/** JSON with object keys sorted, so that two equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v);
}

/** metadataWhere: `{k: v}` equal, `{k: [v1, v2, …]}` any of, `{k: [min, max]}` (two numbers) an inclusive numeric range. */
export type MetadataCondition = { key: string; equals: string | number | boolean } | { key: string; anyOf: string[] } | { key: string; min: number; max: number };

/** Conditions a query may carry: each is a join or an EXISTS on the metadata index. */
export const MAX_METADATA_CONDITIONS = 20;

/**
 * Parses Kili's metadataWhere, given as an object or as its JSON text (a query parameter); empty
 * text, null and undefined mean no condition. A list of exactly two numbers is a range (Kili's
 * reading); any other list is "any of", its numbers and booleans compared as the text the index
 * holds for them ('2', 'true'). Throws CAMTROVE_ERR_INVALID_QUERY naming the key.
 */
export function parseMetadataWhere(value: unknown): MetadataCondition[] {
  const fail = (what: string) => new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `metadataWhere: ${what}`);
  if (value === undefined || value === null || value === '') return [];
  let where: unknown = value;
  if (typeof value === 'string') {
    try {
      where = JSON.parse(value) as unknown;
    } catch {
      throw fail('is not JSON; give an object such as {"camera": "gate", "score": [0.5, 1]}');
    }
  }
  if (!isPlainObject(where)) throw fail(`must be an object {key: value | [values] | [min, max]}, not ${describe(where)}`);
  const entries = Object.entries(where);
  if (entries.length > MAX_METADATA_CONDITIONS) throw fail(`has ${entries.length} keys; at most ${MAX_METADATA_CONDITIONS}`);
  return entries.map(([key, condition]): MetadataCondition => {
    if (key === '') throw fail('a key is empty');
    if (typeof condition === 'string' || typeof condition === 'boolean') return { key, equals: condition };
    if (typeof condition === 'number') {
      if (!Number.isFinite(condition)) throw fail(`${key}: ${condition} is not a finite number`);
      return { key, equals: condition };
    }
    if (!Array.isArray(condition)) throw fail(`${key}: expected a string, number, boolean or list, not ${describe(condition)}`);
    if (condition.length === 0) throw fail(`${key}: the list is empty`);
    if (condition.length === 2 && condition.every((v) => typeof v === 'number')) {
      const [min, max] = condition as [number, number];
      if (!Number.isFinite(min) || !Number.isFinite(max)) throw fail(`${key}: a range needs finite numbers`);
      if (min > max) throw fail(`${key}: range [${min}, ${max}] has its minimum above its maximum`);
      return { key, min, max };
    }
    const anyOf = condition.map((v: unknown) => {
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
      throw fail(`${key}: a list holds ${describe(v)}; give strings, numbers or booleans`);
    });
    return { key, anyOf: [...new Set(anyOf)] };
  });
}

/**
 * Strings longer than this are not indexed: a PostgreSQL B-tree entry holds about 2,700 bytes, and
 * 500 characters of up to 4 UTF-8 bytes stay below. A filter on such a value matches nothing.
 */
export const MAX_INDEXED_TEXT = 500;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The rows of the metadata index: top-level keys only; strings as text, numbers as num and text
 * (String(n), as parseMetadataWhere spells them), booleans as text 'true'/'false'. A string that
 * spells a decimal number gets num too, so that ranges work on metadata Kili users keep as strings
 * ("0.8"). Objects, arrays, null, and over-long keys or strings are not indexed.
 */
export function metadataIndexRows(jsonMetadata: Record<string, unknown>): { key: string; text: string | null; num: number | null }[] {
  const rows: { key: string; text: string | null; num: number | null }[] = [];
  for (const [key, value] of Object.entries(jsonMetadata)) {
    if (key === 'processingParameters' || key.length > MAX_INDEXED_TEXT) continue;
    if (typeof value === 'number' && Number.isFinite(value)) rows.push({ key, text: String(value), num: value });
    else if (typeof value === 'boolean') rows.push({ key, text: String(value), num: null });
    else if (typeof value === 'string' && value.length <= MAX_INDEXED_TEXT) {
      const num = DECIMAL.test(value.trim()) ? Number(value) : null;
      rows.push({ key, text: value, num: num !== null && Number.isFinite(num) ? num : null });
    }
  }
  return rows;
}
