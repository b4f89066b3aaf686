import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ImportService } from '../../services/import/import.service.js';
import { errorResponses, PageQuery } from '../schemas.js';

const JobStatus = Type.Union(['shards_missing', 'processing', 'complete', 'complete_with_failures'].map((s) => Type.Literal(s)), {
  description: 'shards_missing: files not stored yet (the import runs, or stopped: run it again); processing: all stored, segmentation under way; complete; complete_with_failures.',
});

const ShardSummary = Type.Object({
  item_count: Type.Integer(),
  status: Type.Union(['missing', 'stored', 'processing', 'complete', 'failed'].map((s) => Type.Literal(s)), {
    description: 'missing: some files not stored yet; stored: all stored, segmentation not begun; processing; complete; failed: finished with at least one failure.',
  }),
  done: Type.Integer({ description: 'Files finished: segmented, or stored when the job does not segment.' }),
  failed: Type.Integer(),
});

const JobListing = Type.Object({
  job_id: Type.String(),
  created: Type.String({ format: 'date-time' }),
  item_count: Type.Integer(),
  shard_count: Type.Integer(),
  status: JobStatus,
});

const JobView = Type.Object({
  job_id: Type.String(),
  created: Type.String({ format: 'date-time' }),
  updated: Type.String({ format: 'date-time' }),
  request: Type.Object({
    item_count: Type.Integer(),
    cameras: Type.Array(Type.String()),
    earliest_date: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    latest_date: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    folders: Type.Array(Type.String()),
    segment: Type.Boolean(),
    shard_size: Type.Integer(),
  }),
  shard_map: Type.Record(Type.String(), ShardSummary, { description: 'Shard number ("0", "1", …) to its summary.' }),
  status: JobStatus,
  counts: Type.Object({ item_count: Type.Integer(), done: Type.Integer(), failed: Type.Integer() }),
  errors: Type.Array(Type.Object({ path: Type.String(), reason: Type.String() }), { description: 'The first 100 failed files with their reasons.' }),
});

/** Import jobs (`camtrove import` runs): list them, and follow one shard by shard. */
export function jobRoutes(imports: ImportService, base = '/api/jobs'): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(base, {
      schema: {
        summary: 'List import jobs, newest first',
        tags: ['jobs'],
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Object({ jobs: Type.Array(JobListing), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401) },
      },
    }, async (request) => {
      const page = await imports.listJobs({ limit: request.query.limit, after: request.query.after ?? null });
      return { jobs: page.items, next: page.next };
    });

    app.get(`${base}/:id`, {
      schema: {
        summary: 'One import job: its files by shard and its status',
        tags: ['jobs'],
        params: Type.Object({ id: Type.String({ description: 'The job id (32 hex characters).' }) }),
        response: { 200: JobView, ...errorResponses(401, 404) },
      },
    }, async (request) => imports.getJob(request.params.id));
  };
}
