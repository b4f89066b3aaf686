import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AnalysisRecord } from '../../adapters/db/analysis.repository.js';
import { ANALYSIS_STATES } from '../../domain/analysis-state.js';
import { CamtroveError, errorCatalogue } from '../../domain/errors.js';
import { MAX_JSON_DEPTH, valueNestsDeeperThan } from '../../domain/json-depth.js';
import type { AnalysisService } from '../../services/analysis.service.js';
import { errorResponses, IdParam, PageQuery } from '../schemas.js';

const AnalysisBody = Type.Object({
  analysis_id: Type.String(),
  file_id: Type.Union([Type.String(), Type.Null()]),
  analysis: Type.String(),
  model: Type.Union([Type.String(), Type.Null()]),
  params: Type.Record(Type.String(), Type.Unknown()),
  state: Type.String({ enum: [...ANALYSIS_STATES] }),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  attempts: Type.Integer(),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  result: Type.Unknown({ description: 'The result JSON once SUCCESS, else null.' }),
  created_at: Type.String({ format: 'date-time' }),
  started_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export function analysisBody(a: AnalysisRecord) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    analysis_id: a.id,
    file_id: a.fileId,
    analysis: a.analysis,
    model: a.model,
    params: a.params,
    state: a.state,
    progress: a.progress,
    attempts: a.attempts,
    error: a.error,
    result: a.result ?? null,
    created_at: new Date(a.createdAt).toISOString(),
    started_at: iso(a.startedAt),
    finished_at: iso(a.finishedAt),
  };
}

/** The start request's fields, whether JSON, urlencoded or multipart form fields. */
async function readFields(request: FastifyRequest): Promise<Record<string, unknown>> {
  if (request.isMultipart()) {
    const fields: Record<string, unknown> = {};
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        part.file.resume();
        throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `POST /api/analyses takes form fields only; upload "${part.fieldname}" with POST /api/files first and pass its file_id`);
      }
      // A field sent as application/json arrives parsed, with no limit on its nesting.
      if (valueNestsDeeperThan(part.value, MAX_JSON_DEPTH)) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `the field "${part.fieldname}" nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
      fields[part.fieldname] = part.value;
    }
    return fields;
  }
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'the body must be a JSON object or form fields');
  return { ...(body as Record<string, unknown>) };
}

/**
 * Where the analysis routes answer. Under `/api/analyses` an analysis's own path gives its whole
 * record, so polling for the result has a path of its own; the seed service's `/analysis` routes
 * poll at the item path and have no record route.
 */
export const ANALYSIS_PATHS = { collection: '/api/analyses', item: '/api/analyses/:id', result: '/api/analyses/:id/result', record: '/api/analyses/:id' as string | null };
export const SEED_ANALYSIS_PATHS = { collection: '/analysis', item: '/analysis/:id', result: '/analysis/:id', record: null };

/** Analyses: start, list, poll for the result, cancel, and the whole record. */
export function analysisRoutes(analyses: AnalysisService, paths = ANALYSIS_PATHS): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(paths.collection, {
      schema: {
        summary: 'Start an analysis',
        description:
          'JSON, urlencoded or multipart form fields: `analysis`, `file_id` (unless the analysis takes no input), `model` (where the analysis has models); ' +
          'every other field, or the members of a `params` object, is a parameter of the analysis (see GET /api/analysis-types).',
        tags: ['analyses'],
        consumes: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
        body: Type.Optional(Type.Object({ analysis: Type.String(), file_id: Type.Optional(Type.String()), model: Type.Optional(Type.String()), params: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }, { additionalProperties: true })),
        response: { 200: Type.Object({ analysis_id: Type.String() }), ...errorResponses(400, 401, 404, 409) },
      },
      // Multipart bodies are read by the handler; skip schema validation of the (absent) parsed body.
      validatorCompiler: () => () => true,
    }, async (request) => {
      const { analysis, file_id: fileId, model, params, ...rest } = await readFields(request);
      if (typeof analysis !== 'string' || analysis === '') throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'the field "analysis" is required (the name of an analysis, e.g. probe)');
      if (fileId !== undefined && typeof fileId !== 'string') throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'the field "file_id" must be a string');
      if (model !== undefined && model !== '' && typeof model !== 'string') throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'the field "model" must be a string');
      if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
        throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'the field "params" must be an object');
      }
      const record = await analyses.start({
        analysis,
        fileId: fileId || null,
        model: typeof model === 'string' && model !== '' ? model : null,
        params: { ...(params as Record<string, unknown> | undefined), ...rest },
      });
      return { analysis_id: record.id };
    });

    app.get(paths.collection, {
      schema: {
        summary: 'List analyses, newest first, with their current state',
        tags: ['analyses'],
        querystring: Type.Object({ ...PageQuery, state: Type.Optional(Type.String({ enum: [...ANALYSIS_STATES] })), file_id: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ analyses: Type.Array(AnalysisBody), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401) },
      },
    }, async (request) => {
      const { limit, after, state, file_id: fileId } = request.query;
      const page = await analyses.list({ limit, after, state: state as AnalysisRecord['state'] | undefined, fileId });
      return { analyses: page.items.map(analysisBody), next: page.next };
    });

    app.get(paths.result, {
      schema: {
        summary: 'Poll an analysis',
        description:
          '202 `{state, progress}` while PENDING or STARTED; 200 with the result JSON on SUCCESS (result files are file ids for GET /api/files/{id}); ' +
          `${errorCatalogue.CAMTROVE_ERR_ANALYSIS_FAILED.status} \`{state: "FAILURE", error: {code, message}}\` on failure; 410 \`{state: "CANCELLED", error}\` when cancelled.`,
        tags: ['analyses'],
        params: IdParam,
        response: {
          200: Type.Unknown({ description: 'The result JSON.' }),
          202: Type.Object({ state: Type.String(), progress: Type.Number(), attempts: Type.Integer() }),
          410: Type.Object({ state: Type.Literal('CANCELLED'), error: Type.Object({ code: Type.String(), message: Type.String() }) }),
          422: Type.Object({ state: Type.Literal('FAILURE'), error: Type.Object({ code: Type.String(), message: Type.String() }) }),
          ...errorResponses(400, 401, 404, 409),
        },
      },
    }, async (request, reply) => {
      const a = await analyses.get(request.params.id);
      switch (a.state) {
        case 'PENDING':
        case 'STARTED':
          return reply.status(202).send({ state: a.state, progress: a.progress, attempts: a.attempts });
        case 'SUCCESS':
          return reply.status(200).send(a.result);
        case 'FAILURE':
          return reply.status(422).send({ state: 'FAILURE', error: a.error ?? { code: 'CAMTROVE_ERR_ANALYSIS_FAILED', message: 'the analysis failed' } });
        case 'CANCELLED':
          return reply.status(410).send({ state: 'CANCELLED', error: { code: 'CAMTROVE_ERR_ANALYSIS_CANCELLED', message: `analysis ${a.id} was cancelled` } });
      }
    });

    app.delete(paths.item, {
      schema: {
        summary: 'Cancel an analysis',
        description: 'A pending analysis never runs; a running one is stopped (its ffmpeg too). Finished analyses answer 409.',
        tags: ['analyses'],
        params: IdParam,
        response: { 200: Type.Object({ analysis_id: Type.String(), state: Type.String() }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => {
      const a = await analyses.cancel(request.params.id);
      return { analysis_id: a.id, state: a.state };
    });

    if (paths.record !== null) {
      app.get(paths.record, {
        schema: { summary: 'An analysis with everything known about it', tags: ['analyses'], params: IdParam, response: { 200: AnalysisBody, ...errorResponses(400, 401, 404, 409) } },
      }, async (request) => analysisBody(await analyses.get(request.params.id)));
    }
  };
}
