import { Value } from '@sinclair/typebox/value';
import type { TObject } from '@sinclair/typebox';
import { CamtroveError } from '../domain/errors.js';
import { expectedSpelling, looseNumbers } from '../domain/form-number.js';

/**
 * Validates an analysis's parameters against its schema: fills defaults, converts form strings
 * ("5" → 5, "true" → true), and names every bad or unknown parameter in one message. Numbers sent
 * as strings must be plain decimal: TypeBox's Convert reads "0x10" as 0 and "1e3" as the integer 1.
 */
export function validateParams(
  analysis: string,
  schema: TObject,
  raw: Record<string, unknown>,
  check?: (params: Record<string, unknown>) => string | null,
): Record<string, unknown> {
  const known = Object.keys(schema.properties);
  const unknown = Object.keys(raw).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    const accepted = known.length > 0 ? `it accepts: ${known.join(', ')}` : 'it takes no parameters';
    throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for analysis ${analysis}; ${accepted}`);
  }
  const loose = looseNumbers(schema, raw);
  if (loose.length > 0) {
    const problems = loose.map((l) => `${l.path}: expected ${l.kind}, got ${JSON.stringify(l.text)}, which is not ${expectedSpelling(l.kind)}`);
    throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `invalid parameters for analysis ${analysis}: ${problems.join('; ')}`);
  }
  const value = Value.Default(schema, Value.Convert(schema, structuredClone(raw)));
  const problems = [...Value.Errors(schema, value)].map((e) => `${e.path.replace(/^\//, '') || 'parameters'}: ${e.message.toLowerCase()}`);
  if (problems.length > 0) {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `invalid parameters for analysis ${analysis}: ${[...new Set(problems)].join('; ')}`);
  }
  const problem = check?.(value as Record<string, unknown>);
  if (problem) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `invalid parameters for analysis ${analysis}: ${problem}`);
  return value as Record<string, unknown>;
}
