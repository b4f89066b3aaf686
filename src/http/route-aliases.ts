import type { FastifyInstance, FastifySchema } from 'fastify';

/**
 * Routes registered in this context are older paths kept for scripts written against them (the seed
 * service's `/file` and `/analysis`, `/cameras`, `/jobs`): the same handlers as their `/api/...`
 * counterparts, marked deprecated in the OpenAPI document so generated clients steer away from them.
 */
export function markDeprecated(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema: FastifySchema & { summary?: unknown } = route.schema ?? {};
    const summary = typeof schema.summary === 'string' ? schema.summary : '';
    route.schema = { ...schema, deprecated: true, summary: `${summary} (older path: use /api/…)`.trim(), tags: ['aliases'] };
  });
}
