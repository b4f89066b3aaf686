import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AnalysisRegistry } from '../../analyses/analysis-registry.js';

/** What analyses this server runs, with the JSON schema of each one's parameters. */
export function analysisTypeRoutes(registry: AnalysisRegistry): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/analysis-types', {
      schema: {
        summary: 'Analyses this server runs and their parameters',
        tags: ['analyses'],
        response: {
          200: Type.Object({
            analysis_types: Type.Array(Type.Object({
              name: Type.String(),
              description: Type.String(),
              input: Type.String({ enum: ['media', 'none'] }),
              models: Type.Union([Type.Array(Type.String()), Type.Null()]),
              default_model: Type.Union([Type.String(), Type.Null()]),
              params: Type.Unknown({ description: 'JSON Schema of the parameters.' }),
            })),
          }),
        },
      },
    }, async () => ({
      analysis_types: [...registry.values()].map((a) => ({
        name: a.name,
        description: a.description,
        input: a.input,
        models: a.models ? [...a.models.names] : null,
        default_model: a.models?.default ?? null,
        params: a.params,
      })),
    }));
  };
}
