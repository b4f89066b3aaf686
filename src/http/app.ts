import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import { isLoopback } from '../domain/listen-address.js';
import { logRedaction } from '../logging.js';
import type { Library } from '../main.js';
import { installAuth } from './auth.js';
import { frameworkErrorHandler, installErrorHandler } from './error-handler.js';
import { installBodyParsers } from './body-parsers.js';
import { installNulGuard } from './nul-characters.js';
import { clientErrorHandler, installRequestTargetLimit } from './request-limits.js';
import { DOCS_CSP, installSecurityHeaders } from './security-headers.js';
import { installStrictNumbers } from './strict-numbers.js';
import { installStallGuard } from './upload-stall.js';
import { analysisTypeRoutes } from './routes/analysis-type.routes.js';
import { analysisRoutes, SEED_ANALYSIS_PATHS } from './routes/analysis.routes.js';
import { cameraRoutes } from './routes/camera.routes.js';
import { fileRoutes, SEED_FILE_PATHS } from './routes/file.routes.js';
import { eventRoutes } from './routes/event.routes.js';
import { importRoutes } from './routes/import.routes.js';
import { jobRoutes } from './routes/job.routes.js';
import { failedJobRoutes } from './routes/failed-job.routes.js';
import { frameRoutes } from './routes/frame.routes.js';
import { projectRoutes } from './routes/project.routes.js';
import { labelRoutes } from './routes/label.routes.js';
import { labelExportRoutes } from './routes/label-export.routes.js';
import { assetRoutes } from './routes/asset.routes.js';
import { libraryRoutes } from './routes/library.routes.js';
import { DEFAULT_WEB_ROOT, webApp } from './web-app.js';
import { markDeprecated } from './route-aliases.js';
import { completeOperation } from './openapi.js';
import { ErrorBody } from './schemas.js';
import { lazySchemaCompilers } from './lazy-schema-compilers.js';

export type AppDeps = Pick<Library, 'files' | 'frames' | 'analyses' | 'failedJobs' | 'tokens' | 'cameras' | 'events' | 'imports' | 'importHost' | 'registry' | 'config' | 'database' | 'projects' | 'assets' | 'labels' | 'labelExports'> & {
  logger?: Logger | false;
  /** Told of every route as it is registered (tools and tests that list the API). */
  onRoute?: (route: RouteOptions) => void;
  /** The built web app served at / (default dist/web); null serves none. */
  webRoot?: string | null;
  /** Compile every route's schemas while building (a test proves they all compile); else on first use. */
  compileSchemasUpFront?: boolean;
};

/** Builds the HTTP API without listening, so tests can inject requests or listen on any port. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Whatever logger is given, credentials in headers and URLs never reach it (plugins log headers too).
  // Typed as Fastify's logger so the instance type stays the default one routes are written for.
  const loggerInstance: FastifyBaseLogger | undefined = deps.logger ? deps.logger.child({}, logRedaction) : undefined;
  const app = Fastify({
    loggerInstance,
    // Honour a sane incoming request id so logs can be joined with a proxy's.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomBytes(8).toString('hex');
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
    // Long enough for every path segment camtrove takes (a 100-character label, percent-encoded);
    // longer ones answer 414.
    routerOptions: { maxParamLength: 1200 },
    // Errors met before a route runs answer with the catalogue's body like the others.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true } },
    ...(deps.compileSchemasUpFront ? {} : { schemaController: { compilersFactory: lazySchemaCompilers() } }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addSchema(ErrorBody);
  const web = deps.webRoot === null ? null : webApp(deps.webRoot ?? DEFAULT_WEB_ROOT);
  installErrorHandler(app, web?.fallback);
  await installSecurityHeaders(app);
  installRequestTargetLimit(app);
  installBodyParsers(app);
  installStallGuard(app, deps.config.uploadStallTimeoutMs);
  installStrictNumbers(app);
  installNulGuard(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'camtrove',
        version: '0.1.0',
        description: 'Upload footage, run analyses on a durable queue, poll for results. Errors are `{error: {code, message}}` with codes listed in docs/errors.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Needed once a token exists (`camtrove token create`).' } } },
      security: [{ bearer: [] }],
    },
    transform: completeOperation,
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  await app.register(formbody);
  await app.register(multipart, { limits: { fields: 100, fieldSize: 64 * 1024, parts: 200 } });
  installAuth(app, deps.tokens, { tokenRequired: !isLoopback(deps.config.host) });

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  app.get('/health', { schema: { summary: 'Liveness and the database in use', tags: ['service'], security: [] } }, () => ({ ok: true, database: deps.database.dialect }));
  await app.register(fileRoutes(deps.files, deps.config.maxUploadBytes));
  await app.register(libraryRoutes(deps.files));
  await app.register(analysisRoutes(deps.analyses));
  await app.register(analysisTypeRoutes(deps.registry));
  await app.register(cameraRoutes(deps.cameras));
  await app.register(frameRoutes(deps.frames));
  await app.register(jobRoutes(deps.imports));
  await app.register(failedJobRoutes(deps.failedJobs));
  await app.register(importRoutes(deps.importHost), { prefix: '/api' });
  await app.register(eventRoutes(deps.events), { prefix: '/api' });
  await app.register(projectRoutes(deps.projects));
  await app.register(assetRoutes(deps.assets));
  await app.register(labelRoutes(deps.labels));
  await app.register(labelExportRoutes(deps.labelExports));
  await app.register(async (aliases) => {
    markDeprecated(aliases);
    await aliases.register(fileRoutes(deps.files, deps.config.maxUploadBytes, SEED_FILE_PATHS));
    await aliases.register(analysisRoutes(deps.analyses, SEED_ANALYSIS_PATHS));
    await aliases.register(async (cameraAliases) => {
      // /cameras and /cameras/{id} are also pages of the web app: a browser's navigation gets the app.
      web?.sharePages(cameraAliases);
      await cameraAliases.register(cameraRoutes(deps.cameras, '/cameras'));
    });
    await aliases.register(jobRoutes(deps.imports, '/jobs'));
  });
  if (web) await app.register(web.routes);
  return app;
}
