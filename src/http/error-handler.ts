import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUnfitValue } from '../adapters/db/database.js';
import { CamtroveError, isCamtroveError, type ErrorCode } from '../domain/errors.js';
import { asNoSpace, isNoSpace } from '../domain/no-space.js';
import { BARE_ERROR_HEADERS } from './security-headers.js';
import type { PageFallback } from './web-app.js';

/**
 * Maps Fastify and plugin errors onto our catalogue; anything unknown is a logged 500. Unknown paths
 * answer the catalogue's 404, unless they are pages of the web app (`pages`).
 */
export function installErrorHandler(app: FastifyInstance, pages: PageFallback | null = null): void {
  app.setErrorHandler((thrown: FastifyError | CamtroveError, request, reply) => {
    // A full disk met anywhere (a database write too) is the catalogue's 507, not an internal error.
    const error = isCamtroveError(thrown) ? thrown : isNoSpace(thrown) ? (asNoSpace(thrown, 'nothing was written') as CamtroveError) : fromFastifyError(thrown, request);
    if (error.status >= 500) {
      request.log.error({ err: thrown }, 'request failed');
    }
    sendError(request, reply, error);
  });

  app.setNotFoundHandler((request, reply) => {
    const page = pages?.(request, reply);
    if (page) return page;
    void reply.status(404).send({ error: { code: 'CAMTROVE_ERR_ROUTE_NOT_FOUND', message: `no endpoint ${request.method} ${request.url.split('?')[0]}; see /docs` } });
  });
}

/** Codes after which the rest of the request body is not worth reading. */
const CLOSE_AFTER: readonly ErrorCode[] = ['CAMTROVE_ERR_UPLOAD_TOO_LARGE', 'CAMTROVE_ERR_UPLOAD_ABORTED', 'CAMTROVE_ERR_REQUEST_TIMEOUT', 'CAMTROVE_ERR_BODY_TOO_LARGE', 'CAMTROVE_ERR_NO_SPACE'];

function sendError(request: FastifyRequest, reply: FastifyReply, error: CamtroveError): void {
  if (CLOSE_AFTER.includes(error.code)) void reply.header('connection', 'close');
  const message = error.code === 'CAMTROVE_ERR_INTERNAL' ? `internal error; the server log has the details under request id ${request.id}` : error.message;
  void reply.status(error.status).send({ error: { code: error.code, message } });
}

/**
 * Errors Fastify meets before routing (Fastify's `frameworkErrors` option): a path segment longer
 * than maxParamLength (414) and malformed percent-encoding in the path (400).
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const mapped =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new CamtroveError('CAMTROVE_ERR_URI_TOO_LONG', 'a segment of the path is longer than the server accepts')
      : error.code === 'FST_ERR_BAD_URL'
        ? new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'the path has malformed percent-encoding')
        : fromFastifyError(error, request);
  // Routing failed, so helmet's onRequest hook never ran.
  void reply.headers(BARE_ERROR_HEADERS);
  sendError(request, reply, mapped);
}

function fromFastifyError(error: FastifyError, request: FastifyRequest): CamtroveError {
  const map: Record<string, ErrorCode> = {
    FST_REQ_FILE_TOO_LARGE: 'CAMTROVE_ERR_UPLOAD_TOO_LARGE',
    FST_FILES_LIMIT: 'CAMTROVE_ERR_BAD_REQUEST',
    FST_PARTS_LIMIT: 'CAMTROVE_ERR_BODY_TOO_LARGE',
    FST_FIELDS_LIMIT: 'CAMTROVE_ERR_BODY_TOO_LARGE',
    FST_INVALID_MULTIPART_CONTENT_TYPE: 'CAMTROVE_ERR_MISSING_FILE_FIELD',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'CAMTROVE_ERR_BAD_REQUEST',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CAMTROVE_ERR_BAD_REQUEST',
    FST_ERR_CTP_BODY_TOO_LARGE: 'CAMTROVE_ERR_BODY_TOO_LARGE',
  };
  const mapped = error.code ? map[error.code] : undefined;
  if (error.validation) {
    return new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `${error.validationContext ?? 'request'} ${error.message.replace(/^(body|querystring|params|headers)\/?/, '')}`.trim());
  }
  if (mapped === 'CAMTROVE_ERR_MISSING_FILE_FIELD') return new CamtroveError(mapped, 'send the file as multipart/form-data in a field named "file"');
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'unsupported content type; send application/json, multipart/form-data or application/x-www-form-urlencoded');
  }
  if (mapped === 'CAMTROVE_ERR_BODY_TOO_LARGE') return new CamtroveError(mapped, `the request body is larger than this endpoint accepts (${error.message})`);
  if (mapped) return new CamtroveError(mapped, error.message);
  // Values a schema let through but a column cannot hold (PostgreSQL only): the request is wrong.
  if (isUnfitValue(error)) return new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'a value is too long, too large, or has characters the library cannot store', { cause: error });
  if (isMalformedMultipart(error, request)) return new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `the multipart form is malformed or cut short: ${error.message}`);
  if (error.statusCode === 413) return new CamtroveError('CAMTROVE_ERR_BODY_TOO_LARGE', error.message);
  if (error.statusCode && error.statusCode < 500) return new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', error.message);
  return new CamtroveError('CAMTROVE_ERR_INTERNAL', error.message, { cause: error });
}

/**
 * The multipart parser (busboy) fails a form with a broken boundary or a part cut short with plain
 * errors: "Unexpected end of multipart data", "… terminated early due to unexpected end of
 * multipart data", "Multipart: Boundary not found". Nothing else a multipart request meets says so.
 */
function isMalformedMultipart(error: Error, request: FastifyRequest): boolean {
  return request.isMultipart() && !('code' in error && error.code) && /multipart|boundary/i.test(error.message);
}
