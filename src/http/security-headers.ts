import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * What the API documentation page may load: swagger-ui's own scripts and styles from this server
 * (swagger-ui sets some styles inline), the OpenAPI document it fetches, and its data: logo. Nothing
 * from elsewhere, and no upgrade-insecure-requests: `camtrove serve` speaks plain HTTP, and on a
 * LAN address that directive would send the page's own scripts to an https:// that is not there.
 */
export const DOCS_CSP =
  "default-src 'none'; base-uri 'none'; connect-src 'self'; font-src 'self' data:; form-action 'none'; frame-ancestors 'none'; " +
  "img-src 'self' data:; manifest-src 'self'; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'";

/**
 * For the few answers written before helmet's hook runs (requests Node or the router refuse): the
 * body is JSON with no reason to load anything, and must not be read as anything else.
 */
export const BARE_ERROR_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

/**
 * helmet's headers on every response (nosniff, frame denial, no referrer, cross-origin isolation of
 * resources, …). The API answers JSON, which needs nothing loaded: its CSP allows nothing. /docs
 * sets DOCS_CSP (through swagger-ui's staticCSP) and file downloads their own (file-headers.ts).
 * HSTS is left to the TLS proxy in front: the server itself speaks plain HTTP, and a header sent
 * from behind a proxy would pin the proxy's whole domain (includeSubDomains) without its say.
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: false,
  });
}
