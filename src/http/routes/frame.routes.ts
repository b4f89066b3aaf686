import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FrameRecord } from '../../adapters/db/frame.repository.js';
import { FRAME_SORTS, MAX_FRAME_PAGE } from '../../domain/frame-query.js';
import type { FrameService } from '../../services/frame.service.js';
import { errorResponses } from '../schemas.js';

const FrameBody = Type.Object({
  frame_id: Type.String({ description: '32 hex characters; the first 12 are the capture time.' }),
  camera_id: Type.String(),
  file_id: Type.String({ description: 'The image: download it with GET /api/files/{id}.' }),
  captured_at: Type.String({ format: 'date-time', description: 'UTC, to the microsecond.' }),
  size: Type.Integer({ description: 'Bytes of the image.' }),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  content_type: Type.String(),
  change_score: Type.Number({ description: '% of its pixels that differ from the frame kept before it (0–100): 100 for a camera\'s first frame, a new resolution, or every frame kept with no change threshold.' }),
});

/** A frame as the API and `camtrove frames ls --json` show it. */
export function frameBody(frame: FrameRecord) {
  return {
    frame_id: frame.id,
    camera_id: frame.cameraId,
    file_id: frame.fileId,
    captured_at: microsIso(frame.capturedAtMicros),
    size: frame.size,
    width: frame.width,
    height: frame.height,
    content_type: frame.contentType,
    change_score: frame.changeScore,
  };
}

/** ISO 8601 UTC with the microseconds a frame's capture time keeps. */
function microsIso(micros: number): string {
  const ms = Math.floor(micros / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(micros - Math.floor(micros / 1_000_000) * 1_000_000).padStart(6, '0')}Z`;
}

/** Archived frames of a camera, in capture order, a page at a time. */
export function frameRoutes(frames: FrameService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/cameras/:id/frames', {
      schema: {
        summary: 'Browse a camera\'s archived frames',
        description: 'Oldest first (newest first with sort=-time), captured in [from, to). Pass `next` back as `cursor`, with the same sort, for the following page; it is null on the last page.',
        tags: ['cameras'],
        params: Type.Object({ id: Type.String({ description: 'The camera id.' }) }),
        querystring: Type.Object({
          from: Type.Optional(Type.String({ description: 'Frames captured at or after this time: UTC ISO 8601 with Z or an offset, or a date.' })),
          to: Type.Optional(Type.String({ description: 'Frames captured before this time (same form as from).' })),
          cursor: Type.Optional(Type.String({ description: 'The `next` value of the previous page.' })),
          limit: Type.Optional(Type.String({ description: `Frames per page, 1–${MAX_FRAME_PAGE} (default 100).` })),
          sort: Type.Optional(Type.String({ description: `${FRAME_SORTS.join(', ')}: by capture time, oldest or (-time) newest first; -time with limit=1 is the latest frame.`, default: 'time' })),
        }),
        response: { 200: Type.Object({ frames: Type.Array(FrameBody), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 404) },
      },
    }, async (request) => {
      const page = await frames.browse(request.params.id, request.query);
      return { frames: page.items.map(frameBody), next: page.next };
    });
  };
}
