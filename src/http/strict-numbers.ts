import type { FastifyInstance } from 'fastify';
import { CamtroveError } from '../domain/errors.js';
import { expectedSpelling, looseNumbers } from '../domain/form-number.js';

const PARTS = [
  ['querystring', 'query'],
  ['params', 'params'],
  ['headers', 'headers'],
  ['body', 'body'],
] as const;

/**
 * The validator coerces form and query strings to the numbers a route's schema asks for (Ajv's
 * coerceTypes), and Ajv reads them as JavaScript does: `0x10` is 16, ` 5` is 5, `1e3` an integer.
 * Before it runs, every string that stands for a number must be plain decimal (domain/form-number),
 * or the request is refused naming the field.
 */
export function installStrictNumbers(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema as Record<string, unknown> | undefined;
    if (!schema) return;
    for (const [part, field] of PARTS) {
      if (!schema[part]) continue;
      const value: unknown = request[field];
      if (value === null || typeof value !== 'object') continue;
      const [first] = looseNumbers(schema[part], value);
      if (first) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `${part} ${first.path}: ${JSON.stringify(first.text)} is not ${expectedSpelling(first.kind)}`);
    }
  });
}
