import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FileService } from '../../services/file.service.js';
import { errorResponses } from '../schemas.js';

/** The library as a whole: what it holds, for an overview. */
export function libraryRoutes(files: FileService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/library', {
      schema: {
        summary: 'The library at a glance',
        description: 'How many files the library holds and their bytes: every content is stored once, so `files.bytes` is the space the blob store takes.',
        tags: ['files'],
        response: { 200: Type.Object({ files: Type.Object({ count: Type.Integer(), bytes: Type.Integer() }) }), ...errorResponses(401) },
      },
    }, async () => ({ files: await files.totals() }));
  };
}
