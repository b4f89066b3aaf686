import { Readable } from 'node:stream';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CamtroveError } from '../../domain/errors.js';
import type { ImportHost } from '../../services/import/import-host.js';
import {
  factsFromWire,
  IMPORT_LOCK_HEADER,
  holderToWire,
  ItemFactsWire,
  ItemWire,
  itemToWire,
  JobWire,
  jobToWire,
  MAX_INT32,
  LockHolderWire,
  PostedWire,
  Sha256,
  ShardStateWire,
  shardStateToWire,
  StoredWire,
} from '../import-wire.js';
import { Binary } from '../openapi.js';
import { errorResponses } from '../schemas.js';


const JobParam = Type.Object({ id: Type.String({ description: 'The import job id.' }) });
const ItemParam = Type.Object({ id: Type.String(), seq: Type.Integer({ minimum: 0, maximum: MAX_INT32 }) });
const LockHeader = Type.Object({ [IMPORT_LOCK_HEADER]: Type.Optional(Type.String({ description: 'The holder id given to POST /api/imports/lock.' })) });
const Done = Type.Object({ ok: Type.Literal(true) });
const MAX_APPEND = 5000;

/**
 * The import protocol: what `camtrove import --server` uses to import into this server's library.
 * The client walks, reads and hashes its folders; the server keeps the job, the lock and the
 * files. Writes need the import lock (header x-camtrove-import-lock).
 */
export function importRoutes(host: ImportHost): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['imports'];
    // File bytes arrive as they are, streamed into the blob store.
    app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    const locked = { preHandler: async (request: { headers: Record<string, unknown> }) => host.requireLock(request.headers[IMPORT_LOCK_HEADER] as string | undefined) };

    app.post('/imports/lock', {
      schema: {
        summary: 'Take the import lock (one import into a library at a time)',
        description: 'Answers acquired: false with the current holder when another import runs. `replaces` takes the lock over from a holder the client knows is dead (its own host, a pid no longer running). The lock lapses a minute after its last renewal.',
        tags,
        body: Type.Object({
          holder: Type.String({ minLength: 16, maxLength: 64, description: 'A random id the client chose; renewals, releases and writes carry it.' }),
          host: Type.String({ maxLength: 255 }),
          pid: Type.Integer({ minimum: 0, maximum: MAX_INT32 }),
          purpose: Type.String({ maxLength: 4096 }),
          replaces: Type.Optional(Type.Object({ host: Type.String(), pid: Type.Integer({ minimum: 0, maximum: MAX_INT32 }) })),
        }),
        response: { 200: Type.Object({ acquired: Type.Boolean(), holder: Type.Optional(LockHolderWire) }), ...errorResponses(400, 401) },
      },
    }, async (request) => {
      const { replaces, ...claim } = request.body;
      const result = await host.acquireLock(claim, replaces ?? null);
      return result.acquired ? { acquired: true } : { acquired: false, holder: holderToWire(result.holder) };
    });

    app.put('/imports/lock/:holder', {
      schema: { summary: 'Renew the import lock', tags, params: Type.Object({ holder: Type.String() }), response: { 200: Type.Object({ held: Type.Boolean({ description: 'False when the lock lapsed and another client took it.' }) }), ...errorResponses(401) } },
    }, async (request) => ({ held: await host.renewLock(request.params.holder) }));

    app.delete('/imports/lock/:holder', {
      schema: { summary: 'Release the import lock', tags, params: Type.Object({ holder: Type.String() }), response: { 200: Done, ...errorResponses(401) } },
    }, async (request) => {
      await host.releaseLock(request.params.holder);
      return { ok: true as const };
    });

    app.get('/imports/requests/:key/job', {
      schema: { summary: 'The newest job an import request made, to continue it', tags, params: Type.Object({ key: Type.String() }), response: { 200: Type.Object({ job: Type.Union([JobWire, Type.Null()]) }), ...errorResponses(401) } },
    }, async (request) => {
      const job = await host.jobForRequest(request.params.key);
      return { job: job ? jobToWire(job) : null };
    });

    app.post('/imports/jobs', {
      ...locked,
      schema: {
        summary: 'Create an import job (or answer the existing one of the same request)',
        tags,
        headers: LockHeader,
        body: Type.Pick(JobWire, ['job_id', 'request_key', 'request', 'segment', 'shard_size']),
        response: { 200: JobWire, ...errorResponses(400, 401, 409) },
      },
    }, async (request) => {
      const b = request.body;
      return jobToWire(await host.createJob({ id: b.job_id, requestKey: b.request_key, request: b.request, segment: b.segment, shardSize: b.shard_size }));
    });

    app.get('/imports/jobs/:id', {
      schema: { summary: 'An import job\'s record', tags, params: JobParam, response: { 200: JobWire, ...errorResponses(401, 404) } },
    }, async (request) => jobToWire(await host.job(request.params.id)));

    app.get('/imports/jobs/:id/items', {
      schema: {
        summary: 'A job\'s files in order, a page at a time',
        tags,
        params: JobParam,
        querystring: Type.Object({ after: Type.Integer({ minimum: -1, default: -1, description: 'The seq of the last item of the previous page.' }), limit: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }) }),
        response: { 200: Type.Object({ items: Type.Array(ItemWire) }), ...errorResponses(400, 401, 404) },
      },
    }, async (request) => ({ items: (await host.items(request.params.id, request.query)).map(itemToWire) }));

    app.post('/imports/jobs/:id/items', {
      ...locked,
      bodyLimit: 16 << 20,
      schema: {
        summary: 'Add files to a job, after its last one',
        tags,
        params: JobParam,
        headers: LockHeader,
        body: Type.Object({ items: Type.Array(ItemFactsWire, { maxItems: MAX_APPEND }) }),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ seq: Type.Integer(), shard: Type.Integer() })) }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => ({ items: await host.appendItems(request.params.id, request.body.items.map(factsFromWire)) }));

    app.put('/imports/jobs/:id/items/:seq', {
      ...locked,
      schema: { summary: 'Take a file of the job again, as it is now (it changed, or it failed)', tags, params: ItemParam, headers: LockHeader, body: ItemFactsWire, response: { 200: Done, ...errorResponses(400, 401, 409) } },
    }, async (request) => {
      await host.rediscover(request.params.id, request.params.seq, factsFromWire(request.body));
      return { ok: true as const };
    });

    app.post('/imports/jobs/:id/items/:seq/failure', {
      ...locked,
      schema: { summary: 'Record why a file failed', tags, params: ItemParam, headers: LockHeader, body: Type.Object({ reason: Type.String({ maxLength: 4096 }) }), response: { 200: Done, ...errorResponses(400, 401, 409) } },
    }, async (request) => {
      await host.markFailed(request.params.id, request.params.seq, request.body.reason);
      return { ok: true as const };
    });

    app.post('/imports/jobs/:id/items/:seq/stored', {
      ...locked,
      schema: {
        summary: 'Record a file whose bytes were sent: probe, capture time, media, segmentation',
        tags,
        params: ItemParam,
        headers: LockHeader,
        body: StoredWire,
        response: { 200: PostedWire, ...errorResponses(400, 401, 404, 409, 422) },
      },
    }, async (request) => {
      const b = request.body;
      const posted = await host.recordStored(
        { jobId: request.params.id, seq: request.params.seq, displayPath: b.path, cameraId: b.camera_id, timeFromName: b.time_from_name_ms, mtimeMs: b.mtime_ms, latitude: b.latitude, longitude: b.longitude, sha256: b.sha256, size: b.size, duplicate: b.duplicate },
        b.bytes_were_new,
      );
      return { outcome: posted.outcome, captured_at_ms: posted.capturedAt, time_source: posted.timeSource, analysis_id: posted.analysisId };
    });

    app.post('/imports/jobs/:id/items/:seq/posted', {
      ...locked,
      schema: {
        summary: 'Record a file a hook sent elsewhere (counted done, not stored here)',
        tags,
        params: ItemParam,
        headers: LockHeader,
        body: Type.Object({ file_id: Sha256, camera_id: Type.String(), captured_at_ms: Type.Integer(), time_source: PostedWire.properties.time_source }),
        response: { 200: Done, ...errorResponses(400, 401, 409) },
      },
    }, async (request) => {
      const b = request.body;
      await host.recordPosted({ jobId: request.params.id, seq: request.params.seq, fileId: b.file_id, cameraId: b.camera_id, capturedAt: b.captured_at_ms, timeSource: b.time_source });
      return { ok: true as const };
    });

    app.post('/imports/jobs/:id/items/:seq/segmentation', {
      ...locked,
      schema: { summary: 'Queue segmentation of a stored file whose segmentation is missing or failed', tags, params: ItemParam, headers: LockHeader, body: Type.Object({ file_id: Sha256 }), response: { 200: Type.Object({ analysis_id: Type.String() }), ...errorResponses(400, 401, 404, 409) } },
    }, async (request) => ({ analysis_id: await host.segment(request.params.id, request.params.seq, request.body.file_id) }));

    app.get('/imports/jobs/:id/shard-states', {
      schema: { summary: 'Files per shard and state: what a job\'s status is made of', tags, params: JobParam, response: { 200: Type.Object({ counts: Type.Array(ShardStateWire) }), ...errorResponses(401, 404) } },
    }, async (request) => ({ counts: (await host.shardStateCounts(request.params.id)).map(shardStateToWire) }));

    app.post('/imports/cameras', {
      ...locked,
      schema: { summary: 'Register an imported camera by name, once', tags, headers: LockHeader, body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }) }), response: { 200: Type.Object({ camera_id: Type.String() }), ...errorResponses(400, 401, 409) } },
    }, async (request) => ({ camera_id: (await host.registerCamera(request.body.name)).cameraId }));

    app.get('/imports/content/:sha256', {
      schema: { summary: 'Whether the library has these bytes (so a client need not send them)', tags, params: Type.Object({ sha256: Sha256 }), response: { 200: Type.Object({ sha256: Type.String(), size: Type.Integer() }), ...errorResponses(400, 401, 404) } },
    }, async (request) => {
      const size = await host.contentSize(request.params.sha256);
      if (size === null) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `the library has no bytes with SHA-256 ${request.params.sha256}`);
      return { sha256: request.params.sha256, size };
    });

    app.put('/imports/content/:sha256', {
      ...locked,
      config: { openapi: { requestBody: { 'application/octet-stream': Binary } } },
      schema: {
        summary: 'Send a file\'s bytes (application/octet-stream), stored only if they have this SHA-256',
        tags,
        consumes: ['application/octet-stream'],
        params: Type.Object({ sha256: Sha256 }),
        headers: LockHeader,
        response: { 200: Type.Object({ created: Type.Boolean({ description: 'False when the library had these bytes already.' }) }), ...errorResponses(400, 401, 409, 413, 422, 507) },
      },
    }, async (request) => {
      // Another content type (a form, JSON) arrives parsed, not as the bytes to store.
      if (!(request.body instanceof Readable)) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'send the bytes as application/octet-stream');
      const length = Number(request.headers['content-length']);
      return host.putContent(request.params.sha256, request.body, Number.isSafeInteger(length) ? length : null);
    });
  };
}
