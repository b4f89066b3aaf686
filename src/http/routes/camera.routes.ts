import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { cameraTypes, publicCamera } from '../../domain/cameras/camera.js';
import { publicHealth, type CameraHealth } from '../../domain/cameras/camera-health.js';
import { parseCameraList } from '../../domain/cameras/camera-import.js';
import { CamtroveError } from '../../domain/errors.js';
import { CameraBody, CameraChangesSchema, CameraInputSchema } from '../../services/camera-params.js';
import type { CameraService } from '../../services/camera.service.js';
import { errorResponses, PageQuery } from '../schemas.js';

const CameraIdParam = Type.Object({ id: Type.String({ description: 'The camera id.' }) });

const SearchQuery = Type.Object({
  ...PageQuery,
  city: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  type: Type.Optional(Type.Union(cameraTypes.map((t) => Type.Literal(t)))),
  tag: Type.Optional(Type.String()),
  enabled: Type.Optional(Type.Boolean()),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'With lon and radius_km: cameras within that distance, nearest first.' })),
  lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  radius_km: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 20_100 })),
});

const ImportReport = Type.Object({
  added: Type.Array(Type.String()),
  skipped: Type.Array(Type.Object({ row: Type.Integer(), id: Type.String(), reason: Type.String() })),
  invalid: Type.Array(Type.Object({ row: Type.Integer(), id: Type.Union([Type.String(), Type.Null()]), reason: Type.String() })),
});

/** The camera registry: add, list and search, show, change, remove, import a camera list. */
export function cameraRoutes(cameras: CameraService, base = '/api/cameras'): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    app.post(base, {
      schema: {
        summary: 'Register a camera',
        description: 'Credentials given here are stored and used, never returned: answers say only `auth`.',
        tags: ['cameras'],
        body: CameraInputSchema,
        response: { 201: CameraBody, ...errorResponses(400, 401, 409) },
      },
    }, async (request, reply) => {
      const camera = await cameras.add(request.body);
      return reply.code(201).send(publicCamera(camera));
    });

    app.get(base, {
      schema: {
        summary: 'List and search cameras',
        description: 'Filters combine. Without a position, cameras come by id; with lat, lon and radius_km, nearest first, each with `distance_km`.',
        tags: ['cameras'],
        querystring: SearchQuery,
        response: { 200: Type.Object({ cameras: Type.Array(CameraBody), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401) },
      },
    }, async (request) => {
      const { limit, after, lat, lon, radius_km: km, city, state, country, type, tag, enabled } = request.query;
      const position = [lat, lon, km].filter((v) => v !== undefined).length;
      if (position !== 0 && position !== 3) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'a search by position needs lat, lon and radius_km together');
      const near = lat !== undefined && lon !== undefined && km !== undefined ? { latitude: lat, longitude: lon, km } : undefined;
      const page = await cameras.search({ city, state, country, type, tag, enabled, near }, { limit, after });
      const health = await cameras.healthOf(page.items.map((found) => found.camera.id));
      return {
        cameras: page.items.map((found) => ({ ...publicCamera(found.camera), ...(found.distanceKm === null ? {} : { distance_km: Math.round(found.distanceKm * 1000) / 1000 }), health: healthBody(health.get(found.camera.id)) })),
        next: page.next,
      };
    });

    app.get(`${base}/:id`, {
      schema: { summary: 'Show a camera', tags: ['cameras'], params: CameraIdParam, response: { 200: CameraBody, ...errorResponses(401, 404) } },
    }, async (request) => {
      const camera = await cameras.get(request.params.id);
      return { ...publicCamera(camera), health: healthBody((await cameras.healthOf([camera.id])).get(camera.id)) };
    });

    app.patch(`${base}/:id`, {
      schema: {
        summary: 'Change a camera',
        description: 'Fields given replace the stored ones; the others stay. `username: null` removes the credentials.',
        tags: ['cameras'],
        params: CameraIdParam,
        body: CameraChangesSchema,
        response: { 200: CameraBody, ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => publicCamera(await cameras.update(request.params.id, request.body)));

    app.delete(`${base}/:id`, {
      schema: {
        summary: 'Remove a camera',
        tags: ['cameras'],
        params: CameraIdParam,
        response: { 200: Type.Object({ id: Type.String(), deleted: Type.Boolean() }), ...errorResponses(401, 404) },
      },
    }, async (request) => {
      await cameras.remove(request.params.id);
      return { id: request.params.id, deleted: true };
    });

    app.post(`${base}/import`, {
      // Camera lists of thousands run to megabytes.
      bodyLimit: 64 * 1024 * 1024,
      config: {
        openapi: {
          requestBody: {
            'application/json': Type.Union([Type.Array(CameraInputSchema), Type.Object({ cameras: Type.Array(CameraInputSchema) })]),
            'text/csv': Type.String({ description: 'A header row of camera fields, then a camera a row.' }),
          },
        },
      },
      schema: {
        summary: 'Import a camera list',
        description:
          'A list in the camera database format: a JSON array (or `{"cameras": [...]}`) as application/json, or CSV with a header row as text/csv. ' +
          'Cameras already registered (same id or same address) are skipped, invalid ones reported; the rest are added.',
        tags: ['cameras'],
        response: { 200: ImportReport, ...errorResponses(400, 401) },
      },
    }, async (request) => {
      const csv = typeof request.body === 'string';
      if (!csv && (request.body === undefined || request.body === null)) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'send the camera list as application/json or text/csv');
      const parsed = parseCameraList(csv ? (request.body as string) : JSON.stringify(request.body), csv ? 'csv' : 'json');
      const report = await cameras.import(parsed.cameras);
      return { ...report, invalid: [...parsed.problems, ...report.invalid].sort((a, b) => a.row - b.row) };
    });
  };
}

const healthBody = (health: CameraHealth | undefined) => (health ? publicHealth(health) : null);
