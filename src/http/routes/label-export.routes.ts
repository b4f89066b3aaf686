import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ExportRecord } from '../../adapters/db/label-export.repository.js';
import { LABEL_TYPES } from '../../domain/labeling/label-model.js';
import { EXPORT_FORMATS, type LabelExportService } from '../../services/labeling/label-export.service.js';
import { MAX_PAGE } from '../../services/labeling/project.service.js';
import { Binary } from '../openapi.js';
import { errorResponses } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const ExportBody = Type.Object({
  id: Type.String(),
  projectId: Type.String(),
  fmt: Type.String({ enum: [...EXPORT_FORMATS] }),
  options: Type.Record(Type.String(), Type.Unknown(), { description: 'The request, with its defaults filled in.' }),
  status: Type.String({ enum: ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] }),
  progress: Type.Object({ assetsDone: Type.Integer(), assetsTotal: Type.Integer() }),
  fileId: Nullable(Type.String({ description: 'The zip, a library file, once DONE.' })),
  sizeBytes: Nullable(Type.Integer()),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  download: Nullable(Type.String({ description: 'Where to download the zip once DONE.' })),
});

/** Label exports: started as jobs, followed, downloaded as a zip. */
export function labelExportRoutes(exports: LabelExportService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/projects/:id/exports', {
      schema: {
        summary: 'Export a project\'s labels',
        description:
          'Starts an export job (202) and answers where to follow it. Formats: `kili` (each asset with its jsonResponse, every frame, 0-based), `cvat_video` (CVAT for video 1.1 XML per asset, 0-based frames, key frames and outside flags), `mot` (MOTChallenge gt/gt.txt, 1-based frames), `yolo_v8` (data.yaml and a label file per frame named by frame index + 1), `coco` (one image per frame, track_id on each annotation). Each asset exports its latest label of `labelTypeIn` (default DEFAULT and REVIEW; a REVIEW wins). Each zip has a README.txt stating its frame-index base.',
        tags: ['labeling'],
        params: Type.Object({ id: Type.String({ description: 'The project id, or a unique prefix.' }) }),
        body: Type.Object({
          fmt: Type.String({ enum: [...EXPORT_FORMATS] }),
          externalIds: Type.Optional(Type.Array(Type.String(), { description: 'Only these assets (default: every prepared asset).' })),
          labelTypeIn: Type.Optional(Type.Array(Type.String({ enum: [...LABEL_TYPES] }))),
          singleFile: Type.Optional(Type.Boolean({ description: 'kili: one data.json instead of one file per asset.' })),
          layout: Type.Optional(Type.String({ enum: ['split', 'merged'], description: 'kili: split (default), one file per asset; merged, one data.json (as singleFile).' })),
          interpolate: Type.Optional(Type.Boolean({ default: true, description: 'false: key frames only (kili always writes every frame, marked isKeyFrame).' })),
          annotatedOnly: Type.Optional(Type.Boolean({ default: false, description: 'Leave out frames without annotations (yolo_v8, coco).' })),
          withAssets: Type.Optional(Type.Boolean({ default: false, description: 'yolo_v8, coco: the frames\' images too, images/<name>.jpg, named like their label files (frames cut from the video, or a frame list\'s own images).' })),
        }),
        response: { 202: ExportBody, ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request, reply) => reply.code(202).send(exportBody(await exports.start(request.params.id, request.body))));

    app.get('/api/projects/:id/exports', {
      schema: {
        summary: 'List a project\'s label exports, newest first',
        tags: ['labeling'],
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ first: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE })), skip: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: { 200: Type.Object({ exports: Type.Array(ExportBody) }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => ({ exports: (await exports.list(request.params.id, request.query)).map(exportBody) }));

    app.get('/api/exports/:id', {
      schema: {
        summary: 'Follow a label export',
        tags: ['labeling'],
        params: Type.Object({ id: Type.String({ description: 'The export id, or a unique prefix.' }) }),
        response: { 200: ExportBody, ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => exportBody(await exports.get(request.params.id)));

    app.get('/api/exports/:id/file', {
      config: { openapi: { responses: { 200: { description: 'The export, a zip.', content: { 'application/zip': Binary } } } } },
      schema: {
        summary: 'Download a finished label export (a zip)',
        description: '409 while the export is still running, or when it failed.',
        tags: ['labeling'],
        params: Type.Object({ id: Type.String() }),
        response: errorResponses(400, 401, 404, 409),
      },
    }, async (request, reply) => {
      const { name, size, body } = await exports.file(request.params.id);
      return reply
        .type('application/zip')
        .header('content-length', String(size))
        .header('content-disposition', `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`)
        .send(body);
    });
  };
}

function exportBody(record: ExportRecord) {
  return {
    id: record.id,
    projectId: record.projectId,
    fmt: record.fmt,
    options: record.options,
    status: record.status,
    progress: { assetsDone: record.assetsDone, assetsTotal: record.assetsTotal },
    fileId: record.fileId,
    sizeBytes: record.sizeBytes,
    error: record.errorCode ? { code: record.errorCode, message: record.errorMessage ?? '' } : null,
    createdAt: new Date(record.createdAt).toISOString(),
    finishedAt: record.finishedAt === null ? null : new Date(record.finishedAt).toISOString(),
    download: record.status === 'DONE' && record.fileId !== null ? `/api/exports/${record.id}/file` : null,
  };
}
