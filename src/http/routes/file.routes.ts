import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FileRecord } from '../../adapters/db/file.repository.js';
import { deletionOf, describeUsage, type FileUsage } from '../../domain/file-usage.js';
import { parseRangeHeader } from '../../domain/byte-range.js';
import { CamtroveError } from '../../domain/errors.js';
import type { FileService } from '../../services/file.service.js';
import { fileResponseHeaders } from '../file-headers.js';
import { Binary } from '../openapi.js';
import { errorResponses, FileBody, IdParam, PageQuery } from '../schemas.js';

export function fileBody(file: FileRecord) {
  return { file_id: file.id, name: file.name, size: file.size, content_type: file.contentType, created_at: new Date(file.createdAt).toISOString() };
}

/** Where the file routes answer: `/api/files`, and the seed service's `/file` as an alias. */
export const FILE_PATHS = { collection: '/api/files', item: '/api/files/:id', usage: '/api/files/:id/usage' as string | null };
export const SEED_FILE_PATHS = { collection: '/file', item: '/file/:id', usage: null };

/** The library's files: upload, list, download (with Range), delete. */
export function fileRoutes(files: FileService, maxUploadBytes: number, paths = FILE_PATHS): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Raw bytes (application/octet-stream…) sent to POST /api/files are the same mistake as a form without
    // the field: say how to upload rather than "unsupported media type". Scoped to these routes; the
    // other methods here take no body and ignore one.
    app.addContentTypeParser('*', (request, payload, done) => {
      if (request.method !== 'POST') {
        payload.resume();
        done(null, undefined);
        return;
      }
      const type = request.headers['content-type'] ?? 'without a content type';
      done(new CamtroveError('CAMTROVE_ERR_MISSING_FILE_FIELD', `send the file as multipart/form-data in a field named "file" (this request is ${type})`), undefined);
    });

    app.post(paths.collection, {
      config: { openapi: { requestBody: { 'multipart/form-data': Type.Object({ file: Type.String({ format: 'binary', description: 'The file; its name is kept for display.' }) }, { required: ['file'] }) } } },
      schema: {
        summary: 'Upload a file',
        description: 'multipart/form-data with the file in field `file`. Identical bytes get the same id and are stored once.',
        tags: ['files'],
        consumes: ['multipart/form-data'],
        response: { 200: Type.Object({ file_id: Type.String(), created: Type.Boolean({ description: 'False when these bytes were already stored.' }) }), ...errorResponses(400, 401, 413, 507) },
      },
    }, async (request) => {
      if (!request.isMultipart()) throw new CamtroveError('CAMTROVE_ERR_MISSING_FILE_FIELD', 'send the file as multipart/form-data in a field named "file"');
      for await (const part of request.parts({ limits: { fileSize: maxUploadBytes + 1, files: 1 } })) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'file') {
          part.file.resume();
          continue;
        }
        // A client that goes away mid-upload must leave nothing behind: fail the stream.
        const raw = request.raw;
        const onClose = () => {
          if (!raw.complete) part.file.destroy(new CamtroveError('CAMTROVE_ERR_UPLOAD_ABORTED', 'the client disconnected before the upload ended'));
        };
        raw.once('close', onClose);
        try {
          const { file, created } = await files.add(part.file, { name: part.filename, contentType: part.mimetype, maxBytes: maxUploadBytes });
          return { file_id: file.id, created };
        } finally {
          raw.off('close', onClose);
        }
      }
      throw new CamtroveError('CAMTROVE_ERR_MISSING_FILE_FIELD', 'the form has no file field named "file"');
    });

    app.get(paths.collection, {
      schema: {
        summary: 'List files, newest first',
        tags: ['files'],
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Object({ files: Type.Array(FileBody), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401) },
      },
    }, async (request) => {
      const page = await files.list({ limit: request.query.limit, after: request.query.after });
      return { files: page.items.map(fileBody), next: page.next };
    });

    app.get(paths.item, {
      config: {
        openapi: {
          responses: {
            200: { description: 'The whole file, in its own content type (images, video and audio inline, everything else as an attachment).', content: { '*/*': Binary } },
            206: { description: 'The range asked for with `Range: bytes=…`; `Content-Range` says which.', content: { '*/*': Binary } },
            304: { description: '`If-None-Match` named this file\'s ETag (its id): the copy the client has is current.' },
          },
        },
      },
      schema: {
        summary: 'Download a file',
        description: 'Supports `Range: bytes=…` (206) so browsers can seek in videos, and `If-None-Match` with the file id as ETag.',
        tags: ['files'],
        params: IdParam,
        response: errorResponses(400, 401, 404, 409, 416),
      },
    }, async (request, reply) => {
      const file = await files.resolve(request.params.id);
      const etag = `"${file.id}"`;
      void reply
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        .header('cache-control', 'private, max-age=31536000, immutable')
        .headers(fileResponseHeaders(file));
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      const range = parseRangeHeader(request.headers.range, file.size);
      if (range === 'unsatisfiable') {
        void reply.header('content-range', `bytes */${file.size}`);
        throw new CamtroveError('CAMTROVE_ERR_RANGE_NOT_SATISFIABLE', `the range ${request.headers.range} lies outside the file's ${file.size} bytes`);
      }
      // Opened before the status is set: a file deleted meanwhile answers 404, not a broken 200.
      // HEAD sends no bytes, and need not open any.
      const content = request.method === 'HEAD' ? files.read(file, range ?? undefined) : await files.open(file, range ?? undefined);
      if (range) {
        void reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`).header('content-length', range.end - range.start + 1);
        return reply.send(content);
      }
      void reply.header('content-length', file.size);
      return reply.send(content);
    });

    if (paths.usage !== null) {
      app.get(paths.usage, {
        schema: {
          summary: 'What uses a file',
          description:
            'What a deletion of the file would meet, before deleting anything: `deletion` is `alone` (nothing uses it), `cascade` (DELETE needs `cascade=true` and takes `uses` along) ' +
            'or `refused` (pending or running analyses, or labeling assets, use it: `remedy` says what to do first). `uses` counts each kind of user; `description` names them with a few ids.',
          tags: ['files'],
          params: IdParam,
          response: {
            200: Type.Object({
              file_id: Type.String(),
              name: Type.String(),
              deletion: Type.Union([Type.Literal('alone'), Type.Literal('cascade'), Type.Literal('refused')]),
              remedy: Type.Union([Type.String(), Type.Null()]),
              description: Type.String({ description: 'The users with counts and a few ids ("3 events of its media (…), 1 media record (…)"); empty when nothing uses the file.' }),
              uses: Type.Intersect([CascadedBody, Type.Object({ active_analyses: Type.Integer({ description: 'Pending or running analyses of the file.' }), label_assets: Type.Integer({ description: 'Labeling assets showing the file.' }) })]),
            }),
            ...errorResponses(400, 401, 404, 409),
          },
        },
      }, async (request) => {
        const { file, usage } = await files.usage(request.params.id);
        const deletion = deletionOf(usage);
        const uses = { ...cascadedBody(usage), active_analyses: usage.activeAnalyses.count, label_assets: usage.labelAssets.count };
        return { file_id: file.id, name: file.name, deletion: deletion.kind, remedy: deletion.kind === 'refused' ? deletion.remedy : null, description: describeUsage(usage), uses };
      });
    }

    app.delete(paths.item, {
      schema: {
        summary: 'Delete a file',
        description:
          'Refused with 409 `CAMTROVE_ERR_FILE_IN_USE` while other records use the file (events of its media, events showing it as thumbnail or clip, ' +
          'its media record, archived frames, finished analyses that read or stored it, import items); the message names them with counts and a few ids. ' +
          'With `cascade=true` they are deleted in the same transaction (events showing it as thumbnail or clip keep their motion and lose the picture; ' +
          'import items go back to discovered). Pending or running analyses of the file refuse the deletion even then: cancel them first. ' +
          'Answers once the bytes are gone from disk; works on a full disk.',
        tags: ['files'],
        params: IdParam,
        querystring: Type.Object({
          cascade: Type.Boolean({ default: false, description: 'Delete the records that use the file too, in the same transaction.' }),
        }),
        response: {
          200: Type.Object({
            file_id: Type.String(),
            deleted: Type.Boolean(),
            cascaded: Type.Union([Type.Null(), CascadedBody], { description: 'What was deleted with the file (counts), when cascade=true and anything used it.' }),
          }),
          ...errorResponses(400, 401, 404, 409, 507),
        },
      },
    }, async (request) => {
      const { file, cascaded } = await files.delete(request.params.id, { cascade: request.query.cascade });
      return { file_id: file.id, deleted: true, cascaded: cascaded && cascadedBody(cascaded) };
    });
  };
}

const CascadedBody = Type.Object({
  events: Type.Integer({ description: 'Events of the media, deleted with their labels.' }),
  previews: Type.Integer({ description: 'Events of other media that lost this file as thumbnail or clip.' }),
  media: Type.Integer(),
  frames: Type.Integer(),
  analyses: Type.Integer({ description: 'Finished analyses that read or stored the file.' }),
  import_items: Type.Integer({ description: 'Import items reset to discovered: importing again brings the file back.' }),
});

export function cascadedBody(usage: FileUsage) {
  return { events: usage.events.count, previews: usage.previews.count, media: usage.media.count, frames: usage.frames.count, analyses: usage.analyses.count, import_items: usage.importItems.count };
}
