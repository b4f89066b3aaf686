import type { FastifyError, FastifyInstance } from 'fastify';
import { CamtroveError, isCamtroveError, type ErrorCode } from '../domain/errors.js';
import { asNoSpace, isNoSpace } from '../domain/no-space.js';

/** Maps Fastify and plugin errors onto our catalogue; anything unknown is a logged 500. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError | CamtroveError, request, reply) => {
    // A full disk met anywhere (a database write too) is the catalogue's 507, not an internal error.
    const error = isCamtroveError(thrown) ? thrown : isNoSpace(thrown) ? (asNoSpace(thrown, 'nothing was written') as CamtroveError) : fromFastifyError(thrown);
    if (error.status >= 500) {
      request.log.error({ err: thrown }, 'request failed');
    }
    if (error.code === 'CAMTROVE_ERR_UPLOAD_TOO_LARGE' || error.code === 'CAMTROVE_ERR_UPLOAD_ABORTED' || error.code === 'CAMTROVE_ERR_NO_SPACE') {
      // The rest of the body is not worth reading: close the connection after answering.
      void reply.header('connection', 'close');
    }
    const message = error.code === 'CAMTROVE_ERR_INTERNAL' ? `internal error; the server log has the details under request id ${request.id}` : error.message;
    void reply.status(error.status).send({ error: { code: error.code, message } });
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'CAMTROVE_ERR_ROUTE_NOT_FOUND', message: `no endpoint ${request.method} ${request.url.split('?')[0]}; see /docs` } });
  });
}

function fromFastifyError(error: FastifyError): CamtroveError {
  const map: Record<string, ErrorCode> = {
    FST_REQ_FILE_TOO_LARGE: 'CAMTROVE_ERR_UPLOAD_TOO_LARGE',
    FST_FILES_LIMIT: 'CAMTROVE_ERR_BAD_REQUEST',
    FST_INVALID_MULTIPART_CONTENT_TYPE: 'CAMTROVE_ERR_MISSING_FILE_FIELD',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'CAMTROVE_ERR_BAD_REQUEST',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CAMTROVE_ERR_BAD_REQUEST',
    FST_ERR_CTP_BODY_TOO_LARGE: 'CAMTROVE_ERR_BAD_REQUEST',
  };
  const mapped = error.code ? map[error.code] : undefined;
  if (error.validation) {
    return new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `${error.validationContext ?? 'request'} ${error.message.replace(/^(body|querystring|params|headers)\/?/, '')}`.trim());
  }
  if (mapped === 'CAMTROVE_ERR_MISSING_FILE_FIELD') return new CamtroveError(mapped, 'send the file as multipart/form-data in a field named "file"');
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'unsupported content type; send application/json, multipart/form-data or application/x-www-form-urlencoded');
  }
  if (mapped) return new CamtroveError(mapped, error.message);
  if (error.statusCode && error.statusCode < 500) return new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', error.message);
  return new CamtroveError('CAMTROVE_ERR_INTERNAL', error.message, { cause: error });
}
