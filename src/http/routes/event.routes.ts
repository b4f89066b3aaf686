import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EVENT_SORTS, MAX_EVENT_PAGE } from '../../domain/events/event-query.js';
import type { EventService } from '../../services/event.service.js';
import { errorResponses } from '../schemas.js';

const text = (description: string) => Type.Optional(Type.String({ description }));

/** Every filter applies; each is validated by the search itself, so a bad one is named in the error. */
const SearchQuery = Type.Object({
  camera: Type.Optional(Type.Array(Type.String(), { description: 'Camera id; repeat it (or separate ids with commas) for several.' })),
  from: text('Events that end after this time: UTC ISO 8601 with Z or an offset, or a date.'),
  to: text('Events that start before this time (same form as from).'),
  media: text('Only this media item\'s events (its file id).'),
  job: text('Only events of the files of this import job.'),
  min_score: text('Score at least this (0–1).'),
  min_duration: text('Seconds, at least.'),
  max_duration: text('Seconds, at most.'),
  direction: text('Direction of travel: a compass word (N, NE, E, SE, S, SW, W, NW; north, left…) or an arc of degrees clockwise from up, such as 45-135.'),
  sort: Type.Optional(Type.String({ description: `${EVENT_SORTS.join(', ')}: by start time, oldest or (-time) newest first, or best score first.`, default: 'time' })),
  limit: text(`Events per page, 1–${MAX_EVENT_PAGE} (default 100).`),
  after: text('The `next` value of the previous page (the same search only).'),
});

const EventBody = Type.Object({ id: Type.String() }, { additionalProperties: true, description: 'An event: its camera and media, times (media seconds, and UTC when the media\'s capture time is known), score, motion, box, direction, speed, colours, zones, thumbnail and clip file ids.' });

/** Motion events across the library: search them, and fetch one. */
export function eventRoutes(events: EventService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/events', {
      schema: {
        summary: 'Search motion events',
        description: 'Filters combine; pages follow each other with `after` (stable while new events arrive).',
        tags: ['events'],
        querystring: SearchQuery,
        response: { 200: Type.Object({ events: Type.Array(EventBody), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401) },
      },
    }, async (request) => events.search(request.query));

    app.get('/events/:id', {
      schema: {
        summary: 'One motion event, with its track, trajectory and heatmap, and links to its media, thumbnail and clip',
        tags: ['events'],
        params: Type.Object({ id: Type.String() }),
        response: { 200: EventBody, ...errorResponses(401, 404) },
      },
    }, async (request) => events.get(request.params.id));
  };
}
