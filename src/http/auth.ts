import type { FastifyInstance } from 'fastify';
import { CamtroveError } from '../domain/errors.js';
import { refusalWithoutToken } from '../domain/request-origin.js';
import type { TokenService } from '../services/token.service.js';
import { isWebAppRequest } from './web-app.js';

/** Paths that carry no data (the API description), open even when tokens exist; so are the web app's files and pages. */
const PUBLIC_PATHS = [/^\/docs(\/|$)/, /^\/openapi\.json$/, /^\/health$/];

/**
 * Every other request needs a token once one exists, and always when the server listens beyond
 * loopback (`tokenRequired`); tokens are checked on each request.
 */
export function installAuth(app: FastifyInstance, tokens: TokenService, options: { tokenRequired: boolean }): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (PUBLIC_PATHS.some((p) => p.test(path)) || isWebAppRequest(request)) return;
    const outcome = await tokens.authenticate(request.headers.authorization, options);
    if (!outcome.allowed) {
      void reply.header('www-authenticate', 'Bearer realm="camtrove"');
      throw new CamtroveError('CAMTROVE_ERR_UNAUTHORIZED', outcome.reason);
    }
    if (outcome.tokenId === null) {
      const refused = refusalWithoutToken({ method: request.method, host: request.headers.host, origin: header(request.headers.origin), fetchSite: header(request.headers['sec-fetch-site']) });
      if (refused) throw new CamtroveError('CAMTROVE_ERR_FORBIDDEN', refused);
    }
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
