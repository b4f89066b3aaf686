import type { FastifyInstance } from 'fastify';
import { CamtroveError } from '../domain/errors.js';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../domain/json-depth.js';

/**
 * Fastify's JSON parser (secure-json-parse: `__proto__` and `constructor.prototype` refused), with
 * bodies nested deeper than MAX_JSON_DEPTH refused before parsing: nothing camtrove takes nests
 * more than a few levels, and everything that walks a parsed body (the schema validator, cloning,
 * serialising) recurses, so 200,000 levels would overflow the stack.
 */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonNestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      done(new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `the JSON body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    void parse(request, body as string, done);
  });
}
