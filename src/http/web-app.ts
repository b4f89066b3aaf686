import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route of the web app: its hashed files, its pages, or an older API path that is also a page (`shared`). */
    webApp?: 'assets' | 'page' | 'shared';
  }
}

/** Where `npm run build` puts the web app: dist/web at the package's root (from src/http and dist/http alike). */
export const DEFAULT_WEB_ROOT = join(import.meta.dirname, '..', '..', 'dist', 'web');

/**
 * What the web app's page may load: its own scripts and styles (Vite's build inlines none), the API
 * it calls, and images and video from this server, or from blob: URLs of bytes the page fetched
 * itself (with a token, which an <img> or <video> cannot send). No inline script or style, nothing
 * from elsewhere; like the API, it may not be framed.
 */
export const WEB_CSP =
  "default-src 'none'; base-uri 'none'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; img-src 'self' blob:; " +
  "manifest-src 'self'; media-src 'self' blob:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'";

/**
 * Paths that are never pages of the web app: the API, its documentation and the older API paths. An
 * unknown path under them answers the API's JSON 404, whatever the client accepts.
 */
const NOT_PAGES = /^\/(api|docs|openapi\.json|health|file|analysis|cameras|jobs)(\/|$)/;

/**
 * Pages of the web app at older API paths (`/cameras`, `/cameras/{id}`): a browser's navigation
 * there gets the app, every other client the API's answer, as before the app had these pages.
 */
const SHARED_PAGES = /^\/cameras(\/[^/]+)?$/;

/**
 * A browser asking for a page of the web app (a bookmark, a reload of /files): GET or HEAD, preferring
 * HTML to JSON, at a path outside the API that names no file (the app's files live under /assets/).
 */
export function isPageRequest(method: string, path: string, accept: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (!prefersHtml(accept)) return false;
  // A camera's id may hold a dot.
  if (SHARED_PAGES.test(path)) return true;
  if (NOT_PAGES.test(path)) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/**
 * Whether an Accept header ranks text/html above application/json, as a browser's navigation does
 * (`text/html,…,*\/*;q=0.8`). No header, `*\/*`, JSON, or both at the same quality: an API client.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    return { range, quality: Number.isFinite(quality) ? quality : 0 };
  });
  // The most specific range that matches a type gives its quality (RFC 9110, 12.5.1).
  const quality = (type: string) => {
    const [major] = type.split('/');
    for (const range of [type, `${major}/*`, '*/*']) {
      const found = ranges.find((r) => r.range === range);
      if (found) return found.quality;
    }
    return 0;
  };
  const html = quality('text/html');
  return html > 0 && html > quality('application/json');
}

/**
 * The web app's own requests (its files and its pages), which carry no data and need no token. A
 * page other than / reaches no route: it is a 404 that the not-found handler answers with the app.
 */
export function isWebAppRequest(request: FastifyRequest): boolean {
  const { webApp } = request.routeOptions.config;
  if (webApp === 'assets') return true;
  return (webApp === 'page' || webApp === 'shared' || request.is404) && isPageRequest(request.method, pathOf(request), request.headers.accept);
}

/** Answers a request the not-found handler met, when it is a page of the app; null otherwise. */
export type PageFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> | null;

/**
 * The web app built into `root`: its hashed files under /assets/ (cached for a year, they never
 * change under one name), and index.html at / and, through `fallback` (for the not-found handler:
 * no wildcard route, which would take the router's 414 for over-long path segments), at every other
 * page path, so a bookmark or a reload of /files opens the app (not cached: it names the current
 * files). Any other unknown path answers the API's JSON 404. Without a build, pages answer how to
 * make one.
 */
export function webApp(root: string): { routes: (app: FastifyInstance) => Promise<void>; fallback: PageFallback; sharePages: (app: FastifyInstance) => void } {
  const page = async (reply: FastifyReply) => {
    const html = await readFile(join(root, 'index.html'), 'utf8').catch(() => null);
    if (html === null) {
      return reply
        .status(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send(`camtrove's web app is not built here (no ${join(root, 'index.html')}).\nBuild it with \`npm run build\` in the camtrove checkout (\`npm ci\` does it too), then reload this page.\nThe API answers under /api/, documented at /docs.\n`);
    }
    return reply.status(200).header('cache-control', 'no-cache').header('content-security-policy', WEB_CSP).type('text/html; charset=utf-8').send(html);
  };
  const fallback: PageFallback = (request, reply) => (isPageRequest(request.method, pathOf(request), request.headers.accept) ? page(reply) : null);

  /**
   * For the context of older API routes whose paths are also pages (SHARED_PAGES): their GET routes
   * answer a browser's navigation with the app and everyone else as before. Both answers vary with
   * Accept, so no cache hands one to the other.
   */
  const sharePages = (app: FastifyInstance): void => {
    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      if (methods.every((m) => m === 'GET' || m === 'HEAD') && SHARED_PAGES.test(route.url)) route.config = { ...route.config, webApp: 'shared' };
    });
    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config.webApp !== 'shared') return;
      void reply.header('vary', 'accept');
      if (isPageRequest(request.method, pathOf(request), request.headers.accept)) return page(reply);
    });
  };

  const routes = async (app: FastifyInstance): Promise<void> => {
    app.get('/', { schema: { hide: true }, config: { webApp: 'page' } }, (request, reply) => fallback(request, reply) ?? reply.callNotFound());
    app.addHook('onRoute', (route) => {
      if (route.url?.startsWith('/assets/')) route.config = { ...route.config, webApp: 'assets' };
    });
    // Without a build there are no assets: their paths answer the API's 404.
    if (!existsSync(join(root, 'assets'))) return;
    await app.register(fastifyStatic, {
      root: join(root, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      // Vite names each file by a hash of its content.
      maxAge: '365d',
      immutable: true,
      schemaHide: true,
    });
  };
  return { routes, fallback, sharePages };
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '';
}
