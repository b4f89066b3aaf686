import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FailedJobService } from '../../services/failed-jobs.service.js';
import { errorResponses, PageQuery } from '../schemas.js';

const FailedJob = Type.Object({
  job_id: Type.String({ description: 'For an analysis, its analysis id; for a label export, the export id; an asset\'s preparation has an id of its own (`retry` names the asset).' }),
  name: Type.String({ description: 'The analysis it ran (probe, segment, …), or prepare-asset, export-labels.' }),
  attempts: Type.Integer(),
  max_attempts: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why its last attempt failed.' }),
  queued_at: Type.String({ format: 'date-time' }),
  failed_at: Type.String({ format: 'date-time' }),
  retry: Type.String({ description: 'How to run it again: the command, or what to do when the queue cannot retry it itself.' }),
});

/** The queue's failed jobs (analyses, asset preparations, label exports): list them, and retry an analysis's. */
export function failedJobRoutes(failedJobs: FailedJobService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/queue/failed', {
      schema: {
        summary: 'List the queue\'s failed jobs, newest first',
        description: 'Failed jobs stay until retried; completed and cancelled ones are deleted after `keepFinishedJobsMs` (7 days by default).',
        tags: ['queue'],
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Object({ jobs: Type.Array(FailedJob), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401) },
      },
    }, async (request) => {
      const page = await failedJobs.list({ limit: request.query.limit, after: request.query.after ?? null });
      return { jobs: page.items, next: page.next };
    });

    app.post('/api/queue/:id/retry', {
      schema: {
        summary: 'Retry a failed job',
        description: 'A failed analysis runs again from its first attempt (the analysis is PENDING again). The jobs of asset preparations and label exports are retried through those records: the 409 says how.',
        tags: ['queue'],
        params: Type.Object({ id: Type.String({ description: 'The job id, as `GET /api/queue/failed` lists it.' }) }),
        response: { 200: Type.Object({ job_id: Type.String(), name: Type.String(), state: Type.String() }), ...errorResponses(401, 404, 409) },
      },
    }, async (request) => failedJobs.retry(request.params.id));
  };
}
