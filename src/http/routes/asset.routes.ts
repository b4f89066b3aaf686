import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import type { AssetFrameRecord, AssetRecord } from '../../adapters/db/label-asset.repository.js';
import type { LabelRecord } from '../../adapters/db/label.repository.js';
import { CamtroveError } from '../../domain/errors.js';
import type { AssetService } from '../../services/labeling/asset.service.js';
import { MAX_PAGE } from '../../services/labeling/project.service.js';
import { Binary } from '../openapi.js';
import { errorResponses } from '../schemas.js';
import { EventFilters } from './event.routes.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const AssetProperties = {
  id: Type.String({ description: '32 hex characters.' }),
  projectId: Type.String(),
  externalId: Type.String({ description: 'Unique within the project.' }),
  content: Type.String({ description: 'What the asset was made from: a URL, camtrove:file/<id> or camtrove:event/<id>; empty for a frame list.' }),
  jsonContent: Nullable(Type.Array(Type.String(), { description: 'A frame list: its images, in order.' })),
  jsonMetadata: Type.Record(Type.String(), Type.Unknown(), { description: 'The metadata given, with processingParameters (and the numberOfFrames and startTime measured).' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  status: Type.String({ enum: ['TODO', 'LABELED', 'REVIEWED'], description: 'Where labeling stands: TODO without a DEFAULT or REVIEW label (predictions do not count), LABELED with one, REVIEWED with a REVIEW label.' }),
  processing: Type.Object({
    state: Type.String({ enum: ['PENDING', 'READY', 'FAILED'], description: 'PENDING while the frames are indexed; READY; FAILED (see error).' }),
    error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  }),
  resolution: Nullable(Type.Object({ width: Type.Integer(), height: Type.Integer() }, { description: 'As displayed (rotation applied); of the first frame for a frame list.' })),
  numberOfFrames: Nullable(Type.Integer()),
  frameRate: Nullable(Type.Number({ description: 'Frames per second: the average rate, or the sampling rate.' })),
  codec: Nullable(Type.String()),
  startTime: Nullable(Type.Number({ description: 'Seconds: the presentation time of frame 0.' })),
  duration: Nullable(Type.Number()),
  rotation: Nullable(Type.Integer({ description: 'Clockwise display rotation of the video, degrees; frames are served upright.' })),
  labels: Type.Array(
    Type.Object({
      id: Type.String(),
      labelType: Type.String(),
      authorId: Nullable(Type.String()),
      modelName: Nullable(Type.String()),
      createdAt: Type.String({ format: 'date-time' }),
    }),
    { description: 'The asset\'s labels, oldest first (their content: GET /api/labels/{id}).' },
  ),
};

const AssetBody = Type.Object(AssetProperties);
/** An asset with only the fields asked for. */
const PartialAssetBody = Type.Partial(AssetBody);
type AssetJson = Static<typeof AssetBody>;
const FIELD_NAMES = Object.keys(AssetProperties) as (keyof AssetJson)[];

const list = (description: string) => Type.Optional(Type.Array(Type.String(), { description }));
const AssetFilterQuery = {
  assetId: list('Only these assets (repeat the key for several).'),
  externalIdIn: list('External ids containing any of these (repeat the key for several): `v1` matches `v10`.'),
  externalIdStrictlyIn: list('External ids equal to one of these (repeat the key for several).'),
  metadataWhere: Type.Optional(Type.String({ description: 'JSON: `{"key": value}` equal, `{"key": ["a", "b"]}` any of, `{"key": [min, max]}` (two numbers) an inclusive range; top-level metadata keys.' })),
};

const ProjectIdParam = Type.Object({ id: Type.String({ description: 'The project id, or a unique prefix.' }) });
const AssetIdParam = Type.Object({ id: Type.String({ description: 'The asset id, or a unique prefix.' }) });
const Selection = {
  assetIds: Type.Optional(Type.Array(Type.String())),
  externalIds: Type.Optional(Type.Array(Type.String())),
};

const AppendAnswer = Type.Object({
  id: Type.String({ description: 'The project id.' }),
  assetIds: Type.Array(Type.String(), { description: 'The new assets, in the order given.' }),
  batchId: Nullable(Type.String({ description: 'Follow their preparation at /api/projects/{id}/assets/batches/{batchId}.' })),
  warnings: Type.Array(Type.String()),
  skipped: Type.Array(Type.Object({ externalId: Type.String(), reason: Type.String({ enum: ['duplicate_in_request', 'exists'] }) })),
});

const FrameBody = Type.Object({
  index: Type.Integer({ description: 'Frame k, from 0: the k-th decoded frame in presentation order (or at the sampling rate).' }),
  pts: Nullable(Type.Number({ description: 'Seconds: the presentation time of the decoded frame it shows (null in a frame list without a rate).' })),
  width: Type.Integer(),
  height: Type.Integer(),
});

/** Labeling assets: add (from files, URLs, frame lists, library files and events), find, change, remove; their frames. */
export function assetRoutes(assets: AssetService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/projects/:id/assets', {
      // A frame list of 100,000 images names each of them: a few MB of JSON.
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        summary: 'Add assets to a project',
        description:
          'Kili\'s appendManyToDataset: arrays zipped by index. `contentArray`: video URLs (fetched by the server under the camera network policy), `camtrove:file/<id>` (upload local files first with POST /api/files) or `camtrove:event/<id>`. `jsonContentArray`: lists of images (URLs or camtrove:file/<id>) played as one video. An external id repeated in the call drops every copy; ids already in the project are skipped; both with a warning. All assets of the call are added, or none. Each is then prepared (probed, frames indexed): follow the batch.',
        tags: ['labeling'],
        params: ProjectIdParam,
        body: Type.Object({
          contentArray: Type.Optional(Type.Array(Type.String())),
          jsonContentArray: Type.Optional(Type.Array(Type.Array(Type.String()))),
          externalIdArray: Type.Optional(Type.Array(Type.String())),
          jsonMetadataArray: Type.Optional(Type.Array(Type.Unknown())),
        }),
        response: { 201: AppendAnswer, ...errorResponses(400, 401, 404, 409, 413, 422, 507) },
      },
    }, async (request, reply) => reply.code(201).send(await assets.append(request.params.id, request.body)));

    app.post('/api/projects/:id/assets/from-events', {
      schema: {
        summary: 'Add the events of an event search as assets',
        description: 'Every event matching `where` (the filters of GET /api/events) becomes an asset `event:<id>`: its media between its start and end. Events already in the project are left out, so a re-run adds only new events.',
        tags: ['labeling'],
        params: ProjectIdParam,
        body: Type.Object({
          where: Type.Object(EventFilters),
          preannotate: Type.Optional(Type.Boolean({ default: true, description: 'Give each asset a PREDICTION label (modelName camtrove-motion) once it is prepared: one track per moving object of the event, its boxes as key frames, in the project\'s first OBJECT_DETECTION job with rectangles.' })),
          categoryMapping: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Event label → category key of that job; `*` for events with none of the labels named. Default: the job\'s first category.' })),
        }),
        response: { 201: AppendAnswer, ...errorResponses(400, 401, 404, 409, 422) },
      },
    }, async (request, reply) => {
      const { where, ...options } = request.body;
      return reply.code(201).send(await assets.appendEvents(request.params.id, where, options));
    });

    app.get('/api/projects/:id/assets/batches/:batchId', {
      schema: {
        summary: 'Follow the preparation of the assets one call added',
        tags: ['labeling'],
        params: Type.Object({ id: Type.String(), batchId: Type.String() }),
        response: {
          200: Type.Object({
            batchId: Type.String(),
            total: Type.Integer(),
            pending: Type.Integer(),
            ready: Type.Integer(),
            failed: Type.Array(Type.Object({ assetId: Type.String(), externalId: Type.String(), error: Type.Object({ code: Type.String(), message: Type.String() }) })),
          }),
          ...errorResponses(400, 401, 404, 409),
        },
      },
    }, async (request) => {
      const status = await assets.batch(request.params.id, request.params.batchId);
      return {
        batchId: request.params.batchId,
        total: status.total,
        pending: status.pending,
        ready: status.ready,
        failed: status.failed.map((a) => ({ assetId: a.id, externalId: a.externalId, error: { code: a.errorCode ?? 'CAMTROVE_ERR_INTERNAL', message: a.errorMessage ?? '' } })),
      };
    });

    app.get('/api/projects/:id/assets', {
      schema: {
        summary: 'List and filter the assets of a project',
        description: 'In the order they were added. `fields` (comma-separated or repeated) keeps only those fields of each asset.',
        tags: ['labeling'],
        params: ProjectIdParam,
        querystring: Type.Object({
          ...AssetFilterQuery,
          fields: list(`Fields to return: ${FIELD_NAMES.join(', ')}.`),
          first: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE, description: `At most this many (default 100, at most ${MAX_PAGE}).` })),
          skip: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 200: Type.Object({ assets: Type.Array(PartialAssetBody) }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => {
      const { fields, first, skip, ...filter } = request.query;
      const chosen = fieldsOf(fields);
      const found = await assets.list(request.params.id, { ...filterOf(filter), ...(first !== undefined ? { first } : {}), ...(skip !== undefined ? { skip } : {}) });
      const labels = await assets.labelsOf(found.map((a) => a.id));
      return { assets: found.map((a) => pick(assetBody(a, labels.get(a.id) ?? []), chosen)) };
    });

    app.get('/api/projects/:id/assets/count', {
      schema: {
        summary: 'Count the assets of a project',
        tags: ['labeling'],
        params: ProjectIdParam,
        querystring: Type.Object(AssetFilterQuery),
        response: { 200: Type.Object({ count: Type.Integer() }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => ({ count: await assets.count(request.params.id, filterOf(request.query)) }));

    app.patch('/api/projects/:id/assets', {
      schema: {
        summary: 'Change the metadata of assets',
        description:
          'One metadata object per asset named (by assetIds or externalIds). mode replace (default; Kili\'s updatePropertiesInAssets): the new metadata replaces the old, but processingParameters is kept when left out and replaced when named; merge (addMetadata): keys merged over the old; set (setMetadata): replaced, keeping processingParameters, text, imageUrl and url when left out. A change of processingParameters prepares the asset again.',
        tags: ['labeling'],
        params: ProjectIdParam,
        body: Type.Object({ ...Selection, jsonMetadatas: Type.Array(Type.Unknown()), mode: Type.Optional(Type.String({ enum: ['replace', 'merge', 'set'] })) }),
        response: { 200: Type.Object({ assets: Type.Array(Type.Object({ id: Type.String() })) }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => {
      const { mode = 'replace', jsonMetadatas, ...selection } = request.body;
      const changed = await assets.updateMetadata(request.params.id, selection, jsonMetadatas, mode as 'replace' | 'merge' | 'set');
      return { assets: changed.map((a) => ({ id: a.id })) };
    });

    app.delete('/api/projects/:id/assets', {
      schema: {
        summary: 'Remove assets from a project',
        description: 'By assetIds or externalIds. Their frames go; frames cut from their videos leave the library.',
        tags: ['labeling'],
        params: ProjectIdParam,
        body: Type.Object(Selection),
        response: { 200: Type.Object({ deleted: Type.Integer(), assetIds: Type.Array(Type.String()) }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => assets.delete(request.params.id, request.body));

    app.get('/api/assets/:id', {
      schema: { summary: 'Show an asset', tags: ['labeling'], params: AssetIdParam, response: { 200: AssetBody, ...errorResponses(400, 401, 404, 409) } },
    }, async (request) => {
      const asset = await assets.get(request.params.id);
      return assetBody(asset, (await assets.labelsOf([asset.id])).get(asset.id) ?? []);
    });

    app.get('/api/assets/:id/frames', {
      schema: {
        summary: 'List the frames of an asset',
        description: 'Frame k is the k-th decoded frame in presentation order (at the sampling rate when one was given), with the presentation time of the frame it shows: never k / fps. 409 while the asset is being prepared.',
        tags: ['labeling'],
        params: AssetIdParam,
        querystring: Type.Object({ first: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE, description: 'At most this many (default 1000).' })), skip: Type.Optional(Type.Integer({ minimum: 0, description: 'Start at this frame.' })) }),
        response: { 200: Type.Object({ frames: Type.Array(FrameBody), total: Type.Integer() }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => {
      const { frames, total } = await assets.frames(request.params.id, request.query);
      return { frames: frames.map(frameBody), total };
    });

    app.get('/api/assets/:id/frames/:k', {
      config: { openapi: { responses: { 200: { description: 'Frame k as an image, upright: decoded from the video (JPEG, or PNG with format=png), or a frame list\'s own image as stored.', content: { 'image/jpeg': Binary, 'image/png': Binary, 'image/*': Binary } } } } },
      schema: {
        summary: 'Get frame k of an asset as an image',
        tags: ['labeling'],
        params: Type.Object({ id: Type.String(), k: Type.Integer({ minimum: 0, description: 'The frame index, from 0.' }) }),
        querystring: Type.Object({ format: Type.Optional(Type.String({ enum: ['jpeg', 'png'], default: 'jpeg' })) }),
        response: errorResponses(400, 401, 404, 409, 422),
      },
    }, async (request, reply) => {
      const image = await assets.frameImage(request.params.id, request.params.k, (request.query.format ?? 'jpeg') as 'jpeg' | 'png');
      // Frame k of an asset never changes while it stays prepared the same way.
      return reply.type(image.contentType).header('cache-control', 'private, max-age=300').send(image.body);
    });
  };
}

/** The asset as the API shows it. */
export function assetBody(asset: AssetRecord, labels: readonly LabelRecord[]): AssetJson {
  const processingParameters = asset.processingParameters
    ? { ...asset.processingParameters, ...(asset.frameCount !== null ? { numberOfFrames: asset.frameCount } : {}), ...(asset.startTime !== null ? { startTime: asset.startTime } : {}) }
    : null;
  return {
    id: asset.id,
    projectId: asset.projectId,
    externalId: asset.externalId,
    content: asset.content,
    jsonContent: asset.jsonContent,
    jsonMetadata: processingParameters ? { ...asset.jsonMetadata, processingParameters } : asset.jsonMetadata,
    createdAt: new Date(Math.floor(asset.createdAtMicros / 1000)).toISOString(),
    updatedAt: new Date(asset.updatedAt).toISOString(),
    status: labels.some((l) => l.labelType === 'REVIEW') ? 'REVIEWED' : labels.some((l) => l.labelType === 'DEFAULT') ? 'LABELED' : 'TODO',
    processing: { state: asset.processingState, error: asset.errorCode ? { code: asset.errorCode, message: asset.errorMessage ?? '' } : null },
    resolution: asset.width !== null && asset.height !== null ? { width: asset.width, height: asset.height } : null,
    numberOfFrames: asset.frameCount,
    frameRate: asset.fps,
    codec: asset.codec,
    startTime: asset.startTime,
    duration: asset.duration,
    rotation: asset.rotation,
    labels: labels.map((l) => ({ id: l.id, labelType: l.labelType, authorId: l.authorId, modelName: l.modelName, createdAt: new Date(Math.floor(l.createdAtMicros / 1000)).toISOString() })),
  };
}

function frameBody(frame: AssetFrameRecord) {
  return { index: frame.index, pts: frame.pts, width: frame.width, height: frame.height };
}

function filterOf(query: { assetId?: string[]; externalIdIn?: string[]; externalIdStrictlyIn?: string[]; metadataWhere?: string }) {
  return {
    ...(query.assetId ? { assetIds: query.assetId } : {}),
    ...(query.externalIdIn ? { externalIdIn: query.externalIdIn } : {}),
    ...(query.externalIdStrictlyIn ? { externalIdStrictlyIn: query.externalIdStrictlyIn } : {}),
    ...(query.metadataWhere !== undefined ? { metadataWhere: query.metadataWhere } : {}),
  };
}

/** The fields asked for, checked: a misspelt field is an error, not a silent omission. */
function fieldsOf(given: string[] | undefined): (keyof AssetJson)[] | null {
  if (!given) return null;
  const names = given.flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(FIELD_NAMES as string[]).includes(n.split('.')[0]!));
  if (unknown.length > 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `fields: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of an asset; choose from ${FIELD_NAMES.join(', ')}`);
  return [...new Set(names.map((n) => n.split('.')[0] as keyof AssetJson))];
}

function pick(asset: AssetJson, fields: (keyof AssetJson)[] | null): Partial<AssetJson> {
  if (!fields) return asset;
  return Object.fromEntries(fields.map((f) => [f, asset[f]]));
}
