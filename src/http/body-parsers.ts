import type { FastifyInstance } from 'fastify';
import { CamtroveError } from '../domain/errors.js';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../domain/json-depth.js';

/**
 * How request bodies are read, where Fastify's and the plugins' defaults would fail with a 500
 * rather than refuse a malformed body.
 */
export function installBodyParsers(app: FastifyInstance): void {
  installJsonParser(app);
  checkMultipartBoundary(app);
}

/**
 * Fastify's JSON parser (secure-json-parse: `__proto__` and `constructor.prototype` refused), with
 * bodies nested deeper than MAX_JSON_DEPTH refused before parsing: nothing camtrove takes nests
 * more than a few levels, and everything that walks a parsed body (the schema validator, cloning,
 * serialising) recurses, so 200,000 levels would overflow the stack.
 */
function installJsonParser(app: FastifyInstance): void {
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

/** RFC 2046: 1 to 70 characters of digits, letters and '()+_,-./:=? (a space, but not last). */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * A multipart form needs a boundary the parser can use: busboy throws on a missing one, and on one
 * over 256 characters, from inside the handler (a 500). Checked before the body is read.
 */
function checkMultipartBoundary(app: FastifyInstance): void {
  app.addHook('preParsing', async (request) => {
    const type = request.headers['content-type'];
    if (type === undefined || !/^\s*multipart\/form-data\s*(;|$)/i.test(type)) return;
    const boundary = /;\s*boundary=(?:"([^"]*)"|([^;\s]*))/i.exec(type);
    const value = boundary?.[1] ?? boundary?.[2];
    if (value === undefined || !BOUNDARY.test(value)) {
      throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'multipart/form-data needs a boundary parameter of 1 to 70 characters (RFC 2046)');
    }
  });
}
