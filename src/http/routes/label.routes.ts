import { Readable } from 'node:stream';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LABEL_TYPES } from '../../domain/labeling/label-model.js';
import type { LabelService, LabelView } from '../../services/labeling/label.service.js';
import { MAX_PAGE } from '../../services/labeling/project.service.js';
import { errorResponses } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const LabelBody = Type.Object({
  id: Type.String({ description: '32 hex characters.' }),
  projectId: Type.String(),
  assetId: Type.String(),
  externalId: Type.String({ description: 'The asset\'s external id.' }),
  labelType: Type.String({ enum: [...LABEL_TYPES] }),
  authorId: Nullable(Type.String()),
  modelName: Nullable(Type.String({ description: 'The model that made a PREDICTION or INFERENCE label.' })),
  secondsToLabel: Nullable(Type.Number()),
  createdAt: Type.String({ format: 'date-time' }),
  isLatestLabelForUser: Type.Boolean({ description: 'The latest DEFAULT or REVIEW label of its author on its asset.' }),
  numberOfAnnotations: Type.Integer({ description: 'Tracks (objects, and per-frame answers of each job).' }),
  numberOfKeyFrames: Type.Integer(),
  jsonResponse: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Kili\'s jsonResponse: every frame "0"…"N-1" with what it shows, interpolated between key frames (isKeyFrame tells which were drawn); an image project\'s is its jobs directly.' })),
});

const ProjectIdParam = Type.Object({ id: Type.String({ description: 'The project id, or a unique prefix.' }) });
const LabelIdParam = Type.Object({ id: Type.String({ description: 'The label id, or a unique prefix.' }) });
const LabelTypeIn = Type.Optional(Type.Array(Type.String({ enum: [...LABEL_TYPES] }), { description: 'Only labels of these types (repeat the key for several).' }));
const LabelFilterQuery = {
  assetId: Type.Optional(Type.String({ description: 'Only the labels of this asset.' })),
  assetExternalId: Type.Optional(Type.String({ description: 'Only the labels of the asset with this external id.' })),
  labelTypeIn: LabelTypeIn,
};

/** Labels of labeling assets: add (Kili's appendLabels and createPredictions), list, read, delete. */
export function labelRoutes(labels: LabelService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/projects/:id/labels', {
      // Every frame of a long video with several objects is a few tens of MB of JSON.
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        summary: 'Add labels (or predictions) to assets',
        description:
          'Kili\'s appendLabels: one jsonResponse per asset named, by assetIdArray or assetExternalIdArray. A jsonResponse gives every frame ("0"…"N-1") or only the key frames; the frames between are derived (rectangles and points interpolated, other shapes held). Each label is checked against the project interface and its asset\'s frames, and all are stored, or none. labelType PREDICTION or INFERENCE needs a modelName. `overwrite` replaces the labels of the same type (and model) on those assets.',
        tags: ['labeling'],
        params: ProjectIdParam,
        body: Type.Object({
          assetIdArray: Type.Optional(Type.Array(Type.String())),
          assetExternalIdArray: Type.Optional(Type.Array(Type.String())),
          jsonResponseArray: Type.Array(Type.Unknown()),
          labelType: Type.Optional(Type.String({ enum: [...LABEL_TYPES], default: 'DEFAULT' })),
          modelName: Type.Optional(Type.String({ minLength: 1 })),
          overwrite: Type.Optional(Type.Boolean()),
          authorIdArray: Type.Optional(Type.Array(Type.String())),
          secondsToLabelArray: Type.Optional(Type.Array(Type.Number())),
        }),
        response: {
          201: Type.Object({
            labels: Type.Array(Type.Object({ id: Type.String(), assetId: Type.String(), externalId: Type.String() })),
            replaced: Type.Integer({ description: 'Earlier labels replaced (overwrite).' }),
          }),
          ...errorResponses(400, 401, 404, 409, 413),
        },
      },
    }, async (request, reply) => reply.code(201).send(await labels.append(request.params.id, request.body)));

    app.post('/api/projects/:id/labels/import', {
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        summary: 'Add a label from another tool\'s file',
        description: '`fmt` cvat_video: CVAT for video 1.1 XML (as CVAT exports it, or as camtrove does): its key frames and outside flags are kept, the frames between derived again; labels are matched to categories by name, then by key; pixels are read against each frame\'s size. `fmt` kili: a jsonResponse as JSON text. One asset, named by assetId or assetExternalId.',
        tags: ['labeling'],
        params: ProjectIdParam,
        body: Type.Object({
          fmt: Type.String({ enum: ['cvat_video', 'kili'] }),
          assetId: Type.Optional(Type.String()),
          assetExternalId: Type.Optional(Type.String()),
          content: Type.String({ description: 'The file\'s text.' }),
          labelType: Type.Optional(Type.String({ enum: [...LABEL_TYPES] })),
          modelName: Type.Optional(Type.String({ minLength: 1 })),
          overwrite: Type.Optional(Type.Boolean()),
          authorId: Type.Optional(Type.String()),
        }),
        response: {
          201: Type.Object({
            labels: Type.Array(Type.Object({ id: Type.String(), assetId: Type.String(), externalId: Type.String() })),
            replaced: Type.Integer(),
            warnings: Type.Array(Type.String()),
          }),
          ...errorResponses(400, 401, 404, 409, 413),
        },
      },
    }, async (request, reply) => reply.code(201).send(await labels.importLabel(request.params.id, request.body)));

    app.get('/api/projects/:id/labels', {
      schema: {
        summary: 'List the labels of a project',
        description: 'Oldest first. With `withJsonResponse=true` each label carries its jsonResponse (for long videos, read one label at a time from /api/labels/{id}/json-response, which streams).',
        tags: ['labeling'],
        params: ProjectIdParam,
        querystring: Type.Object({
          ...LabelFilterQuery,
          withJsonResponse: Type.Optional(Type.Boolean({ default: false })),
          first: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE, description: `At most this many (default 100, at most ${MAX_PAGE}).` })),
          skip: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 200: Type.Object({ labels: Type.Array(LabelBody) }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => {
      const { withJsonResponse, ...query } = request.query;
      const found = await labels.list(request.params.id, query);
      const bodies = [];
      for (const label of found) bodies.push({ ...labelBody(label), ...(withJsonResponse ? { jsonResponse: await labels.jsonResponse(label) } : {}) });
      return { labels: bodies };
    });

    app.get('/api/projects/:id/labels/count', {
      schema: {
        summary: 'Count the labels of a project',
        tags: ['labeling'],
        params: ProjectIdParam,
        querystring: Type.Object(LabelFilterQuery),
        response: { 200: Type.Object({ count: Type.Integer() }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => ({ count: await labels.count(request.params.id, request.query) }));

    app.delete('/api/projects/:id/labels', {
      schema: {
        summary: 'Delete labels',
        tags: ['labeling'],
        params: ProjectIdParam,
        body: Type.Object({ ids: Type.Array(Type.String(), { minItems: 1 }) }),
        response: { 200: Type.Object({ deleted: Type.Integer() }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => labels.delete(request.params.id, request.body.ids));

    app.delete('/api/labels', {
      schema: {
        summary: 'Delete labels by id, of any project',
        tags: ['labeling'],
        body: Type.Object({ ids: Type.Array(Type.String(), { minItems: 1 }) }),
        response: { 200: Type.Object({ deleted: Type.Integer() }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => labels.delete(null, request.body.ids));

    app.get('/api/labels/:id', {
      schema: {
        summary: 'Show a label, with its jsonResponse',
        tags: ['labeling'],
        params: LabelIdParam,
        response: { 200: LabelBody, ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => {
      const label = await labels.get(request.params.id);
      return { ...labelBody(label), jsonResponse: await labels.jsonResponse(label) };
    });

    app.get('/api/labels/:id/json-response', {
      schema: {
        summary: 'A label\'s jsonResponse, streamed',
        description: 'The same JSON as the jsonResponse field, written a frame at a time, for labels of long videos.',
        tags: ['labeling'],
        params: LabelIdParam,
        response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request, reply) => {
      const label = await labels.get(request.params.id);
      const text = await labels.jsonResponseText(label);
      // A stream is sent as it is: the schema documents the JSON it carries.
      return reply.type('application/json').send(Readable.from(text) as never);
    });
  };
}

function labelBody(label: LabelView) {
  return {
    id: label.id,
    projectId: label.projectId,
    assetId: label.assetId,
    externalId: label.externalId,
    labelType: label.labelType,
    authorId: label.authorId,
    modelName: label.modelName,
    secondsToLabel: label.secondsToLabel,
    createdAt: new Date(Math.floor(label.createdAtMicros / 1000)).toISOString(),
    isLatestLabelForUser: label.isLatestLabelForUser,
    numberOfAnnotations: label.trackCount,
    numberOfKeyFrames: label.keyCount,
  };
}
